"""The Markdown editor (``core.widgets.MarkdownEditor``): its live-preview endpoint, the
preview without JavaScript, and that every field staff write in Markdown uses it."""

import html
import re

import pytest
from django import forms
from django.test import Client, override_settings
from django.urls import reverse

from delaktig.core.views import PREVIEW_MAX_CHARS
from delaktig.core.widgets import MarkdownEditor
from delaktig.participation.models import Feedback, Process
from tests.factories import ProcessFactory, UserFactory, role

pytestmark = pytest.mark.django_db

PREVIEW_URL = "/markdown/forhandsgranska/"


def test_the_endpoint_renders_with_the_sites_sanitising_renderer(client: Client) -> None:
    assert reverse("markdown_preview") == PREVIEW_URL
    client.force_login(UserFactory())
    text = (
        "## Rubrik\n\n**fet** och _kursiv_ <script>alert(1)</script>\n\n"
        "[länk](javascript:alert(1)) [bra](https://example.se)\n\n"
        '<img src=x onerror="alert(1)">'
    )
    response = client.post(PREVIEW_URL, {"text": text})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    fragment = response.content.decode()
    assert "<h2>Rubrik</h2>" in fragment
    assert "<strong>fet</strong>" in fragment and "<em>kursiv</em>" in fragment
    assert "<script" not in fragment and "<img" not in fragment
    assert "javascript:" not in fragment
    assert 'href="https://example.se" rel="noopener noreferrer nofollow"' in fragment
    assert "<html" not in fragment  # a fragment, not a page


def test_the_endpoint_is_for_people_who_are_logged_in_and_posts_only(client: Client) -> None:
    response = client.post(PREVIEW_URL, {"text": "**fet**"})
    assert response.status_code in (302, 403)
    assert "<strong>" not in response.content.decode()
    client.force_login(UserFactory())
    assert client.get(PREVIEW_URL, {"text": "**fet**"}).status_code == 405


def test_the_endpoint_checks_the_csrf_token() -> None:
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    refused = client.post(PREVIEW_URL, {"text": "**fet**"})
    assert refused.status_code == 403 and "<strong>" not in refused.content.decode()
    client.get(reverse("accounts:profile"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    allowed = client.post(PREVIEW_URL, {"text": "**fet**"}, headers={"X-CSRFToken": token})
    assert allowed.status_code == 200 and "<strong>fet</strong>" in allowed.content.decode()


def test_the_endpoint_refuses_too_long_text_and_is_rate_limited(client: Client) -> None:
    client.force_login(UserFactory())
    too_long = client.post(PREVIEW_URL, {"text": "a" * (PREVIEW_MAX_CHARS + 1)})
    assert too_long.status_code == 400
    with override_settings(DELAKTIG_RATE_LIMITS={"markdown_preview": (2, 60)}):
        codes = [client.post(PREVIEW_URL, {"text": "x"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def official_client(client: Client, process: Process) -> Client:
    client.force_login(role(UserFactory(), "official", process.organisation))
    return client


def test_the_editor_is_a_labelled_textarea_with_a_hidden_toolbar(client: Client) -> None:
    process = ProcessFactory(body="Gammal text")
    page = official_client(client, process).get(reverse("staff:process_edit", args=[process.pk]))
    content = page.content.decode()
    assert '<label for="id_body">' in content
    assert re.search(r'<textarea name="body"[^>]*id="id_body"', content)
    toolbar = re.search(r'<div class="md-toolbar"[^>]*>(.*?)</div>', content, re.S)
    assert toolbar and " hidden" in toolbar.group(0)
    buttons = re.findall(r'<button type="button"[^>]*>([^<]+)</button>', toolbar.group(1))
    expected = [
        "Fetstil",
        "Kursiv",
        "Mellanrubrik",
        "Punktlista",
        "Numrerad lista",
        "Länk",
        "Citat",
    ]
    assert buttons == expected
    assert 'name="preview" value="body"' in content
    assert 'aria-live="polite"' in content and 'aria-labelledby="id_body_preview_title"' in content
    assert "js/markdown-editor.js" in content


def test_the_preview_button_shows_the_text_rendered_and_saves_nothing(client: Client) -> None:
    process = ProcessFactory(title="Gammal rubrik", body="Gammal text")
    url = reverse("staff:process_edit", args=[process.pk])
    typed = "**Ny** text <script>alert(1)</script>"
    response = official_client(client, process).post(
        url, {"title": "", "body": typed, "summary": "Ny sammanfattning", "preview": "body"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    preview = re.search(r"data-md-preview-body>(.*?)</div>", content, re.S)
    assert preview and "<strong>Ny</strong> text" in preview.group(1)
    assert "<script>alert" not in content
    assert html.escape(typed) in content  # the textarea keeps the text as typed
    assert "Ny sammanfattning" in content
    assert "error-summary" not in content and 'aria-invalid="true"' not in content
    process.refresh_from_db()
    assert (process.title, process.body) == ("Gammal rubrik", "Gammal text")


def test_only_the_chosen_field_is_previewed(client: Client) -> None:
    process = ProcessFactory(status="closed")
    response = official_client(client, process).post(
        reverse("staff:feedback", args=[process.pk]),
        {"heard": "**Hört**", "decided": "**Beslutat**", "reasons": "", "preview": "decided"},
    )
    content = response.content.decode()
    assert "<strong>Beslutat</strong>" in content and "<strong>Hört</strong>" not in content
    assert not Feedback.objects.filter(process=process).exists()


# Every field that staff write and the site renders with the ``markdown`` filter.
MARKDOWN_FIELDS = [
    ("delaktig.participation.forms", "ProcessForm", "body"),
    ("delaktig.participation.forms", "FeedbackForm", "heard"),
    ("delaktig.participation.forms", "FeedbackForm", "decided"),
    ("delaktig.participation.forms", "FeedbackForm", "reasons"),
    ("delaktig.meetings.forms", "MeetingForm", "description"),
    ("delaktig.meetings.forms", "MeetingForm", "minutes"),
    ("delaktig.meetings.forms", "AnswerForm", "answer"),
    ("delaktig.councils.forms", "CouncilForm", "mandate"),
    ("delaktig.councils.forms", "ReferralForm", "body"),
    ("delaktig.councils.forms", "HowUsedForm", "how_used"),
    ("delaktig.followup.forms", "StrategyForm", "body"),
    ("delaktig.followup.actors.forms", "NetworkForm", "description"),
    ("delaktig.proposals.forms", "DecideForm", "answer"),
    ("delaktig.proposals.forms", "ProposalSettingsForm", "intake_rules"),
    ("delaktig.organisations.forms", "AccessibilityStatementForm", "non_accessible_content"),
    ("delaktig.newsletters.forms", "NewsletterForm", "body"),
]


@pytest.mark.parametrize(("module", "form", "field"), MARKDOWN_FIELDS)
def test_staff_markdown_fields_use_the_editor(module: str, form: str, field: str) -> None:
    import importlib

    form_class: type[forms.BaseForm] = getattr(importlib.import_module(module), form)
    assert isinstance(form_class.base_fields[field].widget, MarkdownEditor)
