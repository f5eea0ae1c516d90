"""The demo municipality for `make run`. Everything is looked up before it is created."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from wagtail.models import Locale, Page, Site

from cms.models import AccessibilityStatementPage, HomePage, StandardPage
from participation.accounts.models import Membership, Organisation, User
from participation.accounts.roles import ensure_roles

DEMO_PASSWORD = "demo-passord-2026"
DEMO_POLITICAL_ROLE = "Demopartiet, kommunestyret 2023–2027"

DEMO_USERS = [
    # role label, e-mail, name, groups, is_staff
    ("resident", "innbygger@demo.medvirkning.no", "Kari Nordmann", [], False),
    ("organisation member", "lag@demo.medvirkning.no", "Ola Foreningsleder", [], False),
    ("planner", "planlegger@demo.medvirkning.no", "Per Planlegger", ["planner"], True),
    ("moderator", "moderator@demo.medvirkning.no", "Mona Moderator", ["moderator"], True),
    ("politician", "politiker@demo.medvirkning.no", "Pål Politiker", ["politician"], False),
    ("editor", "redaktor@demo.medvirkning.no", "Rita Redaktør", ["editor"], True),
]


def load() -> list[tuple[str, str]]:
    ensure_roles()
    home = _pages()
    logins = _users()
    _editor_page_permissions(home)
    for loader in _extra_loaders():
        loader(home)
    return logins


def _extra_loaders():
    """Each app's own demo content, in order: areas before the ideas pinned in them."""
    from hearings import demo as hearings_demo
    from ideabank import demo as ideabank_demo
    from initiatives import demo as initiatives_demo

    return [hearings_demo.load, ideabank_demo.load, initiatives_demo.load]


def _pages() -> HomePage:
    locale = Locale.get_default()
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(locale=locale).first()
    if home is None:
        home = HomePage(
            title="Si din mening – medvirkning i Demo kommune",
            slug="demo-home",
            intro=(
                "Her kan du lese planforslag, sende høringsuttalelser, komme med idéer og "
                "se hva andre mener om nabolaget ditt."
            ),
            locale=locale,
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    elif site.root_page_id != home.id:
        old = site.root_page
        site.root_page = home
        site.save()
        # Wagtail's "Welcome" placeholder page is not part of the demo.
        if old.specific_class is Page and old.depth == 2:
            old.delete()
    if not StandardPage.objects.filter(slug="om-tjenesten").exists():
        page = StandardPage(
            title="Om tjenesten",
            slug="om-tjenesten",
            intro="Slik fungerer medvirkning i Demo kommune, og slik behandler vi det du sender.",
            show_in_menus=True,
            body=[
                (
                    "paragraph",
                    "<p>Høringsuttalelser er offentlige dokumenter og publiseres med navnet ditt. "
                    "Adresse, telefonnummer, e-post og fødselsnummer publiseres aldri.</p>",
                )
            ],
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    if not AccessibilityStatementPage.objects.exists():
        page = AccessibilityStatementPage(
            title="Tilgjengelighetserklæring",
            slug="tilgjengelighet",
            body=(
                "<p>Demo kommune har som mål at tjenesten oppfyller WCAG 2.1 AA. "
                "Meld fra om feil til postmottak@demo.kommune.no.</p>"
            ),
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    return home


def _users() -> list[tuple[str, str]]:
    organisation, _ = Organisation.objects.get_or_create(
        name="Sentrum vel", defaults={"organisation_number": "999888771"}
    )
    logins = []
    for role, email, name, groups, is_staff in DEMO_USERS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name)
            user.is_staff = is_staff
            user.name_source = "declared"
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if groups:
            user.groups.add(*Group.objects.filter(name__in=groups))
        if role == "politician" and not user.political_role:
            # The badge beside an elected representative's posts needs the party and role.
            user.political_role = DEMO_POLITICAL_ROLE
            user.save(update_fields=["political_role"])
        if role == "organisation member":
            Membership.objects.get_or_create(user=user, organisation=organisation)
        logins.append((role, email))
    return logins


def _editor_page_permissions(home: HomePage) -> None:
    from wagtail.models import GroupPagePermission

    editors = Group.objects.get(name="editor")
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=editors,
            page=home,
            permission=_page_permission(codename),
        )


def _page_permission(codename: str):
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
