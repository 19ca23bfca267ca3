"""The site icon: named by every page, and ``/favicon.ico`` leads to it instead of a 404."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_name_the_icon_and_favicon_ico_leads_to_it(client: Client) -> None:
    page = client.get("/")
    assert b'<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.content
    response = client.get("/favicon.ico")
    # Not 301: a browser would keep it for good, and the icon's address changes with it.
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]
    assert "csrftoken" not in response.cookies
    assert client.post("/favicon.ico").status_code == 405


def test_the_icon_is_an_svg() -> None:
    found = finders.find("favicon.svg")
    assert isinstance(found, str)
    text = Path(found).read_text()
    assert text.startswith("<svg") and 'viewBox="0 0 32 32"' in text
