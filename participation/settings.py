"""Settings: one typed block of environment variables, nothing else reads os.environ.

ENVIRONMENT=production makes the secrets and hosts required and refuses to start
with a message naming what is missing or malformed.
"""

import tempfile
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from participation.accounts.eid_settings import socialaccount_providers

BASE_DIR = Path(__file__).resolve().parent.parent


class _StrictEnv(environ.Env):
    """django-environ, except that a value it cannot read stops start-up naming the variable.

    Plain django-environ reads DEBUG=maybe as False and lets int("abc") escape as a bare
    ValueError; an operator should instead be told which variable is wrong.
    """

    BOOLEAN_FALSE_STRINGS = ("false", "off", "no", "n", "0")

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        raw = self.ENVIRON.get(var, "").strip().lower()
        known = (*self.BOOLEAN_TRUE_STRINGS, *self.BOOLEAN_FALSE_STRINGS, "")
        if cast is bool and raw not in known:
            raise ImproperlyConfigured(
                f"The environment variable {var} must be true or false, not {raw!r}"
            )
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                f"The environment variable {var} is malformed: {exc}"
            ) from None


env = _StrictEnv()
ENVIRONMENT = env.str("ENVIRONMENT", default="development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"ENVIRONMENT must be development, test or production, not {ENVIRONMENT!r}"
    )
PRODUCTION = ENVIRONMENT == "production"

_DEV_SECRET = "dev-only-secret-key-not-for-production-0123456789abcdefghijklmnop"
_DEV_PID_KEY = "dev-only-pid-hmac-key-not-for-production"


def _required(name: str, default: str) -> str:
    """A value production cannot run without; elsewhere it falls back to `default`."""
    value = env.str(name, default="").strip()
    if not value and PRODUCTION:
        raise ImproperlyConfigured(f"Set the environment variable {name} (required in production)")
    return value or default


DEBUG = env.bool("DEBUG", default=ENVIRONMENT == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when ENVIRONMENT=production")

SECRET_KEY = _required("SECRET_KEY", default=_DEV_SECRET)
# The same bar as Django's security.W009, so a key that starts also passes `check --deploy`.
if PRODUCTION and (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure-")
    or SECRET_KEY == _DEV_SECRET
):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters")

# Key for the keyed hash of national identity numbers; see participation/accounts/identity.py.
PID_HMAC_KEY = _required("PID_HMAC_KEY", default=_DEV_PID_KEY)
if PRODUCTION and (len(PID_HMAC_KEY) < 32 or PID_HMAC_KEY == _DEV_PID_KEY):
    raise ImproperlyConfigured("PID_HMAC_KEY must be a random string of at least 32 characters")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the site's host names (comma separated)")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Links in e-mails (receipts, digests) and the admin are built from this, not from a request.
SITE_URL = _required("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be the site's https:// address in production")
WAGTAILADMIN_BASE_URL = SITE_URL
MUNICIPALITY_NAME = env.str("MUNICIPALITY_NAME", default="Demo kommune")
# Shown in the footer of every page; no made-up address in production.
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="" if PRODUCTION else "postmottak@demo.kommune.no")

INSTALLED_APPS = [
    "daphne",
    "participation",
    "participation.accounts",
    "participation.text",
    "participation.geo",
    "participation.live",
    "participation.contributions",
    "participation.notifications",
    "hearings",
    "ideabank",
    "initiatives",
    "cms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    # Wagtail's users app with our user form (an elected representative's party and role).
    "participation.accounts.wagtail_users.UsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Security headers before WhiteNoise and before anything that may refuse a request (a host
    # not allowed is a 400 from CommonMiddleware), so every response gets them.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "participation.accounts.staff_mfa.StaffSecondFactorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "participation.pagecache.AnonymousPageCacheMiddleware",
]
# How long a public page may be served from the cache when nothing has been published; bounds
# how late a time-driven change (days left, a deadline passing) shows to anonymous readers.
# Off in tests (each test has its own data; the browser tests' server has its own cache).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if ENVIRONMENT == "test" else 60)

ROOT_URLCONF = "participation.urls"
ASGI_APPLICATION = "participation.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "participation.context_processors.site",
            ],
        },
    },
]

# Database: SQLite (WAL) for `make run`; PostgreSQL when DATABASE_URL is set.
_DATABASE_URL = _required("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    with warnings.catch_warnings():
        # django-environ only warns about an unknown scheme and returns an empty config;
        # the check below says so in one line instead.
        warnings.simplefilter("ignore")
        DATABASES = {"default": env.db_url_config(_DATABASE_URL)}
except (ImproperlyConfigured, ValueError, KeyError) as exc:
    raise ImproperlyConfigured(
        f"The environment variable DATABASE_URL is malformed: {exc}"
    ) from None
if not DATABASES["default"].get("ENGINE"):
    raise ImproperlyConfigured(
        "The environment variable DATABASE_URL is malformed: "
        "use postgres://user:password@host:5432/name or sqlite:////absolute/path.sqlite3"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    # A pool per worker process (Django's psycopg pool): persistent per-thread connections
    # under uvicorn piled up past max_connections ("too many clients"). Each connection is
    # checked when taken from the pool, so one the server dropped is replaced at once.
    # DB_POOL_SIZE=0: no pool, a connection per request (or CONN_MAX_AGE), e.g. behind PgBouncer.
    # Not in tests: the pool outlives the switch to the test database (and the fault suite
    # runs the real server, pooled, against it).
    _POOL_SIZE = env.int("DB_POOL_SIZE", default=0 if ENVIRONMENT == "test" else 10)
    # With the pool, Django passes this on as the pool's check of each connection it hands out.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if _POOL_SIZE > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": _POOL_SIZE,
            # A request waits this long for a free connection before failing: under a burst
            # it queues (each holds a connection for its whole run) rather than fail.
            "timeout": env.float("DB_POOL_TIMEOUT", default=30.0),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")


def _next_redis_db(url: str) -> str:
    """redis://host:6379/0 -> redis://host:6379/1"""
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{db + 1}"))


if REDIS_URL:
    from redis.asyncio.retry import Retry as AsyncRetry
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 times a read out after 5 s, exactly channels-redis's blocking
                # receive (BZPOPMIN, 5 s): an idle socket's consumer would then crash. Wait
                # longer than the server-side timeout.
                # Retry a command once on a fresh connection: after Redis restarts, each
                # worker's pooled connections are stale and the first use of one fails.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 30,
                        "socket_connect_timeout": 1,
                        "retry": AsyncRetry(NoBackoff(), 1),
                    }
                ],
                "prefix": env.str("CHANNELS_PREFIX", default="mv"),
            },
        }
    }
    CACHES = {
        "default": {
            # Django's RedisCache, failing soft: with Redis down pages are served uncached
            # (participation/cache.py; docs/decisions.md).
            "BACKEND": "participation.cache.FailSoftRedisCache",
            # Its own database: clearing the cache must never drop the channel layer's groups.
            "LOCATION": env.str("CACHE_REDIS_URL", default=_next_redis_db(REDIS_URL)),
            "KEY_PREFIX": env.str("CACHE_PREFIX", default="mv"),
            "OPTIONS": {
                # A Redis that is down or unreachable must not stall the request.
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.5,
                "retry": Retry(NoBackoff(), 1),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Moderation: how long a moderator's claim on a post lasts before anyone may take it, and how
# many residents' reports hide a published post until a moderator has looked at it.
MODERATION_CLAIM_SECONDS = 10 * 60
MODERATION_REPORT_THRESHOLD = 3
# Only reporters whose account is this old (and has a verified e-mail or an ID-porten login)
# count towards that threshold; submissions and initiatives are never hidden by reports.
MODERATION_REPORTER_MIN_DAYS = 7

# How often one person ("user") and one IP address ("ip", an IPv6 /64) may post, per kind, as
# django-ratelimit rates ("10/m", "60/h"); see participation/ratelimit.py. The IP limits are
# wider: a school or a town hall sends many people from one address.
RATE_LIMITS = {
    "comment": {"user": ["10/m", "60/h"], "ip": ["30/m", "300/h"]},
    "submission": {"user": ["10/m", "60/h"], "ip": ["30/m", "300/h"]},
    "idea": {"user": ["5/m", "30/h"], "ip": ["20/m", "200/h"]},
    "report": {"user": ["10/m", "50/h"], "ip": ["30/m", "300/h"]},
    "support": {"user": ["30/m", "300/h"], "ip": ["120/m", "1200/h"]},
    "signature": {"user": ["10/m", "100/h"], "ip": ["60/m", "600/h"]},
    "initiative": {"user": ["3/m", "10/h"], "ip": ["10/m", "50/h"]},
    "open311": {"user": ["30/m", "600/h"], "ip": ["30/m", "600/h"]},
}
# A cache that cannot count lets posts through (logged); see participation/ratelimit.py.
RATELIMIT_FAIL_OPEN = True
# Per live socket: how many streams, how many replays (and replayed events, counted by page)
# a minute, and how often a privileged stream (moderation) is authorised again while open.
LIVE_LIMITS = {
    "streams": 20,
    "replays_per_minute": 30,
    "replayed_events_per_minute": 5000,
    "recheck_seconds": 5,
}

TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND",
            default=(
                "django_tasks.backends.immediate.ImmediateBackend"
                if ENVIRONMENT == "test"
                else "django_tasks_db.DatabaseBackend"
            ),
        )
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENVIRONMENT == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
# The front page in the language of the page one logged in from (/en/accounts/login/ -> /en/),
# resolved per request; a logged-in visit to a login page goes there too.
LOGIN_REDIRECT_URL = reverse_lazy("wagtail_serve", args=[""])
LOGOUT_REDIRECT_URL = "/"

# django-allauth: e-mail accounts, verified by a link; ID-porten through OpenID Connect.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "participation.accounts.adapters.AccountAdapter"
# How allauth names the person (messages, templates): their public name, never the username.
ACCOUNT_USER_DISPLAY = "participation.accounts.adapters.user_display"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{MUNICIPALITY_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Login limits (allauth's syntax: amount/window/per). "login" is every login POST from one
# address: a ceiling generous enough for a library or town hall behind one address. Wrong
# passwords count per account+address (tight), per address (generous) and per account (loose,
# not for a browser that logged into it before): see participation/accounts/login_limits.py.
# allauth itself still uses "login_failed" for wrong second-factor codes (key: the user).
ACCOUNT_RATE_LIMITS = {
    "login": "120/m/ip",
    "login_failed": "30/m/ip,5/5m/key",
    "login_failed_account_address": "5/5m/key",
    "login_failed_address": "40/m/ip",
    "login_failed_address_hourly": "300/h/ip",
    "login_failed_account": "100/h/key",
}
SOCIALACCOUNT_ADAPTER = "participation.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_LOGIN_ON_GET = False
# The raw token and userinfo would carry the national identity number: never stored.
SOCIALACCOUNT_STORE_TOKENS = False

IDPORTEN_SERVER_URL = env.str("IDPORTEN_SERVER_URL", default="")
IDPORTEN_CLIENT_ID = env.str("IDPORTEN_CLIENT_ID", default="")
IDPORTEN_CLIENT_SECRET = env.str("IDPORTEN_CLIENT_SECRET", default="")
# What a login must reach at least; a hearing may require more.
IDPORTEN_ACR_VALUES = env.str("IDPORTEN_ACR_VALUES", default="idporten-loa-substantial")
IDPORTEN_TOKEN_AUTH_METHOD = env.str("IDPORTEN_TOKEN_AUTH_METHOD", default="client_secret_post")
# Built by a helper the tests share, so a test can point the login at a mock provider.
SOCIALACCOUNT_PROVIDERS = socialaccount_providers(
    server_url=IDPORTEN_SERVER_URL,
    client_id=IDPORTEN_CLIENT_ID,
    secret=IDPORTEN_CLIENT_SECRET,
    acr_values=IDPORTEN_ACR_VALUES,
    token_auth_method=IDPORTEN_TOKEN_AUTH_METHOD,
)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff (is_staff, or a planner, moderator or editor) reach no page until their session has
# passed a second factor; without an authenticator they are sent to set one up.
STAFF_REQUIRE_MFA = env.bool("STAFF_REQUIRE_MFA", default=PRODUCTION)
# Staff log in through the one allauth login (rate limits, second factor), never the admins' own.
# (/admin/login/ is participation.accounts.views.staff_login: it redirects to that login.)
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login_redirect"
WAGTAIL_PASSWORD_RESET_ENABLED = False

# Language: bokmål default (no URL prefix), nynorsk and English under /nn/ and /en/.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
# The admin's account page offers these; the default (every zone the system lists) includes
# "localtime", which Django refuses ("Invalid time zone specified").
WAGTAIL_USER_TIME_ZONES = ["Europe/Oslo"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/designsystemet-css", BASE_DIR / "node_modules/@digdir/designsystemet-css/dist"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules/leaflet/dist"),
    ("vendor/leaflet.markercluster", BASE_DIR / "node_modules/leaflet.markercluster/dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
# Tests write their uploads outside the work tree.
_FILES_DIR = (
    Path(tempfile.gettempdir()) / "medvirkning-test-files" if ENVIRONMENT == "test" else BASE_DIR
)
MEDIA_ROOT = env.path("MEDIA_ROOT", default=_FILES_DIR / "media")
# Submission attachments, idea photos and exports: served only through permission-checked views.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=_FILES_DIR / "private-media")
# Attachments: 20 MB each (a scanned PDF), checked in the form, not only by the proxy.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# An image is refused above this many pixels, read from its header before it is decoded
# (a 341 KB PNG of 10000 × 9000 pixels took a worker to 1.6 GB). Pillow's own guard follows it.
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
# Attachments uploaded for a preview and not yet sent: at most this many per person, and
# deleted after this many hours (send_due_notifications purges them).
MAX_UNSENT_UPLOADS = env.int("MAX_UNSENT_UPLOADS", default=20)
UNSENT_UPLOAD_HOURS = env.int("UNSENT_UPLOAD_HOURS", default=24)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

WAGTAIL_SITE_NAME = MUNICIPALITY_NAME
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "csv", "txt"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea"}
}

# Maps: Kartverket's open topographic WMTS tiles (CC BY 4.0).
MAP_TILE_URL = env.str(
    "MAP_TILE_URL",
    default="https://cache.kartverket.no/v1/wmts/1.0.0/topo/default/webmercator/{z}/{y}/{x}.png",
)
MAP_ATTRIBUTION = env.str(
    "MAP_ATTRIBUTION", default='&copy; <a href="https://www.kartverket.no/">Kartverket</a>'
)
MAP_CENTER = env.list("MAP_CENTER", cast=float, default=[59.91, 10.75])
# Idea bank: whether residents may add tags of their own beside the municipality's topics, and
# the place search backend (ideabank.geocoding.KartverketAddressGeocoder where the server may
# reach ws.geonorge.no; the default searches the local gazetteer of areas and places).
IDEABANK_ALLOW_FREE_TAGS = env.bool("IDEABANK_ALLOW_FREE_TAGS", default=False)
IDEABANK_GEOCODER = env.str("IDEABANK_GEOCODER", default="ideabank.geocoding.LocalGazetteer")
# Citizen initiatives (kommuneloven § 12-1): the council must consider an initiative signed by
# 2 % of the residents, at most 300 in a municipality and 500 in a county. The collection period
# is the platform's own rule (0 = no end).
MUNICIPALITY_POPULATION = env.int("MUNICIPALITY_POPULATION", default=25000)
MUNICIPALITY_IS_COUNTY = env.bool("MUNICIPALITY_IS_COUNTY", default=False)
INITIATIVE_COLLECTION_DAYS = env.int("INITIATIVE_COLLECTION_DAYS", default=180)

_EMAIL_URL = _required(
    "EMAIL_URL", "consolemail://" if ENVIRONMENT == "development" else "memorymail://"
)
try:
    EMAIL_CONFIG = env.email_url_config(_EMAIL_URL)
except (ImproperlyConfigured, ValueError, KeyError) as exc:
    raise ImproperlyConfigured(
        f"The environment variable EMAIL_URL is malformed ({exc}): "
        "use smtp+tls://user:password@host:587 or consolemail://"
    ) from None
vars().update(EMAIL_CONFIG)
# One address in no language ("ikkje-svar@" read as nynorsk in a bokmål mail); each mail names
# the sender in its reader's language (participation/notifications/mail.py).
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@medvirkning.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "participation.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


def _origin(url: str) -> str:
    """https://{s}.tile.example/{z}/{x}.png -> https://*.tile.example ("" if not absolute)."""
    parts = urlsplit(url)
    if not (parts.scheme and parts.netloc):
        return ""
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def _idporten_hosts(server_url: str) -> list[str]:
    """The issuer and its subdomains: ID-porten's issuer is idporten.no, but the login and the
    logout it redirects a form post to are on login.idporten.no (from its discovery document)."""
    origin = _origin(server_url)
    if not origin:
        return []
    scheme, host = origin.split("://")
    return [origin, f"{scheme}://*.{host}"]


# Content-Security-Policy (django-csp, docs/security.md): scripts only from our own static
# files, so a stored script that slipped past the sanitiser still cannot run. Styles allow
# 'unsafe-inline' because Leaflet positions tiles and markers with style attributes; a style
# cannot run code. Images: our own, data: URIs (Leaflet, Wagtail) and the base map's tiles.
# Forms may post (and be redirected) to ID-porten for the eID login and logout.
_SITE_SOCKET = f"{'wss' if SITE_URL.startswith('https://') else 'ws'}://{urlsplit(SITE_URL).netloc}"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *filter(None, [_origin(MAP_TILE_URL)])],
        "connect-src": ["'self'", _SITE_SOCKET],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *_idporten_hosts(IDPORTEN_SERVER_URL)],
    }
}
# Nothing the site does needs a sensor, camera, microphone or location (the maps ask for a
# place by search or a click, not by the device's position).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
# Wagtail would show each staff member's Gravatar: an MD5 of their e-mail sent to a third
# party on every admin page. Off: the admin shows initials instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers often probe over plain HTTP; a redirect would read as "down".
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole registrable domain (often the municipality's own),
        # so it is the operator's decision, not a default; say so rather than warn forever.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Every handler, ours and the servers' own (uvicorn's access and error logs), gets the filter
# that masks identity numbers and e-mail addresses in messages, exceptions and tracebacks:
# LOGGING_CONFIG adds it to any handler this dictionary does not name.
LOGGING_CONFIG = "participation.logging.configure"
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "personal_data": {"()": "participation.logging.RedactPersonalData"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
        "mail_admins": {
            "class": "participation.logging.RedactingAdminEmailHandler",
            "filters": ["require_debug_false", "personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # django.request, django.server and daphne's django.channels.server included.
        "django": {"handlers": ["console", "mail_admins"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # Every page save is logged at INFO; the CMS's own history keeps that.
        "wagtail": {"level": env.str("WAGTAIL_LOG_LEVEL", default="WARNING")},
    },
}

# Roles are groups; the names are stable identifiers used by permissions.py.
ROLE_GROUPS = {
    "planner": _("Planners"),
    "moderator": _("Moderators"),
    "editor": _("Editors"),
    "politician": _("Politicians"),
}
