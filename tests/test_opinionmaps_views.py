"""Opinion map pages: voting without JavaScript, writing, my votes, results, staff pages."""

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from delaktig.opinionmaps import polisdata
from delaktig.opinionmaps.models import MapResult, OpinionMap, Participant, Statement, Vote
from delaktig.participation.models import ProcessModule
from tests.factories import ModuleFactory, PhaseFactory, ProcessFactory, UserFactory, role

pytestmark = pytest.mark.django_db

SEATTLE = Path(__file__).parent / "data" / "polis" / "15-per-hour-seattle"


def open_map(moderation: str = "before", **map_fields: Any) -> OpinionMap:
    process = ProcessFactory()
    module = ModuleFactory(process=process, kind="opinionmap", title="Opinionskarta")
    PhaseFactory(module=module, process=process, phase_type="voting")
    return OpinionMap.objects.create(
        module=module, topic="Hur ska bussarna gå?", moderation=moderation, **map_fields
    )


def publish(opinion_map: OpinionMap, *texts: str) -> list[Statement]:
    start = opinion_map.statements.count()
    return [
        Statement.objects.create(
            map=opinion_map, number=start + i + 1, text=t, status="published", is_seed=True
        )
        for i, t in enumerate(texts)
    ]


def vote_url(opinion_map: OpinionMap) -> str:
    return reverse("opinionmaps:vote", kwargs={"module_pk": opinion_map.module_id})


def test_vote_page_shows_a_statement_and_voting_moves_on(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    opinion_map = open_map()
    first, second = publish(opinion_map, "Fler turer på kvällen", "Lägre biljettpris")
    user = UserFactory()
    client.force_login(user)
    page = client.get(vote_url(opinion_map)).content.decode()
    shown = first if first.text in page else second
    assert "Håller med" in page and "Du har röstat på 0 av 2 påståenden" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            vote_url(opinion_map), {"statement": shown.pk, "vote": "disagree"}, follow=True
        )
    body = response.content.decode()
    assert "Din röst är sparad: Håller inte med." in body
    other = second if shown == first else first
    assert other.text in body and "Du har röstat på 1 av 2 påståenden" in body
    assert Vote.objects.get(statement=shown).value == -1


def test_htmx_vote_returns_the_next_card_only(client: Client) -> None:
    opinion_map = open_map()
    (only,) = publish(opinion_map, "Fler turer på kvällen")
    client.force_login(UserFactory())
    response = client.post(
        vote_url(opinion_map), {"statement": only.pk, "vote": "agree"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="vote-card"' in body and "<html" not in body
    assert 'role="status"' in body and "alla påståenden" in body


def test_bad_vote_value_is_refused_with_a_message(client: Client) -> None:
    opinion_map = open_map()
    (only,) = publish(opinion_map, "Fler turer")
    client.force_login(UserFactory())
    response = client.post(
        vote_url(opinion_map), {"statement": only.pk, "vote": "maybe"}, follow=True
    )
    assert "Välj håller med, håller inte med eller pass." in response.content.decode()
    assert not Vote.objects.exists()


def test_anonymous_sees_the_statement_and_a_login_link(client: Client) -> None:
    opinion_map = open_map()
    publish(opinion_map, "Fler turer")
    page = client.get(vote_url(opinion_map)).content.decode()
    assert "Fler turer" in page and "Logga in för att rösta" in page
    response = client.post(vote_url(opinion_map), {"statement": 1, "vote": "agree"})
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_statement_too_long_keeps_the_text(client: Client) -> None:
    opinion_map = open_map()
    client.force_login(UserFactory())
    text = "x" * 300
    response = client.post(
        reverse("opinionmaps:statement_create", kwargs={"module_pk": opinion_map.module_id}),
        {"text": text},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "error-summary" in body and text in body
    assert not Statement.objects.exists()


def test_written_statement_waits_for_review_then_is_published(client: Client) -> None:
    opinion_map = open_map(moderation="before")
    resident = UserFactory()
    client.force_login(resident)
    url = reverse("opinionmaps:statement_create", kwargs={"module_pk": opinion_map.module_id})
    response = client.post(url, {"text": "Bussen borde stanna vid sjukhuset"}, follow=True)
    assert "visas när en moderator har granskat det" in response.content.decode()
    statement = Statement.objects.get()
    assert statement.status == "pending"

    official = role(UserFactory(), "official", opinion_map.module.process.organisation)
    client.force_login(official)
    manage = reverse("opinionmaps:manage", kwargs={"module_pk": opinion_map.module_id})
    assert "Bussen borde stanna vid sjukhuset" in client.get(manage).content.decode()
    moderate = reverse(
        "opinionmaps:moderate",
        kwargs={"module_pk": opinion_map.module_id, "statement_pk": statement.pk},
    )
    page = client.get(manage).content.decode()
    assert f'<select name="rule" id="rule-{statement.pk}" required>' in page
    assert "Reklam eller upprepningar" in page
    refused = client.post(moderate, {"decision": "reject", "rule": "spam", "reason": ""})
    assert refused.status_code == 400 and "Skriv ett skäl" in refused.content.decode()
    refused = client.post(moderate, {"decision": "reject", "reason": "Dubblett"})
    assert refused.status_code == 400 and "Välj vilken regel" in refused.content.decode()
    statement.refresh_from_db()
    assert statement.status == "pending"
    client.post(moderate, {"decision": "publish"})
    statement.refresh_from_db()
    assert statement.status == "published"
    author = Participant.objects.get(user=resident)
    assert Vote.objects.get(statement=statement, participant=author).value == 1


def test_my_votes_page_changes_a_vote(client: Client) -> None:
    opinion_map = open_map()
    (only,) = publish(opinion_map, "Fler turer")
    client.force_login(UserFactory())
    client.post(vote_url(opinion_map), {"statement": only.pk, "vote": "agree"})
    mine = reverse("opinionmaps:my_votes", kwargs={"module_pk": opinion_map.module_id})
    page = client.get(mine).content.decode()
    assert "Din röst: Håller med" in page and "Ändra till håller med" not in page
    client.post(vote_url(opinion_map), {"statement": only.pk, "vote": "pass", "next": "mine"})
    assert Vote.objects.get().value == 0
    assert Vote.objects.count() == 1


def test_results_page_before_and_after_recompute(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    opinion_map = open_map()
    statements = publish(opinion_map, *[f"Påstående nummer {i}" for i in range(10)])
    users = [UserFactory() for _ in range(24)]
    url = reverse("opinionmaps:results", kwargs={"module_pk": opinion_map.module_id})
    assert "har inte räknats fram ännu" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        for n, user in enumerate(users):
            client.force_login(user)
            for j, statement in enumerate(statements):
                agree = (j % 2 == 0) == (n % 2 == 0)
                if j == n % 9 and n > 1:  # one different vote each, so people are spread out
                    agree = not agree
                value = "agree" if agree or j == 9 else "disagree"
                client.post(vote_url(opinion_map), {"statement": statement.pk, "vote": value})
    assert MapResult.objects.get(map=opinion_map).k == 2
    client.force_login(users[0])
    page = client.get(url).content.decode()
    assert "Du hör till grupp" in page and 'role="img"' in page
    assert "Grupp A: 12 deltagare (50 %)" in page and "Grupp B: 12 deltagare (50 %)" in page
    # Statement 10 is agreed by everyone: consensus.
    consensus = page.split('id="consensus-heading"')[1].split("</section>")[0]
    assert "Påstående nummer 9" in consensus


def test_results_hidden_when_not_public_until_closed(client: Client) -> None:
    opinion_map = open_map(results_public=False)
    url = reverse("opinionmaps:results", kwargs={"module_pk": opinion_map.module_id})
    assert client.get(url).status_code == 403
    official = role(UserFactory(), "official", opinion_map.module.process.organisation)
    client.force_login(official)
    assert client.get(url).status_code == 200


def _zip(folder: Path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in ("votes.csv", "comments.csv", "participants-votes.csv"):
            archive.write(folder / name, arcname=name)
    return out.getvalue()


def test_official_imports_a_polis_conversation_and_exports_it(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    process = ProcessFactory()
    module = ModuleFactory(process=process, kind="opinionmap", title="Seattle")
    official = role(UserFactory(), "official", process.organisation)
    client.force_login(official)
    manage = reverse("opinionmaps:manage", kwargs={"module_pk": module.pk})
    response = client.post(
        manage,
        {
            "settings-topic": "Minimilön 15 dollar",
            "settings-moderation": "before",
            "settings-results_public": "on",
        },
    )
    assert response.status_code == 302
    upload = io.BytesIO(_zip(SEATTLE))
    upload.name = "seattle.zip"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("opinionmaps:import", kwargs={"module_pk": module.pk}),
            {
                "polis_files": upload,
                "source": "Polis: 15-per-hour-seattle",
                "attribution": "CC BY 4.0",
            },
            follow=True,
        )
    expected = polisdata.read_export(SEATTLE)
    body = response.content.decode()
    assert f"{len(expected.statement_ids)} påståenden" in body
    # The one comment Polis had not moderated waits for review in this map, which reviews
    # statements before they are shown; until then its votes are not counted.
    assert "1 påstående var inte granskat i källan" in body
    unreviewed = [c.id for c in expected.comments.values() if c.moderated == 0]
    assert len(unreviewed) == 1
    matrix = expected.vote_matrix()
    kept = [j for j, sid in enumerate(matrix.statement_ids) if sid not in unreviewed]
    result = MapResult.objects.get(map__module=module)
    assert result.k >= 2 and result.n_votes == matrix.take_columns(kept).seen.nnz
    results = client.get(reverse("opinionmaps:results", kwargs={"module_pk": module.pk}))
    assert "Grupp A" in results.content.decode() and "CC BY 4.0" in results.content.decode()

    export = client.get(
        reverse(
            "staff:export", kwargs={"pk": process.pk, "module_pk": module.pk, "key": "polis_zip"}
        )
    )
    assert export["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(export.content)).namelist()
    assert sorted(names) == ["comments.csv", "participants-votes.csv", "votes.csv"]


def test_import_of_a_wrong_file_says_so(client: Client) -> None:
    process = ProcessFactory()
    module = ModuleFactory(process=process, kind="opinionmap")
    OpinionMap.objects.create(module=module, topic="x")
    client.force_login(role(UserFactory(), "official", process.organisation))
    upload = io.BytesIO(b"not a zip")
    upload.name = "data.zip"
    response = client.post(
        reverse("opinionmaps:import", kwargs={"module_pk": module.pk}),
        {"polis_files": upload, "source": "Polis", "attribution": "CC BY 4.0"},
    )
    assert response.status_code == 400
    assert "inte en export från Polis" in response.content.decode()
    assert 'value="Polis"' in response.content.decode()


def test_resident_cannot_reach_staff_pages(client: Client) -> None:
    opinion_map = open_map()
    client.force_login(UserFactory())
    manage = reverse("opinionmaps:manage", kwargs={"module_pk": opinion_map.module_id})
    assert client.get(manage).status_code == 403


def test_process_page_shows_the_module(client: Client) -> None:
    opinion_map = open_map()
    publish(opinion_map, "Fler turer")
    module: ProcessModule = opinion_map.module
    page = client.get(module.process.get_absolute_url()).content.decode()
    assert "Hur ska bussarna gå?" in page and "Ta ställning till påståendena" in page


def test_the_statement_help_is_in_the_readers_language() -> None:
    # It was filled in at import, in Swedish, for every reader (a QA finding).
    from django.utils import translation

    from delaktig.opinionmaps.forms import StatementForm

    for language, start in (("en", "One thought per statement"), ("sv", "En tanke per")):
        with translation.override(language):
            help_text = str(StatementForm().fields["text"].help_text)
        assert help_text.startswith(start), help_text
        assert "280" in help_text
