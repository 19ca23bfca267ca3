"""The footer link to the open-data page (``SiteLink`` ``opendata.footer``, declared in
``contributions.py``)."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def footer_links(request: HttpRequest) -> list[tuple[str, str]]:
    """The link on every page: where a journalist finds the API, dumps and catalogue."""
    return [(_("Öppna data"), reverse("opendata:index"))]
