from allauth.socialaccount import app_settings as socialaccount_settings
from django.urls import path, re_path

from participation.accounts import views
from participation.accounts.eid_settings import IDPORTEN_PROVIDER_ID

# Same paths as allauth's openid_connect_login/_callback for ID-porten, so every link and
# the redirect_uri allauth builds come here first (this module is included before allauth's).
_eid = f"{socialaccount_settings.OPENID_CONNECT_URL_PREFIX}/{IDPORTEN_PROVIDER_ID}/login/"

urlpatterns = [
    path("name/", views.declare_name, name="declare_name"),
    path("profile/", views.profile, name="profile"),
    path("personvern/", views.privacy, name="privacy"),
    re_path(
        r"^personvern/last-ned\.(?P<fmt>json|html|pdf)$",
        views.privacy_download,
        name="privacy_download",
    ),
    path("personvern/slett/", views.privacy_delete, name="privacy_delete"),
    path(_eid, views.eid_login, name="eid_login"),
    path(f"{_eid}callback/", views.eid_callback, name="eid_callback"),
]
