"""The allauth provider block for ID-porten, built in one place.

settings.py calls this at start-up and the tests call it to point the login at a mock
provider, so both get the same configuration. Imports nothing from Django or allauth:
settings.py runs before the app registry exists.
"""

IDPORTEN_PROVIDER_ID = "idporten"


def socialaccount_providers(
    *,
    server_url: str,
    client_id: str,
    secret: str,
    acr_values: str,
    token_auth_method: str,
) -> dict:
    """SOCIALACCOUNT_PROVIDERS with the ID-porten app, or with no app when it is not configured."""
    apps = []
    if server_url:
        apps.append(
            {
                "provider_id": IDPORTEN_PROVIDER_ID,
                "name": "ID-porten",
                "client_id": client_id,
                "secret": secret,
                "settings": {
                    "server_url": server_url,
                    "oauth_pkce_enabled": True,
                    "fetch_userinfo": True,
                    "token_auth_method": token_auth_method,
                    "scope": ["openid", "profile"],
                    # The minimum; a login may ask for more (see eid.required_level).
                    "auth_params": {"acr_values": acr_values},
                },
            }
        )
    return {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": apps}}
