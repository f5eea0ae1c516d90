"""Crisis mode (krisemodus): whether a request is in it.

The setting is read through Wagtail's `for_request`, which keeps it on the request: the front
page and the banner on every page share one query, and a page served from the anonymous page
cache costs none. Saving the setting empties that cache (cms.signal_handlers).
"""


def crisis_for(request):
    """The site's crisis setting when crisis mode is on for this request's site, else None."""
    from cms.models import CrisisSettings

    crisis = CrisisSettings.for_request(request)
    return crisis if crisis.enabled else None
