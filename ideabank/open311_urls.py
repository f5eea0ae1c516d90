"""Open311 GeoReport v2 in JSON and XML, outside the language prefixes (machines read it).

Each endpoint has a .json and a .xml address; the .json one keeps the short name
(open311:requests) and the .xml one ends in _xml. Anything else under /open311/v2/ answers
the spec's error list, not an HTML page.
"""

from django.urls import path, re_path

from ideabank import open311

app_name = "open311"
urlpatterns = []
for fmt in ("json", "xml"):
    suffix = "" if fmt == "json" else "_xml"
    urlpatterns += [
        path(f"discovery.{fmt}", open311.discovery, {"fmt": fmt}, name=f"discovery{suffix}"),
        path(f"services.{fmt}", open311.services, {"fmt": fmt}, name=f"services{suffix}"),
        path(
            f"services/<str:code>.{fmt}",
            open311.service_definition,
            {"fmt": fmt},
            name=f"service{suffix}",
        ),
        path(f"requests.{fmt}", open311.requests, {"fmt": fmt}, name=f"requests{suffix}"),
        path(
            f"requests/<int:pk>.{fmt}",
            open311.request_detail,
            {"fmt": fmt},
            name=f"request{suffix}",
        ),
    ]
urlpatterns += [
    re_path(r"^.*\.xml$", open311.not_found, {"fmt": "xml"}),
    re_path(r"^.*$", open311.not_found, {"fmt": "json"}),
]
