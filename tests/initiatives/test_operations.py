"""Citizen initiatives: the threshold, eID, moderation, signing once, the council."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from initiatives import operations
from initiatives.models import Initiative, Signature, Status
from participation.contributions import moderation
from participation.contributions.models import AuditEntry, Contribution, Discussion
from participation.contributions.operations import ContributionError, LoginRequired

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- the threshold


@pytest.mark.parametrize(
    ("population", "is_county", "expected"),
    [
        (0, False, 1),
        (1, False, 1),
        (50, False, 1),
        (51, False, 2),
        (350, False, 7),
        (1_000, False, 20),
        (1_001, False, 21),
        (14_950, False, 299),
        (14_951, False, 300),
        (15_000, False, 300),
        (15_001, False, 300),
        (700_000, False, 300),
        (15_000, True, 300),
        (24_951, True, 500),
        (25_000, True, 500),
        (25_001, True, 500),
        (24_950, True, 499),
        (1_000_000, True, 500),
    ],
)
def test_the_threshold_is_two_percent_rounded_up_and_at_most_300_or_500_in_a_county(
    population, is_county, expected
):
    assert operations.signature_threshold(population, is_county) == expected


@override_settings(MUNICIPALITY_POPULATION=1_001, MUNICIPALITY_IS_COUNTY=False)
def test_the_threshold_follows_the_settings():
    assert operations.signature_threshold() == 21
    with override_settings(MUNICIPALITY_IS_COUNTY=True, MUNICIPALITY_POPULATION=90_000):
        assert operations.signature_threshold() == 500


# ---------------------------------------------------------------- starting


def test_starting_an_initiative_needs_a_login(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(LoginRequired):
        operations.do_start(AnonymousUser(), title="Gatelys", proposal="x", justification="y")


def test_starting_an_initiative_needs_eid(make_user):
    local = make_user(name="Lokal Konto")
    with pytest.raises(operations.EidRequired):
        operations.do_start(local, title="Gatelys nå", proposal="x", justification="y")
    assert not Initiative.objects.exists()


def test_a_new_initiative_waits_for_a_moderator_in_its_own_discussion(make_initiative):
    initiative = make_initiative(publish=False)
    assert initiative.state == Contribution.State.PENDING
    assert initiative.status == Status.COLLECTING
    assert initiative.discussion.kind == Discussion.Kind.INITIATIVE
    assert initiative.discussion.title == "Gatelys i Storgata"
    assert Contribution.objects.filter(moderation.in_queue(), pk=initiative.pk).exists()


def test_personal_data_is_redacted_from_what_the_public_sees(make_initiative):
    initiative = make_initiative(
        publish=False,
        title="Ring meg på 912 34 567",
        justification="Skriv til kari@example.org om saken.",
    )
    assert "912 34 567" not in initiative.public_title
    assert "kari@example.org" not in initiative.public_justification_html
    assert "kari@example.org" in initiative.justification


def test_a_retried_start_makes_one_initiative(make_resident):
    author = make_resident()
    fields = {"title": "Gatelys", "proposal": "x", "justification": "y", "idempotency_key": "k1"}
    first, created = operations.do_start(author, **fields)
    second, created_again = operations.do_start(author, **fields)
    assert created and not created_again and first.pk == second.pk


# ---------------------------------------------------------------- moderation before signing


def test_a_pending_initiative_cannot_be_signed(make_initiative, make_resident):
    initiative = make_initiative(publish=False)
    with pytest.raises(ContributionError):
        operations.do_sign(make_resident(), initiative)
    assert not Signature.objects.exists()


def test_a_rejected_initiative_cannot_be_signed_and_the_author_is_told_why(
    make_initiative, make_resident, moderator, django_capture_on_commit_callbacks
):
    initiative = make_initiative(publish=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.do_reject(moderator, initiative, "other", "Saken hører ikke under kommunen.")
    initiative.refresh_from_db()
    with pytest.raises(ContributionError):
        operations.do_sign(make_resident(), initiative)
    assert len(mail.outbox) == 1
    assert "Saken hører ikke under kommunen." in mail.outbox[0].body


def test_the_author_is_told_of_publication_with_a_link_to_the_initiative(
    make_initiative, moderator, django_capture_on_commit_callbacks
):
    initiative = make_initiative(publish=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.do_publish(moderator, initiative)
    [message] = mail.outbox
    assert message.to == [initiative.author.email]
    assert f"/innbyggerforslag/{initiative.pk}/" in message.body


def test_a_published_initiative_can_be_signed(make_initiative, make_resident):
    initiative = make_initiative()
    assert operations.do_sign(make_resident(), initiative) is True
    initiative.refresh_from_db()
    assert initiative.signature_count == 1


# ---------------------------------------------------------------- signing once


def test_signing_needs_eid(make_initiative, make_user):
    initiative = make_initiative()
    with pytest.raises(operations.EidRequired):
        operations.do_sign(make_user(name="Lokal Konto"), initiative)
    assert initiative.signatures.count() == 0


def test_a_person_signs_once(make_initiative, make_resident):
    initiative = make_initiative()
    person = make_resident(name="Ola Nordmann")
    assert operations.do_sign(person, initiative) is True
    assert operations.do_sign(person, initiative) is False
    initiative.refresh_from_db()
    assert initiative.signature_count == 1
    signature = Signature.objects.get()
    assert (signature.name, signature.identity_hash) == ("Ola Nordmann", person.pid_hash)


def test_the_database_refuses_a_second_signature_by_the_same_identity(
    make_initiative, make_resident
):
    # User.pid_hash is unique, so two accounts cannot share it; the constraint on Signature
    # is what holds if the same identity reaches it twice (e.g. an account re-created).
    initiative = make_initiative()
    person = make_resident()
    Signature.objects.create(
        initiative=initiative, user=person, identity_hash=person.pid_hash, name="A"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(
            initiative=initiative, user=None, identity_hash=person.pid_hash, name="B"
        )


def test_the_database_refuses_a_signature_without_an_identity(make_initiative, make_resident):
    initiative = make_initiative()
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(initiative=initiative, user=make_resident(), name="A")


def test_a_signature_is_withdrawn_and_can_be_given_again(make_initiative, make_resident):
    initiative = make_initiative()
    person = make_resident()
    operations.do_sign(person, initiative)
    assert operations.do_withdraw_signature(person, initiative) is True
    initiative.refresh_from_db()
    assert initiative.signature_count == 0
    assert operations.do_withdraw_signature(person, initiative) is False
    assert operations.do_sign(person, initiative) is True
    initiative.refresh_from_db()
    assert initiative.signature_count == 1 == initiative.signatures.count()


def test_a_signature_survives_the_account_being_deleted(make_initiative, make_resident):
    initiative = make_initiative()
    person = make_resident(name="Borte Bruker")
    operations.do_sign(person, initiative)
    person.delete()
    signature = Signature.objects.get()
    assert signature.user is None
    assert signature.name == "Borte Bruker"
    initiative.refresh_from_db()
    assert initiative.signature_count == 1


@override_settings(INITIATIVE_COLLECTION_DAYS=30)
def test_signing_ends_with_the_collection_period(make_initiative, make_resident):
    initiative = make_initiative()
    Contribution.objects.filter(pk=initiative.pk).update(
        published_at=timezone.now() - timedelta(days=31)
    )
    initiative.refresh_from_db()
    with pytest.raises(ContributionError):
        operations.do_sign(make_resident(), initiative)
    out = io.StringIO()
    call_command("close_initiatives", stdout=out)
    assert "Closed 1" in out.getvalue()
    initiative.refresh_from_db()
    assert initiative.status == Status.CLOSED
    assert operations.do_close_expired() == 0


# ---------------------------------------------------------------- ready for the council


@override_settings(MUNICIPALITY_POPULATION=150)  # threshold 3
def test_the_last_signature_marks_it_ready_once_and_planners_are_told_once(
    make_initiative, make_resident, planner, make_user, django_capture_on_commit_callbacks
):
    make_user(name="Ikke Planlegger", roles=["moderator"])
    initiative = make_initiative()
    people = [make_resident() for _ in range(4)]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for person in people[:2]:
            operations.do_sign(person, initiative)
    initiative.refresh_from_db()
    assert initiative.status == Status.COLLECTING
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        operations.do_sign(people[2], initiative)
    initiative.refresh_from_db()
    assert initiative.status == Status.READY and initiative.ready_at is not None
    assert [m.to for m in mail.outbox] == [[planner.email]]
    assert "Gatelys i Storgata" in mail.outbox[0].subject
    # No more signatures once it has gone; a retried task mails nobody.
    with pytest.raises(ContributionError):
        operations.do_sign(people[3], initiative)
    from initiatives.tasks import notify_staff_ready

    assert notify_staff_ready.call(initiative.pk) == 0
    assert len(mail.outbox) == 1
    assert (
        AuditEntry.objects.filter(contribution=initiative, action="initiative_ready").count() == 1
    )


@override_settings(MUNICIPALITY_POPULATION=150)
def test_signatures_cannot_be_withdrawn_once_sent_to_the_council(make_initiative, make_resident):
    initiative = make_initiative()
    people = [make_resident() for _ in range(3)]
    for person in people:
        operations.do_sign(person, initiative)
    with pytest.raises(ContributionError):
        operations.do_withdraw_signature(people[0], initiative)


def test_planners_can_mark_ready_by_hand_and_nobody_is_mailed(
    make_initiative, planner, django_capture_on_commit_callbacks
):
    initiative = make_initiative()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        operations.do_mark_ready(planner, initiative)
    initiative.refresh_from_db()
    assert initiative.status == Status.READY
    assert mail.outbox == []
    with pytest.raises(ContributionError):
        operations.do_mark_ready(planner, initiative)


def test_only_planners_handle_initiatives(make_initiative, moderator):
    initiative = make_initiative()
    with pytest.raises(ContributionError):
        operations.do_mark_ready(moderator, initiative)


# ---------------------------------------------------------------- withdrawing the initiative


def test_the_proposer_withdraws_a_pending_initiative_and_it_leaves_the_queue(make_initiative):
    initiative = make_initiative(publish=False)
    operations.do_withdraw_initiative(initiative.author, initiative)
    initiative.refresh_from_db()
    assert initiative.status == Status.WITHDRAWN
    assert initiative.state == Contribution.State.WITHDRAWN
    assert not Contribution.objects.filter(moderation.in_queue(), pk=initiative.pk).exists()


def test_the_proposer_withdraws_a_collecting_initiative_and_signing_stops(
    make_initiative, make_resident
):
    initiative = make_initiative()
    operations.do_withdraw_initiative(initiative.author, initiative)
    with pytest.raises(ContributionError):
        operations.do_sign(make_resident(), initiative)


def test_only_the_proposer_withdraws_the_initiative(make_initiative, make_resident):
    initiative = make_initiative()
    with pytest.raises(ContributionError):
        operations.do_withdraw_initiative(make_resident(), initiative)


# ---------------------------------------------------------------- the decision


@override_settings(MUNICIPALITY_POPULATION=100)  # threshold 2
def test_the_decision_is_posted_and_each_signer_is_told_once_in_their_language(
    make_initiative, make_resident, planner, django_capture_on_commit_callbacks
):
    initiative = make_initiative()
    nb = make_resident(name="Bokmål Bruker", language="nb")
    nn = make_resident(name="Nynorsk Brukar", language="nn")
    operations.do_sign(nb, initiative)
    operations.do_sign(nn, initiative)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        operations.do_post_decision(
            planner,
            initiative,
            text="Kommunestyret vedtok forslaget.",
            date=timezone.localdate(),
            case_number="2026/42",
        )
    initiative.refresh_from_db()
    assert initiative.status == Status.DECIDED
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {nb.email, nn.email, initiative.author.email}
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert "Kommunestyret vedtok forslaget." in by_recipient[nb.email].body
    assert "/nn/innbyggerforslag/" in by_recipient[nn.email].body
    assert "/nn/" not in by_recipient[nb.email].body
    assert 'lang="nn"' in by_recipient[nn.email].alternatives[0][0]
    assert 'lang="nb"' in by_recipient[nb.email].alternatives[0][0]
    # No one's contact details in another person's mail.
    assert nn.email not in by_recipient[nb.email].body
    # A correction updates the page but mails nobody again; a retried task neither.
    with django_capture_on_commit_callbacks(execute=True):
        operations.do_post_decision(
            planner, initiative, text="Rettet vedtak.", date=timezone.localdate()
        )
    from initiatives.tasks import notify_decision

    assert notify_decision.call(initiative.pk) == 0
    assert len(mail.outbox) == 3
    initiative.refresh_from_db()
    assert initiative.decision_text == "Rettet vedtak."


def test_the_decision_needs_the_initiative_to_be_sent_first(make_initiative, planner):
    initiative = make_initiative()
    with pytest.raises(ContributionError):
        operations.do_post_decision(planner, initiative, text="Vedtak.", date=timezone.localdate())
