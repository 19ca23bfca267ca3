"""The project's URLs plus a floor: the cheapest view the same stack can serve."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from delaktig.config.urls import urlpatterns as project_urlpatterns


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench-floor/", floor), *project_urlpatterns]
