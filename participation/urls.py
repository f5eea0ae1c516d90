from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from participation import views
from participation.accounts import views as account_views

handler400 = "participation.views.bad_request"
handler403 = "participation.views.permission_denied"
handler404 = "participation.views.page_not_found"
handler500 = "participation.views.server_error"
# Not Django's: allauth answers a passed login, sign-up or reset limit with this view.
handler429 = "participation.accounts.views.too_many_attempts"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # Both admins' login pages send staff to the one allauth login (rate limits, second factor).
    path("admin/login/", account_views.staff_login, name="wagtailadmin_login_redirect"),
    path(
        "django-admin/login/",
        account_views.staff_login,
        {"default_next": "/django-admin/"},
        name="django_admin_login_redirect",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("open311/v2/", include("ideabank.open311_urls")),
    # Browsers ask for /favicon.ico whatever the page links: send them to the static one (not
    # permanent: its hashed name changes with its content).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.ico"))),
]

# Every public page carries its language in the URL: bokmål at /, nynorsk at /nn/, English at /en/.
urlpatterns += i18n_patterns(
    path("accounts/", include("participation.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("horinger/", include("hearings.urls")),
    path("ideer/", include("ideabank.urls")),
    path("innbyggerforslag/", include("initiatives.urls")),
    path("innlegg/", include("participation.contributions.urls")),
    path("feeds/", include("participation.notifications.urls")),
    path("varsler/", include("participation.notifications.account_urls")),
    path("avmelding/", include("participation.notifications.unsubscribe_urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
