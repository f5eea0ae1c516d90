"""Signing under real concurrent transactions on PostgreSQL."""

from django.test import override_settings

from initiatives import operations
from initiatives.models import Initiative, Signature, Status
from participation.contributions.models import AuditEntry
from tests.concurrency import POSTGRES_CONCURRENCY, in_parallel

pytestmark = POSTGRES_CONCURRENCY


def test_the_same_person_signing_twice_at_once_gives_one_signature(make_initiative, make_resident):
    initiative = make_initiative()
    person = make_resident()
    results = in_parallel([lambda: operations.do_sign(person, initiative)] * 6)
    assert sorted(results) == [False] * 5 + [True]
    assert Signature.objects.filter(initiative=initiative).count() == 1
    assert Initiative.objects.get(pk=initiative.pk).signature_count == 1


@override_settings(MUNICIPALITY_POPULATION=400)  # threshold 8
def test_racing_last_signatures_mark_it_ready_once_and_tell_staff_once(
    make_initiative, make_resident, planner, mailoutbox
):
    initiative = make_initiative()
    early = [make_resident() for _ in range(6)]
    for person in early:
        operations.do_sign(person, initiative)
    last = [make_resident() for _ in range(6)]
    results = in_parallel([lambda u=u: operations.do_sign(u, initiative) for u in last])
    signed = [r for r in results if r is True]
    refused = [r for r in results if not isinstance(r, bool)]
    # Two more signatures reach the threshold; the rest find it gone to the council.
    assert len(signed) == 2, results
    assert all(isinstance(r, operations.ContributionError) for r in refused), results
    initiative = Initiative.objects.get(pk=initiative.pk)
    assert initiative.status == Status.READY
    assert initiative.signature_count == 8 == initiative.signatures.count()
    ready = AuditEntry.objects.filter(contribution=initiative, action="initiative_ready")
    assert ready.count() == 1
    assert [m.to for m in mailoutbox if planner.email in m.to] == [[planner.email]]
