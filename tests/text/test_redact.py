from datetime import date

import pytest
from django.utils import translation
from django.utils.safestring import SafeData, mark_safe

from participation.text.redact import PersonalData, is_identity_number, redact_personal_data
from tests.text.identity_numbers import (
    FNR_1985,
    fullwidth,
    make_identity_number,
    with_check_digits,
)

FNR = "[identity number removed]"
PHONE = "[phone number removed]"
EMAIL = "[e-mail removed]"
ADDRESS = "[address removed]"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


D_NUMBER = make_identity_number(date(1990, 7, 15), day_add=40)
H_NUMBER = make_identity_number(date(1972, 12, 31), month_add=40)
SYNTHETIC = make_identity_number(date(2001, 3, 9), month_add=80)
SYNTHETIC_D = make_identity_number(date(1999, 11, 28), day_add=40, month_add=80)
LEAP_DAY = make_identity_number(date(2000, 2, 29), individual=500)


def test_the_generated_numbers_are_what_the_test_thinks_they_are():
    assert D_NUMBER[0] in "4567"
    assert H_NUMBER[2] in "45"
    assert SYNTHETIC[2] in "89"
    assert all(
        is_identity_number(n) for n in (FNR_1985, D_NUMBER, H_NUMBER, SYNTHETIC, SYNTHETIC_D)
    )


@pytest.mark.parametrize(
    "written",
    [
        FNR_1985,
        D_NUMBER,
        H_NUMBER,
        SYNTHETIC,
        SYNTHETIC_D,
        LEAP_DAY,
        f"{FNR_1985[:6]} {FNR_1985[6:]}",
        f"{FNR_1985[:6]}.{FNR_1985[6:]}",
        f"{FNR_1985[:6]}-{FNR_1985[6:]}",
        f"{FNR_1985[:2]}.{FNR_1985[2:4]}.{FNR_1985[4:6]} {FNR_1985[6:]}",
        f"{FNR_1985[:6]}\u00a0{FNR_1985[6:]}",
        f"{FNR_1985[:6]}\u202f{FNR_1985[6:]}",
        fullwidth(FNR_1985),
        "\u200b".join(FNR_1985),
        "\u2060".join(D_NUMBER),
        "\u00ad".join(FNR_1985),
    ],
)
def test_identity_number_is_replaced_however_it_is_written(written):
    text = f"Hei, mitt fødselsnummer er {written} og jeg protesterer."

    result = redact_personal_data(text)

    assert result.text == f"Hei, mitt fødselsnummer er {FNR} og jeg protesterer."
    assert [(f.kind, text[f.start : f.end]) for f in result.findings] == [
        (PersonalData.IDENTITY_NUMBER, written)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FNR_1985, FNR),
        (f"{FNR_1985} er mitt nummer", f"{FNR} er mitt nummer"),
        (f"fnr:{FNR_1985}.", f"fnr:{FNR}."),
        (f"fnr{FNR_1985}abc", f"fnr{FNR}abc"),
        (f"({D_NUMBER})", f"({FNR})"),
        (f"Liste: {FNR_1985},{D_NUMBER}", f"Liste: {FNR},{FNR}"),
        (f"Først\n{FNR_1985}\nsist", f"Først\n{FNR}\nsist"),
    ],
)
def test_identity_number_is_found_next_to_letters_punctuation_and_string_ends(text, expected):
    assert redact_personal_data(text).text == expected


def test_text_around_a_redacted_number_is_kept_exactly_as_written():
    text = f"Hilsen\u00a0Kari\u200b – nr.\u00a0{fullwidth(FNR_1985)}\u202e ⚠️ e\u0301\r\nslutt"

    result = redact_personal_data(text)

    assert result.text == f"Hilsen\u00a0Kari\u200b – nr.\u00a0{FNR}\u202e ⚠️ e\u0301\r\nslutt"


def flip_last_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


@pytest.mark.parametrize(
    "number",
    [
        flip_last_digit(FNR_1985),
        flip_last_digit(D_NUMBER),
        "12345678901",
        "00000000000",
        # Valid check digits, impossible dates: 30 February, month 13, day 72 (D-number 32).
        with_check_digits("300285"),
        with_check_digits("011385"),
        with_check_digits("720185"),
    ],
)
def test_eleven_digits_that_are_not_an_identity_number_are_kept(number):
    text = f"Ordrenummer {number} gjelder."
    assert redact_personal_data(text).text == text


def test_a_number_inside_a_longer_digit_run_is_kept():
    text = f"Kontonummer 9{FNR_1985}7"
    assert redact_personal_data(text).text == text


@pytest.mark.parametrize(
    "written",
    [
        "41234567",
        "91234567",
        "412 34 567",
        "41 23 45 67",
        "22 33 44 55",
        "+47 41234567",
        "+4741234567",
        "+47 412 34 567",
        "+47 4123 4567",
        "0047 41 23 45 67",
        "(+47) 41234567",
        "+46 70 123 45 67",
        "+44 20 7946 0958",
        "+1-202-555-0143",
        "0046 70 123 45 67",
        "412\u00a034\u00a0567",
        "41\u202f23\u202f45\u202f67",
        fullwidth("91234567"),
        "".join(f"{c}\ufe0f\u20e3" for c in "41234567"),  # keycap emoji digits
        "4\u03001234567",
        "4\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7",
    ],
)
def test_phone_number_is_replaced_in_common_formats(written):
    text = f"Ring meg på {written}, helst etter kl. 16."

    result = redact_personal_data(text)

    assert result.text == f"Ring meg på {PHONE}, helst etter kl. 16."
    assert result.counts == {PersonalData.PHONE: 1}


def test_a_list_of_phone_numbers_is_all_replaced():
    text = "Tlf. 41234567, 92345678 eller tlf:22334455."
    assert redact_personal_data(text).text == f"Tlf. {PHONE}, {PHONE} eller tlf:{PHONE}."


@pytest.mark.parametrize(
    "text",
    [
        "Saken har saksnummer 2024/1234.",
        "Saken har saksnummer 2024/12345678.",
        "Prosjektet koster 1 500 000 kroner.",
        "Prosjektet koster kr 12 500 000.",
        "Prosjektet koster 41 500 000 kroner.",
        "Planen gjelder for 2020–2024 og 2020-2024.",
        "Postnummer 0150 Oslo.",
        "Velforeningen har organisasjonsnummer 999 888 777.",
        "Velforeningen har org.nr. 999888777.",
        "Møtet er 01.02.2024 kl. 18.00.",
        "Møtet er 1. februar 2024.",
        "Ordrenummer 12345678901.",
        "Se https://kommune.no/sak/41234567 for detaljer.",
        "Se https://kommune.no/sak?id=41234567 for detaljer.",
        "Gnr. 12 bnr. 345 og festenr. 6.",
        "Kundeservice på 815 00 000 og 800 12 345.",
        "Tabell: 22 33 44 55 66 77",
        "Kommunen har 41 234 innbyggere.",
    ],
)
def test_numbers_that_are_not_personal_data_are_kept(text):
    result = redact_personal_data(text)
    assert result.text == text
    assert result.findings == []


@pytest.mark.parametrize(
    "text",
    [
        "Planid 20230045 gjelder reguleringsplanen.",
        "PlanID: 20230045 gjelder reguleringsplanen.",
        "Plan-id 20230045 gjelder reguleringsplanen.",
        "Se saksnr. 20230045 i postlista.",
        "Se saksnummer 20230045 i postlista.",
        "Se arkivsak 20230045 i postlista.",
        "Se arkivsaksnr.: 20230045 i postlista.",
        "Vår ref: 41234567, deres ref. 92345678.",
        "Referanse 41234567 gjelder klagen.",
        "Eiendommen gnr/bnr 41234567 ligger ved sjøen.",
        "Journalpost 41234567 er unntatt offentlighet.",
    ],
)
def test_an_eight_digit_number_after_a_reference_label_is_kept(text):
    result = redact_personal_data(text)
    assert result.text == text
    assert result.findings == []


@pytest.mark.parametrize("label", ["Planid", "Saksnr.", "Ref:", "Journalpost", "gnr/bnr"])
def test_an_identity_number_after_a_reference_label_is_still_removed(label):
    text = f"{label} {FNR_1985} gjelder meg."
    assert redact_personal_data(text).text == f"{label} {FNR} gjelder meg."


@pytest.mark.parametrize(
    "text",
    [
        "Ref: +47 412 34 567 er nummeret mitt.",
        "Saksbehandler 41234567 svarer.",
        "Prefer 41234567 for calls.",
        "Planidé: ring 41234567.",
    ],
)
def test_a_phone_number_is_removed_when_no_reference_label_is_right_before_it(text):
    assert PHONE in redact_personal_data(text).text


@pytest.mark.parametrize(
    ("written", "trailing"),
    [
        ("ola.nordmann@kommune.no", "."),
        ("ola+høring@example.com", ""),
        ("kari_o'hara@post.sub.example.org", ","),
        ("ola＠kommune.no", ""),
        ("o\u200bla@kommune.no", ""),
    ],
)
def test_email_address_is_replaced(written, trailing):
    text = f"Skriv til {written}{trailing} takk"
    assert redact_personal_data(text).text == f"Skriv til {EMAIL}{trailing} takk"


def test_an_email_with_digits_is_one_email_not_a_phone_number():
    result = redact_personal_data("Kontakt 41234567@sms.example.no")
    assert result.text == f"Kontakt {EMAIL}"
    assert result.counts == {PersonalData.EMAIL: 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jeg bor i Storgata 12B og er imot.", f"Jeg bor i {ADDRESS} og er imot."),
        ("Jeg bor i Kirkeveien 5 A og er imot.", f"Jeg bor i {ADDRESS} og er imot."),
        ("Adresse: Fjellvegen 3, 0123 Oslo.", f"Adresse: {ADDRESS}."),
        ("Adresse: Fjellvegen 3 0123 Oslo", f"Adresse: {ADDRESS}"),
        ("Kari Nordmann\nStorgata 12\n0150 Oslo\n\nHei!", f"Kari Nordmann\n{ADDRESS}\n\nHei!"),
        ("Vi bor i Karl Johans gate 22.", f"Vi bor i {ADDRESS}."),
        ("På Karl Johans gate 22, 0159 Oslo", f"På {ADDRESS}"),
        ("Vi bor i Bygdøy allé 5.", f"Vi bor i {ADDRESS}."),
        ("Vi bor i Øvre Slottsgate 3.", f"Vi bor i {ADDRESS}."),
        ("Vi bor i Kirkeveien 12-14.", f"Vi bor i {ADDRESS}."),
        (
            "Vi bor i Solbakken 4, i Bjørkelia 7 og i Nedre Sjøgata 1.",
            (f"Vi bor i {ADDRESS}, i {ADDRESS} og i {ADDRESS}."),
        ),
        ("Fra Storgata\u00a012 til Fjellvegen\u202f3", f"Fra {ADDRESS} til {ADDRESS}"),
        ("Vi bor i Bygdøy alle\u0301 5.", f"Vi bor i {ADDRESS}."),
        ("Vi bor i Ka\u030aregata 4.", f"Vi bor i {ADDRESS}."),
    ],
)
def test_street_address_with_house_number_is_replaced(text, expected):
    assert redact_personal_data(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "Storgata er fin, men Kirkeveien trenger sykkelfelt.",
        "Trafikken i Storgata, 12 biler i minuttet, er for mye.",
        "Planen for Karl Johans gate er for dårlig.",
        "Riksvei 7 og Fylkesvei 123 er stengt.",
        "Storgata 2024 er navnet på prosjektet.",
        "Se kapittel 5 og Kapittel 5.",
        "Bakken 2 ganger om dagen.",
        "Storgata 5.5 prosent",
    ],
)
def test_street_names_without_a_house_number_are_kept(text):
    assert redact_personal_data(text).text == text


def test_findings_point_at_what_was_removed_in_the_original_text():
    text = f"Fnr {D_NUMBER}, tlf 41234567, e-post kari@example.no, adresse Storgata 1."

    result = redact_personal_data(text)

    assert [(f.kind, text[f.start : f.end]) for f in result.findings] == [
        (PersonalData.IDENTITY_NUMBER, D_NUMBER),
        (PersonalData.PHONE, "41234567"),
        (PersonalData.EMAIL, "kari@example.no"),
        (PersonalData.ADDRESS, "Storgata 1"),
    ]
    assert result.text == f"Fnr {FNR}, tlf {PHONE}, e-post {EMAIL}, adresse {ADDRESS}."


def test_the_preview_can_say_what_was_removed():
    result = redact_personal_data(f"{FNR_1985} 41234567 92345678")
    assert result.describe() == ["1 identity number", "2 phone numbers"]


def test_text_marked_safe_comes_back_as_plain_text_that_templates_escape():
    result = redact_personal_data(mark_safe("<b>Hei</b>"))
    assert result.text == "<b>Hei</b>"
    assert not isinstance(result.text, SafeData)


def test_text_without_personal_data_is_returned_unchanged():
    text = "Jeg støtter planen, men ønsker mer grøntareal i Storgata."
    result = redact_personal_data(text)
    assert result.text == text
    assert result.findings == []
    assert result.describe() == []


def test_an_identity_number_issued_after_2032_with_a_new_first_check_digit_is_found():
    # Skatteetaten's own example: born 30.10.1982, second number issued with remainder 1.
    assert is_identity_number("30108299939")
    assert redact_personal_data("fnr 30108299939").text == f"fnr {FNR}"


MEGABYTE = 1_000_000


@pytest.mark.parametrize(
    "text",
    [
        "1" * MEGABYTE,
        "1 " * (MEGABYTE // 2),
        "1\u200b" * (MEGABYTE // 2),
        fullwidth("1") * MEGABYTE,
        "A" + "a" * MEGABYTE,
        "a@" * (MEGABYTE // 2),
        "a." * (MEGABYTE // 2) + "@",
        "+4" * (MEGABYTE // 2),
        "Storgata " * (MEGABYTE // 9),
    ],
    ids=[
        "digits",
        "spaced digits",
        "zero-width digits",
        "full-width digits",
        "one word",
        "at signs",
        "dotted local part",
        "plus signs",
        "street names",
    ],
)
def test_a_megabyte_of_adversarial_text_is_handled(text):
    assert redact_personal_data(text).text == text


def test_a_megabyte_of_personal_data_is_all_redacted():
    line = f"Tlf 41234567, fnr {FNR_1985}, kari@example.no, Storgata 1.\n"
    count = MEGABYTE // len(line)

    result = redact_personal_data(line * count)

    assert len(result.findings) == 4 * count
    assert result.text == f"Tlf {PHONE}, fnr {FNR}, {EMAIL}, {ADDRESS}.\n" * count
