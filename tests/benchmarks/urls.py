"""The site's URLs plus bare Django views, the benchmarks' baseline; never part of the production URLconf."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@require_POST
@csrf_protect
def bare_post(request: HttpRequest) -> HttpResponse:
    """The video beacon's baseline: the same middleware, CSRF check and session/user read, no work of its own."""
    if not request.user.is_authenticated:
        return HttpResponse("login required", status=403)
    return HttpResponse("ok")


urlpatterns = [
    path("__bench__/bare/", bare, name="bench_bare"),
    path("__bench__/bare-post/", bare_post, name="bench_bare_post"),
    *site_urlpatterns,
]
