"""Open Graph and Twitter-card metadata, and share links without third-party scripts."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template import Context, Template
from django.test import Client
from tests.factories import OrganisationFactory, UserFactory, role

from delaktig.core.languages import content_language_override
from delaktig.organisations.models import OrganisationSettings
from delaktig.screens import selectors
from delaktig.screens.tests.helpers import meeting, open_process

pytestmark = pytest.mark.django_db


def meta(html: str) -> dict[str, str]:
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html)
    return {key: unescape(value) for key, value in found}


def share_links(html: str) -> dict[str, str]:
    section = html[html.index('class="share"') :]
    return {
        label: unescape(href)
        for href, label in re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a></li>', section)
    }


def test_the_process_page_carries_open_graph_and_share_links(client: Client) -> None:
    process = open_process(OrganisationFactory(), title="Bussar & tåg på landet?")
    html = client.get(process.get_absolute_url()).content.decode()
    tags = meta(html)
    url = selectors.absolute(process.get_absolute_url())
    assert tags["og:title"] == process.title
    assert tags["og:description"] == process.summary
    assert tags["og:url"] == url
    assert tags["og:type"] == "article"
    assert tags["og:locale"] == "sv_SE"
    assert tags["twitter:card"] == "summary"
    assert "og:image" not in tags

    links = share_links(html)
    facebook = urlsplit(links["Facebook"])
    assert facebook.netloc == "www.facebook.com"
    assert parse_qs(facebook.query) == {"u": [url]}
    x = parse_qs(urlsplit(links["X (Twitter)"]).query)
    assert x == {"text": [process.title], "url": [url]}
    assert "%26" in links["X (Twitter)"] and "%3F" in links["X (Twitter)"]
    assert parse_qs(urlsplit(links["LinkedIn"]).query) == {"url": [url]}
    mail = urlsplit(links["E-post"])
    assert mail.scheme == "mailto"
    assert parse_qs(mail.query)["subject"] == [process.title]
    assert " " not in links["E-post"]
    assert f'value="{url}" readonly' in html
    assert 'target="_blank"' not in html[html.index('class="share"') :]
    assert "<script" not in html[html.index('class="share"') :]
    assert f"/processer/{process.slug}/affisch.pdf" in html


def test_a_cover_image_is_the_og_image() -> None:
    template = Template(
        '{% include "includes/og_meta.html" with title="T" description="D" url="/x/" '
        'image="/processer/x/omslagsbild/1-960.webp" image_alt="En buss" %}'
    )
    tags = meta(template.render(Context({})))
    assert tags["og:image"] == selectors.absolute("/processer/x/omslagsbild/1-960.webp")
    assert tags["og:image:alt"] == "En buss"
    assert tags["twitter:card"] == "summary_large_image"


def test_tags_follow_the_content_language(client: Client) -> None:
    process = open_process(OrganisationFactory(), title="Säg vad du tycker")
    if "title" not in getattr(process, "translated_fields", ()):
        pytest.skip("Process is not a TranslatedModel yet")
    from delaktig.translations import services as translation_services
    from delaktig.translations.services import Change

    OrganisationSettings.objects.create(
        organisation=process.organisation, content_languages=["sv", "se"]
    )
    translation_services.translations_save(
        actor=role(UserFactory(), "administrator"),
        obj=process,
        language="se",
        changes=[Change("title", "Muital maid don jurddašat")],
        reviewed=True,
    )
    html = client.get(process.get_absolute_url() + "?sprak=se").content.decode()
    tags = meta(html)
    assert tags["og:title"] == "Muital maid don jurddašat"
    assert tags["og:locale"] == "se_SE"
    assert tags["og:url"].endswith("?sprak=se")
    # The summary is not translated: its text is Swedish, but the page is shared as Sami.
    assert tags["og:description"] == process.summary


def test_og_locale_of_a_text_without_a_language() -> None:
    template = Template("{% load sharing %}{{ text|og_locale }}")
    with content_language_override("en"):
        assert template.render(Context({"text": "Hello"})) == "en_GB"
    with content_language_override("yi"):
        assert template.render(Context({"text": "x"})) == "yi_SE"
    assert template.render(Context({"text": "x"})) == "sv_SE"


def test_a_meeting_page_carries_open_graph(client: Client) -> None:
    found = meeting(OrganisationFactory(), title="Regionfullmäktige i mars", description="")
    tags = meta(client.get(found.get_absolute_url()).content.decode())
    assert tags["og:title"] == "Regionfullmäktige i mars"
    assert tags["og:description"] == "Regionens hus"
    assert tags["og:url"] == selectors.absolute(found.get_absolute_url())
