"""The public pages and the staff tools, through the test client."""

import csv
import io
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from initiatives import operations
from initiatives.models import Initiative, Signature, Status
from participation.contributions import moderation
from participation.contributions.models import Contribution
from tests.accounts.conftest import point_idporten_at

pytestmark = pytest.mark.django_db


def detail_url(initiative, lang="en"):
    """English by default: the tests read the page's words, which are English msgids."""
    return f"{'/' + lang if lang else ''}/innbyggerforslag/{initiative.pk}/"


START_EN = "/en/innbyggerforslag/nytt/"


# ---------------------------------------------------------------- reading


def test_the_list_shows_collecting_ready_and_decided_but_not_pending(
    client, make_initiative, planner, django_assert_num_queries
):
    collecting = make_initiative(title="Samler underskrifter")
    ready = make_initiative(title="Sendt til kommunestyret")
    operations.do_mark_ready(planner, ready)
    make_initiative(title="Venter på moderator", publish=False)
    with django_assert_num_queries(6) as few:
        html = client.get("/innbyggerforslag/").content.decode()
    assert collecting.title in html and ready.title in html
    assert "Venter på moderator" not in html
    for n in range(5):
        make_initiative(title=f"Enda et forslag {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/innbyggerforslag/")


def test_the_page_shows_the_proposal_the_count_and_the_threshold_with_a_text_alternative(
    client, make_initiative, make_resident, settings
):
    settings.MUNICIPALITY_POPULATION = 1_001  # threshold 21
    initiative = make_initiative(justification="Fordi det er mørkt.")
    operations.do_sign(make_resident(), initiative)
    html = client.get(detail_url(initiative)).content.decode()
    assert "Kommunestyret vedtar å sette opp gatelys." in html
    assert "Fordi det er mørkt." in html
    assert "1 signature of the 21 needed" in html
    assert 'max="21" value="1"' in html and "aria-labelledby" in html


def test_the_page_of_a_pending_initiative_is_hidden_from_others(
    client, make_initiative, make_resident
):
    initiative = make_initiative(publish=False)
    assert client.get(detail_url(initiative)).status_code == HTTPStatus.NOT_FOUND
    client.force_login(make_resident())
    assert client.get(detail_url(initiative)).status_code == HTTPStatus.NOT_FOUND
    client.force_login(initiative.author)
    html = client.get(detail_url(initiative)).content.decode()
    assert "A moderator will read the initiative" in html


def test_the_author_sees_why_an_initiative_was_rejected(client, make_initiative, moderator):
    initiative = make_initiative(publish=False)
    moderation.do_reject(moderator, initiative, "other", "Gjelder ikke kommunen.")
    client.force_login(initiative.author)
    html = client.get(detail_url(initiative)).content.decode()
    assert "Gjelder ikke kommunen." in html


def test_the_page_is_in_nynorsk_and_english_too(client, make_initiative):
    initiative = make_initiative()
    for lang in ("", "nn", "en"):
        response = client.get(detail_url(initiative, lang))
        assert response.status_code == HTTPStatus.OK
        assert f'<html lang="{lang or "nb"}"' in response.content.decode()


def test_the_detail_page_runs_the_same_queries_with_many_signatures(
    client, make_initiative, make_resident, django_assert_num_queries
):
    initiative = make_initiative()
    person = make_resident()
    client.force_login(person)
    client.get(detail_url(initiative))
    operations.do_sign(person, initiative)
    with django_assert_num_queries(8) as few:
        client.get(detail_url(initiative))
    for _ in range(5):
        operations.do_sign(make_resident(), initiative)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(detail_url(initiative))


# ---------------------------------------------------------------- signing


def test_an_eid_resident_signs_and_withdraws_from_the_page(client, make_initiative, make_resident):
    initiative = make_initiative()
    client.force_login(make_resident(name="Sigrid Signer"))
    html = client.get(detail_url(initiative)).content.decode()
    assert "Sign the initiative" in html
    response = client.post(reverse("initiatives:sign", args=[initiative.pk]), {"action": "sign"})
    assert response.status_code == HTTPStatus.FOUND
    assert Signature.objects.get().name == "Sigrid Signer"
    html = client.get(detail_url(initiative)).content.decode()
    assert "You have signed this initiative." in html
    client.post(reverse("initiatives:sign", args=[initiative.pk]), {"action": "withdraw"})
    assert not Signature.objects.exists()


def test_an_anonymous_reader_is_sent_to_log_in_with_id_porten(client, make_initiative):
    initiative = make_initiative()
    html = client.get(detail_url(initiative)).content.decode()
    assert "level=substantial" in html
    response = client.post(reverse("initiatives:sign", args=[initiative.pk]), {"action": "sign"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert "level=substantial" in response["Location"]
    assert not Signature.objects.exists()


def test_a_resident_without_eid_gets_the_id_porten_button_and_cannot_sign(
    client, make_initiative, make_user, settings
):
    point_idporten_at(settings, "https://idporten.example")
    initiative = make_initiative()
    client.force_login(make_user(name="Lokal Konto"))
    html = client.get(detail_url(initiative)).content.decode()
    assert "Log in with ID-porten" in html
    assert "process=connect" in html and "acr=substantial" in html
    assert "Sign the initiative" not in html
    client.post(reverse("initiatives:sign", args=[initiative.pk]), {"action": "sign"})
    assert not Signature.objects.exists()


# ---------------------------------------------------------------- starting


def start(client, url=None, **fields):
    data = {
        "title": "Flere benker i parken",
        "proposal": "Kommunestyret vedtar flere benker.",
        "justification": "Eldre trenger å hvile.",
        "idempotency_key": "abc",
        **fields,
    }
    return client.post(url or reverse("initiatives:start"), data)


def test_an_eid_resident_starts_an_initiative_that_waits_for_a_moderator(client, make_resident):
    client.force_login(make_resident())
    response = start(client)
    initiative = Initiative.objects.get()
    assert response["Location"] == reverse("initiatives:detail", args=[initiative.pk])
    assert initiative.state == Contribution.State.PENDING
    assert initiative.body == "Kommunestyret vedtar flere benker."
    assert initiative.justification == "Eldre trenger å hvile."


def test_a_resident_without_eid_keeps_the_text_and_is_offered_id_porten(client, make_user):
    client.force_login(make_user(name="Lokal Konto"))
    response = start(client)
    assert response["Location"] == reverse("initiatives:start")
    assert not Initiative.objects.exists()
    html = client.get(START_EN).content.decode()
    assert "Flere benker i parken" in html and "Eldre trenger å hvile." in html
    assert "need a login with ID-porten" in html


def test_an_anonymous_writer_is_sent_to_log_in_and_keeps_the_text(client):
    response = start(client)
    assert response["Location"].startswith(reverse("account_login"))
    assert "Eldre trenger å hvile." in client.get(reverse("initiatives:start")).content.decode()


def test_a_too_short_title_is_shown_with_what_was_written(client, make_resident):
    client.force_login(make_resident())
    response = start(client, url=START_EN, title="Ja")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "at least five characters" in html and "Eldre trenger å hvile." in html


def test_the_proposer_withdraws_from_the_page(client, make_initiative):
    initiative = make_initiative()
    client.force_login(initiative.author)
    assert "Withdraw the initiative" in client.get(detail_url(initiative)).content.decode()
    client.post(reverse("initiatives:withdraw", args=[initiative.pk]))
    initiative.refresh_from_db()
    assert initiative.status == Status.WITHDRAWN


# ---------------------------------------------------------------- staff


@pytest.fixture
def signed(make_initiative, make_resident):
    initiative = make_initiative()
    for name in ("Anne Aas", "=HYPERLINK(1)"):
        operations.do_sign(make_resident(name=name), initiative)
    return initiative


def test_the_export_has_the_name_and_the_date_only(client, signed, planner):
    client.force_login(planner)
    response = client.get(reverse("initiatives_admin:export", args=[signed.pk, "csv"]))
    assert response.status_code == HTTPStatus.OK
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows[0]) == 3
    today = timezone.localdate().isoformat()
    assert rows[1:] == [["1", "Anne Aas", today], ["2", "'=HYPERLINK(1)", today]]
    for signature in Signature.objects.select_related("user"):
        assert signature.identity_hash not in text
        assert signature.user.email not in text


def test_the_xlsx_export_has_the_name_and_the_date_only(client, signed, planner):
    client.force_login(planner)
    response = client.get(reverse("initiatives_admin:export", args=[signed.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert all(len(r) == 3 for r in rows)
    assert [r[1] for r in rows[1:]] == ["Anne Aas", "'=HYPERLINK(1)"]
    cells = " ".join(str(c) for r in rows for c in r)
    for signature in Signature.objects.select_related("user"):
        assert signature.identity_hash not in cells and signature.user.email not in cells


def test_the_xlsx_signing_date_is_a_date_cell_not_text(client, signed, planner):
    import datetime

    client.force_login(planner)
    response = client.get(reverse("initiatives_admin:export", args=[signed.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active

    cell = sheet["C2"]

    assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    assert cell.value == datetime.datetime.combine(timezone.localdate(), datetime.time())


def test_only_planners_reach_the_staff_pages(client, signed, moderator, make_resident):
    for user in (moderator, make_resident()):
        client.force_login(user)
        for url in (
            reverse("initiatives_admin:index"),
            reverse("initiatives_admin:detail", args=[signed.pk]),
            reverse("initiatives_admin:export", args=[signed.pk, "csv"]),
        ):
            assert client.get(url).status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND), url


def test_a_planner_sends_it_to_the_council_and_posts_the_decision(
    client, signed, planner, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(planner)
    assert client.get(reverse("initiatives_admin:index")).status_code == HTTPStatus.OK
    page = client.get(reverse("initiatives_admin:detail", args=[signed.pk]))
    assert page.status_code == HTTPStatus.OK
    assert reverse("initiatives_admin:export", args=[signed.pk, "xlsx"]) in page.content.decode()
    client.post(reverse("initiatives_admin:status", args=[signed.pk]), {"action": "ready"})
    signed.refresh_from_db()
    assert signed.status == Status.READY
    mailoutbox.clear()  # the planners' "ready for the council" mail, queued with the change
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("initiatives_admin:detail", args=[signed.pk]),
            {"text": "Vedtatt.", "date": timezone.localdate().isoformat(), "case_number": "1"},
        )
    assert response.status_code == HTTPStatus.FOUND
    signed.refresh_from_db()
    assert signed.status == Status.DECIDED and signed.decision_text == "Vedtatt."
    assert len(mailoutbox) == 3  # two signers and the proposer
    assert "Vedtatt." in client.get(detail_url(signed)).content.decode()


def test_the_initiative_is_in_the_moderation_queue(client, make_initiative, moderator):
    initiative = make_initiative(publish=False)
    client.force_login(moderator)
    html = client.get(reverse("moderation:queue")).content.decode()
    assert initiative.title in html
    # The queue shows the proposal; the whole initiative is one link away, for moderators too.
    assert reverse("initiatives:detail", args=[initiative.pk]) in html
    page = client.get(reverse("initiatives:detail", args=[initiative.pk])).content.decode()
    assert initiative.justification in page


def test_hostile_text_is_kept_as_written_and_shown_inert_with_the_identity_number_redacted(
    client, make_initiative
):
    from tests.text.identity_numbers import FNR_1985

    initiative = make_initiative(
        title='<script>alert("t")</script> Gatelys',
        justification=f"<img src=x onerror=alert(1)> Mitt fødselsnummer er {FNR_1985}.",
    )
    assert initiative.title.startswith("<script>")  # the record keeps what was written
    assert FNR_1985 in initiative.justification

    html = client.get(reverse("initiatives:detail", args=[initiative.pk])).content.decode()

    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert FNR_1985 not in html
