"""ID-porten through allauth's OpenID Connect provider: claims in, a hash and a level out.

allauth builds the SocialLogin (and the SocialAccount.extra_data it saves) from whatever
the provider returns, and it looks up an existing SocialAccount -- saving the new
extra_data -- before any adapter hook runs. So the national identity number has to be
removed here, where the claims first arrive, not later in the adapter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from allauth.socialaccount.providers.base import ProviderException
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.utils import get_request_param
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language

from participation.accounts.eid_settings import IDPORTEN_PROVIDER_ID
from participation.accounts.identity import hash_pid, is_valid_pid
from participation.accounts.models import AssuranceLevel

# ID-porten's levels of assurance (eIDAS "substantial" and "high").
ACR_LEVELS = {
    "idporten-loa-substantial": AssuranceLevel.SUBSTANTIAL,
    "idporten-loa-high": AssuranceLevel.HIGH,
}
LEVEL_ACR = {level: acr for acr, level in ACR_LEVELS.items()}

# Claims worth keeping in SocialAccount.extra_data; everything else (pid first of all) is
# dropped, so a claim we have never heard of cannot carry the number into the database.
KEPT_CLAIMS = frozenset(
    {"sub", "iss", "aud", "acr", "amr", "auth_time", "locale", "name", "given_name", "family_name"}
)


class RefusalReason(StrEnum):
    ASSURANCE = "assurance"  # acr missing, unknown or below what was asked for
    IDENTITY = "identity"  # no usable pid from the provider
    CONFLICT = "conflict"  # this person's eID already belongs to another account


class EidLoginRefused(ProviderException):
    """The provider authenticated someone, but we will not log them in.

    A ProviderException so that allauth's callback view turns it into its error page
    (through SocialAccountAdapter.on_authentication_error), whether raised while reading
    the claims or later in pre_social_login.
    """

    def __init__(
        self,
        reason: RefusalReason,
        *,
        required_level: str | None = None,
        used_level: str | None = None,
    ):
        super().__init__(str(reason))
        self.reason = reason
        self.required_level = required_level
        # The level this login did reach, when it is one we know (a refused step-up).
        self.used_level = used_level


@dataclass(frozen=True)
class EidIdentity:
    """What one eID login tells us about the person: no clear identity number in here."""

    pid_hash: str
    level: str
    name: str


def minimum_level() -> str:
    """The level every eID login must reach, from settings.IDPORTEN_ACR_VALUES."""
    try:
        return ACR_LEVELS[settings.IDPORTEN_ACR_VALUES.strip()]
    except KeyError:
        raise ImproperlyConfigured(
            f"IDPORTEN_ACR_VALUES must be one of {', '.join(ACR_LEVELS)}"
        ) from None


def required_level(requested: str | None) -> str:
    """The level a login must reach: the minimum, or more when a page asked for more.

    `requested` is what the login URL carries in `?acr=`: "high", "substantial" or the
    full ID-porten value. Anything else is ignored; nothing can ask for less than the minimum.
    """
    floor = minimum_level()
    wanted = ACR_LEVELS.get(requested or "") or (requested if requested in LEVEL_ACR else None)
    if wanted and AssuranceLevel.rank(wanted) > AssuranceLevel.rank(floor):
        return wanted
    return floor


def _name_from(claims: dict) -> str:
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return " ".join(name.split())[:200] if isinstance(name, str) else ""


def read_identity(data: dict) -> tuple[EidIdentity, str]:
    """The identity in the provider's answer, and the clear pid for scrubbing only.

    `data` is what allauth's OpenID Connect adapter passes on: the verified ID token's
    claims under "id_token" and the userinfo response under "userinfo".

    acr is read from the ID token only: it describes the authentication that just
    happened, which is what the ID token is for (OpenID Connect Core §2); ID-porten puts
    it there. The pid is taken from either (ID-porten sends it in both) but must agree.
    """
    id_token = data.get("id_token") or {}
    userinfo = data.get("userinfo") or {}
    level = ACR_LEVELS.get(id_token.get("acr"))
    if level is None:
        raise EidLoginRefused(RefusalReason.ASSURANCE, required_level=minimum_level())
    pids = {claims["pid"] for claims in (id_token, userinfo) if claims.get("pid") is not None}
    if len(pids) != 1:
        raise EidLoginRefused(RefusalReason.IDENTITY)
    pid = pids.pop()
    if not is_valid_pid(pid):
        raise EidLoginRefused(RefusalReason.IDENTITY)
    pid_hash = hash_pid(pid)
    name = _name_from(userinfo) or _name_from(id_token)
    if pid in name:
        name = ""
    return EidIdentity(pid_hash=pid_hash, level=level, name=name), pid


def _carries(value: object, pid: str) -> bool:
    return pid in json.dumps(value, ensure_ascii=False, default=str)


def scrub(data: dict, *, pid: str, pid_hash: str) -> dict:
    """The provider's answer with only KEPT_CLAIMS and nothing that contains the number.

    A broker that uses the national identity number as `sub` gets the hash as uid instead,
    so the SocialAccount row does not carry the number either.
    """
    cleaned = {}
    for part in ("id_token", "userinfo"):
        claims = data.get(part)
        if not isinstance(claims, dict):
            continue
        kept = {
            key: value
            for key, value in claims.items()
            if key in KEPT_CLAIMS and not _carries(value, pid)
        }
        if "sub" in claims and "sub" not in kept:
            kept["sub"] = f"hmac-pid:{pid_hash}"
        cleaned[part] = kept
    return cleaned


class IDPortenProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider, narrowed to what ID-porten login needs.

    SocialAccountAdapter.get_provider hands this class out for the app whose provider_id
    is "idporten"; allauth itself only knows the generic class.
    """

    def sociallogin_from_response(self, request, response):
        identity, pid = read_identity(response)
        cleaned = scrub(response, pid=pid, pid_hash=identity.pid_hash)
        del pid
        sociallogin = super().sociallogin_from_response(request, cleaned)
        # Read by SocialAccountAdapter.pre_social_login in the same request; never serialised.
        sociallogin.eid_identity = identity
        return sociallogin

    def extract_common_fields(self, data):
        # The name goes to User.name (see operations.apply_eid_identity); a username or an
        # e-mail address from a broker is not ours to take: people give us their e-mail.
        return {}

    def extract_email_addresses(self, data):
        return []

    def get_scope_from_request(self, request):
        # No extra scopes from the query string.
        return self.get_scope()

    def get_auth_params_from_request(self, request, action):
        # Only our own parameters: the query string cannot lower acr_values.
        params = self.get_auth_params()
        params["acr_values"] = LEVEL_ACR[required_level(get_request_param(request, "acr"))]
        params["ui_locales"] = get_language() or settings.LANGUAGE_CODE
        return params

    def get_redirect_from_request_kwargs(self, request):
        kwargs = super().get_redirect_from_request_kwargs(request)
        # Kept in allauth's state (server side, in the session) until the callback checks it.
        kwargs["required_level"] = required_level(get_request_param(request, "acr"))
        return kwargs


def is_idporten(provider) -> bool:
    app = getattr(provider, "app", None)
    return app is not None and app.provider_id == IDPORTEN_PROVIDER_ID
