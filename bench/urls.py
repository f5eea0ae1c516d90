"""The site's URLs plus the baselines the benchmarks compare against."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from participation.urls import urlpatterns as site_urlpatterns


def minimal(request):
    return HttpResponse("ok")


@csrf_exempt
def one_insert(request):
    from participation.live.models import Event

    Event.objects.create(stream="bench", type="insert", payload={"body": request.POST.get("body")})
    return HttpResponse("ok", status=201)


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/insert/", one_insert),
    *site_urlpatterns,
]
