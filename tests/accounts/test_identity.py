"""The identity number is checked, hashed with a key, and dropped from the provider's answer."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from participation.accounts.eid import (
    EidLoginRefused,
    RefusalReason,
    read_identity,
    required_level,
    scrub,
)
from participation.accounts.identity import hash_pid, is_valid_pid
from participation.accounts.models import AssuranceLevel

PID = "01017012343"
OTHER_PID = "15038545660"


@pytest.mark.parametrize("value", [PID, OTHER_PID, "41017012337", "31129956715"])
def test_numbers_with_both_check_digits_right_are_valid(value):
    assert is_valid_pid(value)


@pytest.mark.parametrize(
    "value",
    [
        "01017012344",  # second check digit wrong
        "01017012353",  # first check digit wrong
        "0101701234",  # ten digits
        "010170123430",  # twelve
        "010170 12343",  # spaced
        "٠١٠١٧٠١٢٣٤٣",  # Arabic-Indic digits are not our digits
        "",
        None,
        1017012343,
    ],
)
def test_anything_else_is_not_a_valid_number(value):
    assert not is_valid_pid(value)


def test_the_hash_is_stable_keyed_and_not_the_number(settings):
    first = hash_pid(PID)
    assert first == hash_pid(PID)
    assert first != hash_pid(OTHER_PID)
    assert PID not in first
    assert len(first) == 64
    settings.PID_HMAC_KEY = "another-key-another-key-another-key"
    assert hash_pid(PID) != first


def test_hashing_an_invalid_number_fails_without_repeating_it():
    with pytest.raises(ValueError) as excinfo:
        hash_pid("01017012344")
    assert "01017012344" not in str(excinfo.value)


def claims(**extra):
    return {"sub": "pairwise-1", "pid": PID, "acr": "idporten-loa-substantial", **extra}


def test_the_level_comes_from_the_id_token():
    identity, pid = read_identity({"id_token": claims(acr="idporten-loa-high")})
    assert identity.level == AssuranceLevel.HIGH
    assert pid == PID
    assert identity.pid_hash == hash_pid(PID)


def test_an_acr_only_in_userinfo_does_not_count():
    id_token = claims()
    del id_token["acr"]
    with pytest.raises(EidLoginRefused) as excinfo:
        read_identity({"id_token": id_token, "userinfo": claims(acr="idporten-loa-high")})
    assert excinfo.value.reason == RefusalReason.ASSURANCE


def test_a_pid_that_differs_between_token_and_userinfo_is_refused():
    with pytest.raises(EidLoginRefused) as excinfo:
        read_identity({"id_token": claims(), "userinfo": claims(pid=OTHER_PID)})
    assert excinfo.value.reason == RefusalReason.IDENTITY


@pytest.mark.parametrize("pid", [None, "01017012344", 1017012343])
def test_a_missing_or_malformed_pid_is_refused(pid):
    with pytest.raises(EidLoginRefused) as excinfo:
        read_identity({"id_token": claims(pid=pid)})
    assert excinfo.value.reason == RefusalReason.IDENTITY


def test_the_name_is_taken_from_name_or_given_and_family_name():
    assert read_identity({"id_token": claims(name=" Kari  Nordmann ")})[0].name == "Kari Nordmann"
    both = claims(given_name="Kari", family_name="Nordmann")
    assert read_identity({"userinfo": both, "id_token": claims()})[0].name == "Kari Nordmann"
    assert read_identity({"id_token": claims()})[0].name == ""


def test_scrubbing_keeps_only_known_claims_without_the_number():
    data = {
        "id_token": claims(sid="abc", amr=["BankID"], note=f"fnr {PID}", locale=PID),
        "userinfo": claims(name="Kari"),
    }
    cleaned = scrub(data, pid=PID, pid_hash=hash_pid(PID))
    assert cleaned == {
        "id_token": {"sub": "pairwise-1", "acr": "idporten-loa-substantial", "amr": ["BankID"]},
        "userinfo": {"sub": "pairwise-1", "acr": "idporten-loa-substantial", "name": "Kari"},
    }


def test_a_sub_carrying_the_number_is_replaced_by_the_hash():
    cleaned = scrub({"id_token": claims(sub=f"NO:{PID}")}, pid=PID, pid_hash="abc")
    assert cleaned["id_token"]["sub"] == "hmac-pid:abc"


def test_a_login_can_ask_for_more_than_the_minimum_but_never_less(settings):
    settings.IDPORTEN_ACR_VALUES = "idporten-loa-substantial"
    assert required_level(None) == AssuranceLevel.SUBSTANTIAL
    assert required_level("high") == AssuranceLevel.HIGH
    assert required_level("idporten-loa-high") == AssuranceLevel.HIGH
    assert required_level("low") == AssuranceLevel.SUBSTANTIAL
    settings.IDPORTEN_ACR_VALUES = "idporten-loa-high"
    assert required_level("substantial") == AssuranceLevel.HIGH


def test_an_unknown_minimum_level_in_settings_is_a_configuration_error(settings):
    settings.IDPORTEN_ACR_VALUES = "idporten-loa-low"
    with pytest.raises(ImproperlyConfigured):
        required_level(None)


def test_an_unknown_minimum_level_fails_the_system_check(settings):
    from participation.accounts.checks import check_idporten_settings

    assert check_idporten_settings() == []
    settings.IDPORTEN_ACR_VALUES = "idporten-loa-low"
    assert [e.id for e in check_idporten_settings()] == ["accounts.E001"]
