"""Demo content for citizen initiatives: one collecting signatures, one the council has decided.
Safe to run any number of times: everything is looked up before it is made.

Initiatives need eID, and the demo has no ID-porten: the proposers and signers here are demo
accounts marked as eID-verified, with identity hashes of synthetic test numbers."""

from allauth.account.models import EmailAddress
from django.utils import timezone

from initiatives import operations
from initiatives.models import Initiative, Status
from participation.accounts.identity import hash_pid, is_valid_pid
from participation.accounts.models import AssuranceLevel, User
from participation.contributions import moderation
from participation.contributions.models import Contribution

MODERATOR = "moderator@demo.medvirkning.no"
PLANNER = "planlegger@demo.medvirkning.no"

# e-mail, name
EID_PEOPLE = [
    ("eva.initiativ@demo.medvirkning.no", "Eva Initiativ"),
    ("jon.signatur@demo.medvirkning.no", "Jon Signatur"),
    ("siri.signatur@demo.medvirkning.no", "Siri Signatur"),
    ("ali.signatur@demo.medvirkning.no", "Ali Signatur"),
]

# key, title, proposal, justification, signers (indexes in EID_PEOPLE), decision or None
INITIATIVES = [
    (
        "demo-initiative-1",
        "Gatelys langs skoleveien i Nord",
        "Kommunestyret ber kommunedirektøren sette opp gatelys langs gang- og sykkelveien "
        "mellom Parkveien og Nord skole innen neste vinter.",
        "Om vinteren går mange barn til skolen i mørket. Strekningen har ingen lys, og "
        "foreldre er bekymret for at barna ikke blir sett av bilistene. Et gatelys per 30 "
        "meter vil gjøre skoleveien tryggere for alle.",
        [1, 2, 3],
        None,
    ),
    (
        "demo-initiative-2",
        "Åpen skolegård i helgene",
        "Kommunestyret vedtar at skolegårdene holdes åpne for lek og idrett i helgene.",
        "Skolegårdene er de største lekeplassene vi har, men de er stengt når barna har fri. "
        "Andre kommuner har gode erfaringer med åpne skolegårder.",
        [2, 3],
        (
            "Kommunestyret vedtok forslaget. Skolegårdene er åpne lørdag og søndag fra "
            "kl. 10 til 20 fra 1. mai.",
            "2026/118",
        ),
    ),
]


def _synthetic_pid(n: int) -> str:
    """A test national identity number (valid check digits, a made-up person)."""
    for individual in range(100 + n * 10, 1000):
        for checks in range(100):
            candidate = f"010180{individual:03d}{checks:02d}"
            if is_valid_pid(candidate):
                return candidate
    raise RuntimeError("no synthetic number")


def _eid_people() -> list[User]:
    people = []
    for n, (email, name) in enumerate(EID_PEOPLE):
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None, name=name)
            user.set_unusable_password()
            user.assurance_level = AssuranceLevel.SUBSTANTIAL
            user.pid_hash = hash_pid(_synthetic_pid(n))
            user.name_source = "eid"
            user.save()
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
        people.append(user)
    return people


def load(home) -> None:
    people = _eid_people()
    moderator = User.objects.filter(email=MODERATOR).first()
    planner = User.objects.filter(email=PLANNER).first()
    for key, title, proposal, justification, signers, decision in INITIATIVES:
        initiative, _created = operations.do_start(
            people[0],
            title=title,
            proposal=proposal,
            justification=justification,
            idempotency_key=key,
        )
        if initiative.state == Contribution.State.PENDING and moderator is not None:
            moderation.do_publish(moderator, initiative)
            initiative = Initiative.objects.get(pk=initiative.pk)
        if initiative.status == Status.COLLECTING and initiative.is_public:
            for index in signers:
                operations.do_sign(people[index], initiative)
        if decision and planner is not None:
            if initiative.status == Status.COLLECTING and initiative.is_public:
                operations.do_mark_ready(planner, initiative)
            if initiative.status == Status.READY:
                text, case_number = decision
                operations.do_post_decision(
                    planner,
                    initiative,
                    text=text,
                    date=timezone.localdate(),
                    case_number=case_number,
                )
