"""Deleting an account: signatures stay counted under the signed name, without the person."""

import pytest
from django.test import override_settings

from initiatives import operations
from initiatives.models import Initiative, Signature, Status
from participation.accounts.operations import do_delete_account
from participation.accounts.privacy.export import build_export

pytestmark = pytest.mark.django_db


def test_the_person_s_export_lists_their_signatures_without_the_identity_hash(
    make_initiative, make_resident
):
    initiative = make_initiative()
    person = make_resident(name="Eksport Person")
    operations.do_sign(person, initiative)
    sections = {s["key"]: s["rows"] for s in build_export(person)["sections"]}
    [row] = sections["initiative_signatures"]
    assert row["initiative"] == initiative.public_title and row["name"] == "Eksport Person"
    assert person.pid_hash not in str(build_export(person))


def test_a_deleted_account_s_signature_stays_counted_and_the_person_cannot_sign_again(
    make_initiative, make_resident
):
    initiative = make_initiative()
    person = make_resident(name="Slettet Person")
    pid_hash = person.pid_hash
    operations.do_sign(person, initiative)
    do_delete_account(person)
    signature = Signature.objects.get()
    assert signature.user is None and signature.name == "Slettet Person"
    assert Initiative.objects.get(pk=initiative.pk).signature_count == 1
    # While signing is open the identity stays, so a new account for the same person is
    # still the same signature.
    assert signature.identity_hash == pid_hash
    again = make_resident(name="Slettet Person")
    again.pid_hash = pid_hash
    again.save()
    assert operations.do_sign(again, initiative) is False


def test_the_identity_of_a_deleted_account_goes_when_the_collection_is_over(
    make_initiative, make_resident
):
    initiative = make_initiative()
    early, last = make_resident(), make_resident()
    with override_settings(MUNICIPALITY_POPULATION=100):  # threshold 2
        operations.do_sign(early, initiative)
        do_delete_account(early)
        assert Signature.objects.get().identity_hash is not None
        operations.do_sign(last, initiative)
    initiative.refresh_from_db()
    assert initiative.status == Status.READY
    gone = Signature.objects.get(user=None)
    assert gone.identity_hash is None and gone.name
    do_delete_account(last)
    assert not Signature.objects.filter(identity_hash__isnull=False).exists()
    assert Signature.objects.count() == 2
