"""The project's URLs plus two floors measured in the same run as the pages they judge.

- ``/bench-floor/``: the cheapest view the same stack can serve (the *bare floor*).
- ``/bench-layout-floor/``: an empty page rendered with the base template, its menu, footer
  and context processors, through the same middleware (the *layout floor*): what any page of
  ours costs before it shows anything of its own.
- ``/bench-post-floor/``: a logged-in form post that changes nothing, with the CSRF check,
  the session, the user, a message and a redirect, as every write of a resident has (a
  reference beside the writes, not a target).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import path

from delaktig.config.urls import urlpatterns as project_urlpatterns


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


LAYOUT_FLOOR = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Golv{% endblock %}'
    "{% block content %}<h1>Golv</h1>{% endblock %}"
)


def layout_floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(LAYOUT_FLOOR.render({}, request))


def post_floor(request: HttpRequest) -> HttpResponse:
    if request.method != "POST" or not request.user.is_authenticated:
        return HttpResponse(status=405 if request.method != "POST" else 403)
    messages.success(request, "Tack!")
    return redirect("/bench-floor/")


urlpatterns = [
    path("bench-floor/", floor),
    path("bench-post-floor/", post_floor),
    path("bench-layout-floor/", layout_floor),
    *project_urlpatterns,
]
