"""Every kind of response carries the security headers (docs/security.md, "Headers and CSP").

One request per page type: public pages, hearing and idea and initiative pages, the map and
its data, feeds, the calendar, Open311, account pages, the admin as staff, error pages, file
downloads and static files. Each must carry the Content-Security-Policy (scripts from our own
origin only, no plugins, no <base>, no framing), nosniff, the referrer policy, no framing,
the cross-origin opener policy and the permissions policy. Production's HSTS and secure
cookies are checked with the values production's settings produce.
"""

import json
import re
from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import path, reverse

from participation import urls as project_urls
from participation.demo import DEMO_PASSWORD
from tests.conftest import PASSWORD
from tests.foundation.test_settings import start

PLANNER = "planlegger@demo.medvirkning.no"
MODERATOR = "moderator@demo.medvirkning.no"
EDITOR = "redaktor@demo.medvirkning.no"
RESIDENT = "innbygger@demo.medvirkning.no"


# A urlconf for the 500 page: the project's, plus one view that fails.
def _fail(request):
    raise RuntimeError("a bug")


urlpatterns = [path("feil-med-vilje/", _fail), *project_urls.urlpatterns]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_secure_headers(response, what: str) -> None:
    csp = policy(response)
    assert csp, f"{what}: no Content-Security-Policy"
    # Wagtail serves a document with a stricter policy of its own: nothing may load or run.
    if csp != {"default-src": ["'none'"]}:
        assert csp["default-src"] == ["'self'"], what
        assert csp["script-src"] == ["'self'"], f"{what}: script-src {csp['script-src']}"
        assert csp["object-src"] == ["'none'"], what
        assert csp["base-uri"] == ["'none'"], what
        assert csp["frame-ancestors"] == ["'none'"], what
        assert "'self'" in csp["form-action"], what
    assert not any("unsafe" in value for value in csp.get("script-src-elem", [])), what
    assert response["X-Content-Type-Options"] == "nosniff", what
    assert response["Referrer-Policy"] == "same-origin", what
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", what
    permissions = response.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions, f"{what}: Permissions-Policy {permissions!r}"
    assert response.get("X-Frame-Options") == "DENY", what


def client_as(email: str | None = None) -> Client:
    client = Client()
    if email:
        assert client.login(email=email, password=DEMO_PASSWORD), email
    return client


@pytest.fixture
def site(demo_site):
    """The demo site plus a document to download."""
    from wagtail.documents.models import Document

    document = Document(title="Planbeskrivelse")
    document.file.save("planbeskrivelse.txt", ContentFile(b"Planbeskrivelse\n"), save=False)
    document.save()
    return document


def public_urls(document) -> dict[str, str]:
    from cms.models import PlanPage
    from hearings.models import Hearing, Submission
    from ideabank.models import Idea
    from initiatives.models import Initiative

    plan = PlanPage.objects.live().filter(locale__language_code="nb").first()
    hearing = Hearing.objects.filter(is_published=True).first()
    submission = Submission.objects.filter(hearing=hearing, state="published").first()
    idea = Idea.objects.filter(state="published").first()
    initiative = Initiative.objects.exclude(status="draft").first()
    urls = {
        "front page": "/",
        "front page in nynorsk": "/nn/",
        "plan page": plan.url,
        "hearing submissions": reverse("hearings:submissions", args=[hearing.pk]),
        "idea list": reverse("ideabank:list"),
        "idea detail": reverse("ideabank:detail", args=[idea.pk]),
        "idea map": reverse("ideabank:map"),
        "idea map data": reverse("ideabank:map_data"),
        "place search": reverse("ideabank:place_search") + "?q=sentrum",
        "initiative list": reverse("initiatives:list"),
        "initiative detail": reverse("initiatives:detail", args=[initiative.pk]),
        "hearings feed": reverse("notifications:hearings"),
        "hearings RSS": reverse("notifications:hearings_rss"),
        "deadline calendar": reverse("notifications:deadlines"),
        "Open311 services": reverse("open311:services"),
        "Open311 requests": reverse("open311:requests"),
        "login": reverse("account_login"),
        "signup": reverse("account_signup"),
        "password reset": reverse("account_reset_password"),
        "document download": document.url,
        "health check": "/healthz",
        "not found": "/finnes-ikke-her/",
    }
    if submission:
        urls["submission"] = reverse("hearings:submission", args=[hearing.pk, submission.pk])
    return urls


ADMIN_PAGES = {
    PLANNER: ["/admin/", "/admin/hearings/", "/admin/hearings/new/", "/admin/ideer/"],
    MODERATOR: ["/admin/moderation/"],
    EDITOR: ["/admin/pages/", "/admin/account/"],
}


def resident_urls() -> dict[str, str]:
    return {
        "profile": reverse("profile"),
        "follows": reverse("follows:index"),
        "privacy": reverse("privacy"),
        "privacy export (file)": reverse("privacy_download", args=["json"]),
        "e-mail addresses": reverse("account_email"),
        "password change": reverse("account_change_password"),
    }


def test_every_page_type_carries_the_security_headers(client, site, settings):
    # One walk over the demo site (loading it is the slow part of this module).
    for what, url in public_urls(site).items():
        response = client.get(url)
        expected = HTTPStatus.NOT_FOUND if what == "not found" else HTTPStatus.OK
        assert response.status_code == expected, (what, url, response.status_code)
        assert_secure_headers(response, f"{what} ({url})")

    resident = client_as(RESIDENT)
    for what, url in resident_urls().items():
        response = resident.get(url)
        assert response.status_code == HTTPStatus.OK, (what, url, response.status_code)
        assert_secure_headers(response, f"{what} ({url})")

    for email, urls in ADMIN_PAGES.items():
        staff = client_as(email)
        for url in urls:
            response = staff.get(url, follow=True)
            assert response.status_code == HTTPStatus.OK, (email, url, response.status_code)
            assert_secure_headers(response, f"admin {url} as {email}")
            # A Gravatar URL is an MD5 of the staff member's e-mail, fetched from a third party.
            assert b"gravatar" not in response.content.lower(), url

    refused = Client(enforce_csrf_checks=True).post(reverse("account_login"), {"login": "x"})
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert_secure_headers(refused, "403 (CSRF failure)")

    bad_host = Client(HTTP_HOST="angriper.example").get("/")
    assert bad_host.status_code == HTTPStatus.BAD_REQUEST
    assert_secure_headers(bad_host, "400 (a host not allowed)")

    settings.ROOT_URLCONF = "tests.security.test_headers"  # the project's, plus a failing view
    failed = Client(raise_request_exception=False).get("/feil-med-vilje/")
    assert failed.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert_secure_headers(failed, "500")


def test_static_files_carry_the_security_headers(db, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/css/site.css")
    assert response.status_code == HTTPStatus.OK
    assert_secure_headers(response, "static file")


def test_scripts_may_come_only_from_the_site_and_images_from_the_site_and_the_map_tiles(
    client, db, settings
):
    csp = policy(client.get("/healthz"))
    assert csp["script-src"] == ["'self'"]
    tile_host = settings.MAP_TILE_URL.split("/")[2]
    assert csp["img-src"] == ["'self'", "data:", f"https://{tile_host}"]
    assert csp["connect-src"] == ["'self'", "ws://" + settings.SITE_URL.split("/")[2]]


# --- production ---------------------------------------------------------------------------

_PRODUCTION_VALUES = (
    "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) "
    "for k in ['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD',"
    " 'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_SECURE',"
    " 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CONTENT_SECURITY_POLICY']}))"
)


@pytest.fixture(scope="module")
def production_settings():
    """The security settings a production start-up produces (read in a subprocess)."""
    result = start("shell", "-c", _PRODUCTION_VALUES)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_and_marks_every_cookie_secure(
    make_user, settings, production_settings
):
    for name, value in production_settings.items():
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)
    assert settings.SECURE_HSTS_SECONDS >= 60 * 60 * 24 * 180
    client = Client(HTTP_X_FORWARDED_PROTO="https")

    plain = client.get("/", secure=False, HTTP_X_FORWARDED_PROTO="http")
    assert plain.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert plain["Location"].startswith("https://")

    login_page = client.get(reverse("account_login"))
    assert login_page.status_code == HTTPStatus.OK
    assert_secure_headers(login_page, "production login page")
    assert "max-age=" in login_page["Strict-Transport-Security"]
    assert "includeSubDomains" in login_page["Strict-Transport-Security"]
    assert login_page.cookies["csrftoken"]["secure"]

    make_user(email="kari@example.org")
    logged_in = client.post(
        reverse("account_login"), {"login": "kari@example.org", "password": PASSWORD}
    )
    assert logged_in.status_code == HTTPStatus.FOUND
    session = logged_in.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"]
    assert session["httponly"]


def test_production_policy_is_the_one_tested_here(production_settings, settings):
    # The CSP above is the development one; production's must be no weaker.
    directives = production_settings["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'", "wss://medvirkning.example.kommune.no"]
    for name in ("object-src", "base-uri", "frame-ancestors"):
        assert directives[name] == ["'none'"]


def test_no_template_has_an_inline_script_or_an_event_handler_attribute():
    # The policy would refuse them in the browser; this names the file before anyone runs one.
    # JSON data (`json_script`, type="application/json") is not executed and may stay.
    from django.conf import settings

    root = settings.BASE_DIR
    templates = [
        path
        for folder in ("templates", "*/templates", "*/*/templates")
        for path in root.glob(f"{folder}/**/*.html")
        if ".venv" not in path.parts and "node_modules" not in path.parts
    ]
    assert len(templates) > 50
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>")
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
    found = [
        f"{path.relative_to(root)}: {match.group(0)[:80]}"
        for path in templates
        for pattern in (inline_script, handler)
        for match in pattern.finditer(path.read_text())
    ]
    assert not found, "\n".join(found)


def test_the_eid_login_and_logout_forms_may_be_redirected_to_id_portens_login_host():
    # The login and logout forms post to us and are redirected to ID-porten's authorize and
    # end-session endpoints, which are on login.idporten.no, not on the issuer idporten.no;
    # the browser checks form-action on that redirect.
    probe = (
        "from django.conf import settings as s; "
        "print(' '.join(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
    )
    result = start("shell", "-c", probe, IDPORTEN_SERVER_URL="https://idporten.no")
    assert result.returncode == 0, result.stderr
    sources = result.stdout.strip().splitlines()[-1].split()
    assert sources == ["'self'", "https://idporten.no", "https://*.idporten.no"]
