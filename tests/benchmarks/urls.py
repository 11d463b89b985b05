"""The site's URLs plus a bare Django view, the benchmarks' baseline; never part of the production URLconf."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("__bench__/bare/", bare, name="bench_bare"), *site_urlpatterns]
