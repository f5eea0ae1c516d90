"""Demo content for the idea bank: three districts, places, topics, ideas, supports, an answer,
and the idea bank and neighbourhood map pages. Safe to run any number of times."""

from cms.models import IdeaBankPage, NeighbourhoodMapPage
from ideabank.models import Idea, IdeaStatus, Place, Topic
from ideabank.operations import do_post_idea, do_set_status, do_support
from participation.accounts.models import User
from participation.geo.operations import do_save_area

# Three districts side by side around settings.MAP_CENTER (59.91, 10.75).
AREAS = [
    ("Nord", "nord", (59.925, 59.95)),
    ("Sentrum", "sentrum", (59.90, 59.925)),
    ("Sør", "sor", (59.875, 59.90)),
]
WEST, EAST = 10.72, 10.78

PLACES = [
    ("Torget", "place", 59.9125, 10.7490),
    ("Stasjonen", "place", 59.9105, 10.7530),
    ("Sentrum skole", "place", 59.9160, 10.7460),
    ("Storgata", "street", 59.9140, 10.7510),
    ("Parkveien", "street", 59.9300, 10.7400),
    ("Nordre park", "place", 59.9350, 10.7550),
    ("Elvebakken", "street", 59.8900, 10.7650),
    ("Sørbyhallen", "place", 59.8850, 10.7420),
]

TOPICS = [
    ("Trafikk", "trafikk"),
    ("Parker og grøntområder", "parker"),
    ("Skole og barnehage", "skole"),
    ("Kultur og idrett", "kultur"),
    ("Lys og trygghet", "trygghet"),
]

RESIDENT = "innbygger@demo.medvirkning.no"
MEMBER = "lag@demo.medvirkning.no"
POLITICIAN = "politiker@demo.medvirkning.no"
PLANNER = "planlegger@demo.medvirkning.no"

# key, author, title, text, topics, place name (from PLACES) or None
IDEAS = [
    (
        "demo-idea-1",
        RESIDENT,
        "Benker langs elva",
        "Det trengs flere benker langs turveien ved elva, slik at eldre kan hvile underveis.",
        ["parker"],
        "Elvebakken",
    ),
    (
        "demo-idea-2",
        MEMBER,
        "Gatelys i Parkveien",
        "Parkveien er mørk om vinteren. Bedre gatelys vil gjøre skoleveien tryggere.",
        ["trygghet", "trafikk"],
        "Parkveien",
    ),
    (
        "demo-idea-3",
        RESIDENT,
        "Sykkelparkering ved stasjonen",
        "Det er for få sykkelstativ ved stasjonen. Mange låser sykkelen til gjerdet.",
        ["trafikk"],
        "Stasjonen",
    ),
    (
        "demo-idea-4",
        POLITICIAN,
        "Bytorg med sommerscene",
        "Torget kan bli en møteplass med en liten scene for konserter om sommeren.",
        ["kultur"],
        "Torget",
    ),
    (
        "demo-idea-5",
        MEMBER,
        "Ballbinge i Nordre park",
        "Ungdommene i Nord mangler et sted å spille fotball om kvelden.",
        ["kultur", "parker"],
        "Nordre park",
    ),
    (
        "demo-idea-6",
        RESIDENT,
        "Fartsdumper i Storgata",
        "Bilene kjører for fort forbi barnehagen i Storgata.",
        ["trafikk", "trygghet"],
        "Storgata",
    ),
    (
        "demo-idea-7",
        POLITICIAN,
        "Åpen skolegård i helgene",
        "Skolegården ved Sentrum skole kan være åpen for lek også i helgene.",
        ["skole"],
        "Sentrum skole",
    ),
    (
        "demo-idea-8",
        MEMBER,
        "Flere søppelkasser i sentrum",
        "Det flyter med søppel etter helgene. Flere og større søppelkasser vil hjelpe.",
        [],
        None,
    ),
]

SUPPORTS = {
    "demo-idea-1": [MEMBER, POLITICIAN],
    "demo-idea-2": [RESIDENT, POLITICIAN],
    "demo-idea-3": [MEMBER],
    "demo-idea-6": [MEMBER, POLITICIAN],
}


def load(home) -> None:
    for name, slug, (south, north) in AREAS:
        do_save_area(name, _box(south, north), slug=slug)
    for name, kind, lat, lon in PLACES:
        Place.objects.get_or_create(name=name, kind=kind, defaults={"lat": lat, "lon": lon})
    for name, slug in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "official": True})
    _ideas()
    _pages(home)


def _box(south: float, north: float) -> dict:
    ring = [[WEST, south], [EAST, south], [EAST, north], [WEST, north], [WEST, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _ideas() -> None:
    users = {u.email: u for u in User.objects.filter(email__in=[RESIDENT, MEMBER, POLITICIAN])}
    places = {p.name: p for p in Place.objects.all()}
    ideas = {}
    for key, email, title, text, topics, place_name in IDEAS:
        place = places.get(place_name)
        ideas[key], _created = do_post_idea(
            users[email],
            title=title,
            body=text,
            topics=topics,
            lat=place.lat if place else None,
            lon=place.lon if place else None,
            address=place.name if place else "",
            idempotency_key=key,
        )
    for key, emails in SUPPORTS.items():
        for email in emails:
            do_support(users[email], ideas[key])
    answered = ideas["demo-idea-3"]
    answered.refresh_from_db()
    if answered.status == IdeaStatus.RECEIVED:
        do_set_status(
            User.objects.get(email=PLANNER),
            answered,
            IdeaStatus.PLANNED,
            "Takk for forslaget. Kommunen setter opp 40 nye sykkelstativ ved stasjonen i år.",
        )


def _pages(home) -> None:
    if not IdeaBankPage.objects.exists():
        page = IdeaBankPage(
            title="Idébank",
            slug="idebank",
            intro="Kom med idéer til kommunen, støtt forslagene du liker og følg svarene.",
            show_in_menus=True,
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    if not NeighbourhoodMapPage.objects.exists():
        page = NeighbourhoodMapPage(
            title="Mitt nabolag",
            slug="nabolag",
            intro="Se hva naboene har foreslått der du bor, og fest din egen idé på kartet.",
            show_in_menus=True,
        )
        home.add_child(instance=page)
        page.save_revision().publish()


def demo_idea_count() -> int:
    return Idea.objects.filter(idempotency_key__startswith="demo-idea-").count()
