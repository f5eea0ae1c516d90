import random
from http import HTTPStatus

import pytest
from django.urls import reverse

from hearings.campaigns import cluster_texts, do_suggest_campaigns, jaccard, shingles
from hearings.models import CampaignGroup, Submission
from hearings.review import do_confirm_campaign, do_reject_campaign, do_review_campaign
from participation.contributions.models import AuditEntry
from tests.conftest import PASSWORD
from tests.hearings.review_helpers import make_many_submissions, make_submission

LETTER = [
    "Til kommunen",
    "Vi protesterer mot utbyggingen av parken ved skolen",
    "Parken er et viktig friområde for barn og unge i bydelen, og den brukes hver dag av "
    "skoleklasser, barnehager og eldre",
    "En utbygging vil øke trafikken på skoleveien og gjøre den farligere for de minste",
    "Vi ber kommunen ta planen ut av høringen og utrede alternativer som bevarer grøntarealet",
    "Trærne i parken er over hundre år gamle og har stor verdi for naturmangfoldet",
    "Støy og støv fra anleggsarbeidet vil plage naboene i flere år",
    "Vi mener kommunen ikke har vurdert konsekvensene for folkehelsen godt nok, og at "
    "medvirkningen har vært for dårlig",
    "Med vennlig hilsen",
]
GREETINGS = ["Til kommunen", "Hei", "Kjære saksbehandler", "Til Plan- og bygningsetaten"]
NAMES = ["Kari Nordmann", "Ola Hansen", "Per Olsen", "Aisha Ali", "Nils Ánde Somby"]
OWN_SENTENCES = [
    "Jeg går tur med hunden i parken hver morgen og vil fortsette med det",
    "Min datter går på skolen og jeg er bekymret for henne",
    "Vi har bodd i nabolaget i tjue år",
]

UNIQUE = [
    "Jeg støtter planen, men ønsker flere sykkelparkeringer ved den nye skolen.",
    "Bussholdeplassen bør flyttes nærmere krysset slik at eldre slipper å gå langt.",
    "Høyden på blokkene i felt B er for stor og vil skygge for hagene i Bjørkeveien.",
    "Kommunen må sikre at overvannet fra det nye boligfeltet ikke renner inn i kjellerne våre.",
    "Det mangler en gangvei mellom idrettsbanen og sentrum; den bør tegnes inn i planen.",
    "Som eier av gnr. 12 bnr. 4 ber jeg om at grensen for formålet justeres fem meter mot øst.",
    "Planen bør ha en bestemmelse om at byggearbeid ikke skal skje om natta.",
    "Vi i velforeningen ønsker at lekeplassen beholdes der den er i dag.",
    "Parkeringsnormen er for streng; mange familier trenger to biler her ute.",
    "Jeg er bekymret for at fuglelivet ved tjernet blir forstyrret av den nye veien.",
    "Det bør settes av plass til en nærbutikk i første etasje i bygg C.",
    "Skoletomta er for liten for det elevtallet kommunen selv regner med i 2035.",
    "Støyskjermen langs riksveien må bygges før boligene tas i bruk, ikke etter.",
    "Vi foreslår at gamle Meieriet bevares og brukes som kulturhus.",
    "Turstien langs elva må ikke stenges i anleggsperioden.",
    "Belysningen i parken bør være dempet av hensyn til naboene og flaggermusene.",
    "Kommunen bør vurdere rundkjøring i stedet for lyskryss ved Storgata.",
    "Det er ikke tatt hensyn til rasfaren i den bratte skråningen bak felt A.",
    "Jeg ønsker at kommunen lager et eget møte for ungdom om planen.",
    "Snuplassen for søppelbilen er tegnet for trang og må utvides.",
]


def campaign_copy(rng: random.Random) -> str:
    sentences = list(LETTER)
    sentences[0] = rng.choice(GREETINGS)
    if rng.random() < 0.5:
        sentences[rng.randrange(1, len(sentences) - 1)] = rng.choice(OWN_SENTENCES)
    return ". ".join(sentences) + "\n" + rng.choice(NAMES)


@pytest.fixture
def planner(make_user):
    return make_user(email="planlegger@example.org", name="Plan Legger", roles=["planner"])


@pytest.fixture
def closed(make_hearing):
    return make_hearing("closed")


def test_copies_with_another_greeting_name_and_sentence_are_near_identical():
    rng = random.Random(4)
    a, b = campaign_copy(rng), campaign_copy(rng)
    assert jaccard(shingles(a), shingles(b)) >= 0.5
    assert max(jaccard(shingles(a), shingles(u)) for u in UNIQUE) < 0.1


def test_clustering_puts_identical_and_near_identical_texts_together_and_leaves_others_alone():
    rng = random.Random(1)
    copies = [campaign_copy(rng) for _ in range(50)]
    clusters = cluster_texts(copies + UNIQUE)
    sizes = sorted(len(c) for c in clusters)
    assert sizes == [1] * len(UNIQUE) + [50]


def test_a_thousand_campaign_copies_become_one_suggested_group_and_unique_letters_stay_out(
    closed, django_capture_on_commit_callbacks
):
    from hearings.tasks import detect_campaigns

    rng = random.Random(7)
    copies = make_many_submissions(closed, [campaign_copy(rng) for _ in range(1000)])
    uniques = make_many_submissions(closed, UNIQUE)
    detect_campaigns.enqueue(closed.pk)
    group = CampaignGroup.objects.get(hearing=closed)
    assert group.confirmed_at is None
    assert set(group.submissions.values_list("pk", flat=True)) == set(copies)
    assert not Submission.objects.filter(pk__in=uniques, campaign_group__isnull=False).exists()


def test_a_confirmed_group_is_answered_once_for_all_its_letters_and_counted_as_all(
    client, planner, closed
):
    ids = make_many_submissions(closed, ["Stopp utbyggingen av parken!"] * 1000)
    other = make_submission(closed, "Noe helt annet om bussen.")
    do_suggest_campaigns(closed.pk)
    group = CampaignGroup.objects.get(hearing=closed)
    do_confirm_campaign(planner, group)
    do_review_campaign(
        planner,
        group,
        label="Parkaksjonen",
        themes=["park", "grøntareal"],
        summary="Vil stoppe utbyggingen.",
        response="Parken bevares i revidert plan.",
    )
    letters = Submission.objects.filter(pk__in=ids)
    assert letters.filter(response="Parken bevares i revidert plan.").count() == 1000
    assert letters.filter(summary="Vil stoppe utbyggingen.").count() == 1000
    assert set(letters.first().themes.names()) == {"park", "grøntareal"}
    other.refresh_from_db()
    assert other.response == "" and other.campaign_group is None

    assert client.login(email=planner.email, password=PASSWORD)
    stats = client.get(reverse("hearings_review:workspace", args=[closed.pk])).context["stats"]
    assert stats["total"] == 1001
    assert stats["in_campaigns"] == 1000
    assert stats["to_answer"] == 2


def test_planner_takes_letters_out_before_confirming_and_they_are_answered_on_their_own(
    client, planner, closed
):
    ids = make_many_submissions(closed, ["Stopp utbyggingen av parken!"] * 5)
    do_suggest_campaigns(closed.pk)
    group = CampaignGroup.objects.get(hearing=closed)
    assert client.login(email=planner.email, password=PASSWORD)
    url = reverse("hearings_review:campaign", args=[closed.pk, group.pk])
    response = client.post(url, {"action": "confirm", "selected": [str(ids[0]), str(ids[1])]})
    assert response.status_code == HTTPStatus.FOUND
    group.refresh_from_db()
    assert group.confirmed_by == planner
    assert set(group.submissions.values_list("pk", flat=True)) == set(ids[2:])
    assert group.representative_id == ids[2]
    client.post(
        url,
        {
            "action": "review",
            "label": "Aksjon",
            "themes": "",
            "summary": "",
            "response": "Felles svar.",
        },
    )
    assert Submission.objects.filter(pk__in=ids[:2], response="").count() == 2
    assert Submission.objects.filter(pk__in=ids[2:], response="Felles svar.").count() == 3
    assert AuditEntry.objects.filter(action="campaign_removed").count() == 2


def test_rejecting_a_suggestion_dissolves_the_group(planner, closed):
    ids = make_many_submissions(closed, ["Samme tekst her."] * 3)
    do_suggest_campaigns(closed.pk)
    do_reject_campaign(planner, CampaignGroup.objects.get(hearing=closed))
    assert not CampaignGroup.objects.exists()
    assert not Submission.objects.filter(pk__in=ids, campaign_group__isnull=False).exists()


def test_detecting_again_keeps_confirmed_groups_and_replaces_suggestions(planner, closed):
    first = make_many_submissions(closed, ["Stopp utbyggingen av parken!"] * 3)
    do_suggest_campaigns(closed.pk)
    confirmed = CampaignGroup.objects.get(hearing=closed)
    do_confirm_campaign(planner, confirmed)
    second = make_many_submissions(closed, ["Bygg flere sykkelveier i sentrum nå."] * 4)
    late_copy = make_many_submissions(closed, ["Stopp utbyggingen av parken!"])
    assert do_suggest_campaigns(closed.pk) == 1
    assert do_suggest_campaigns(closed.pk) == 1
    confirmed.refresh_from_db()
    assert set(confirmed.submissions.values_list("pk", flat=True)) == set(first)
    suggested = CampaignGroup.objects.get(hearing=closed, confirmed_at__isnull=True)
    assert set(suggested.submissions.values_list("pk", flat=True)) == set(second)
    # A copy arriving after confirmation is not added to the confirmed group behind the
    # planner's back; it is answered on its own unless the planner groups it.
    assert Submission.objects.get(pk=late_copy[0]).campaign_group is None


def test_the_detect_button_runs_the_background_task(
    client, planner, closed, django_capture_on_commit_callbacks
):
    make_many_submissions(closed, ["Samme tekst her."] * 3)
    assert client.login(email=planner.email, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("hearings_review:campaigns", args=[closed.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert CampaignGroup.objects.filter(hearing=closed, confirmed_at__isnull=True).count() == 1
