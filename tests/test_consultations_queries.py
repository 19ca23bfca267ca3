"""Query counts of a consultation's busiest reads at realistic volumes: the document page for
a resident who answers for invited organisations, a passage's page with many comments, the
answering page, and building the compilation from 500 comments. Each read is a fixed number
of queries, whatever the number of paragraphs, comments or invitations."""

import itertools
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from delaktig.accounts.models import User
from delaktig.consultations import services
from delaktig.consultations.compilation import build
from delaktig.consultations.models import (
    Agreement,
    Answer,
    Comment,
    Consultation,
    Invitation,
    Stance,
    Theme,
)
from delaktig.consultations.selectors import COMMENTS_PER_PAGE
from tests.consultations_factories import (
    NOW,
    consultation_module,
    contact,
    invitation,
    official_of,
    paragraph,
)
from tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db
_batches = itertools.count(1)


def url(name: str, consultation: Consultation, **kwargs: Any) -> str:
    return reverse(f"consultations:{name}", kwargs={"module_pk": consultation.module_id, **kwargs})


def queries(read: Callable[[], Any]) -> int:
    read()  # warm the caches (content types, the session, the person's roles)
    with CaptureQueriesContext(connection) as done:
        read()
    return len(done.captured_queries)


def many_comments(
    consultation: Consultation, count: int, *, number: str | None = "2.1", answered: bool = True
) -> list[Comment]:
    """``count`` comments by as many people, every third for an invited organisation, half of
    them in a theme and (``answered``) every one answered, each agreed with by one person."""
    target = paragraph(consultation, number) if number is not None else None
    people = UserFactory.create_batch(count)
    batch = next(_batches)
    organisations = [
        invitation(consultation, name=f"Förening {batch}-{n}") for n in range(max(1, count // 3))
    ]
    theme = Theme.objects.create(consultation=consultation, name=f"Tema {batch}")
    official = official_of(consultation)
    answer = Answer.objects.create(
        consultation=consultation,
        stance=Stance.PARTLY,
        reason="Vi tar med det.",
        answered_by=official,
        answered_at=NOW,
    )
    rows = Comment.objects.bulk_create(
        Comment(
            consultation=consultation,
            paragraph=target,
            invitation=organisations[n // 3 % len(organisations)] if n % 3 == 0 else None,
            author=person,
            author_name=f"Person {n}",
            text=f"Synpunkt {n} om stycket.",
            theme=theme if n % 2 else None,
            answer=answer if answered else None,
            agreements_count=1,
        )
        for n, person in enumerate(people)
    )
    agreeing = UserFactory()
    Agreement.objects.bulk_create(Agreement(comment=c, user=agreeing) for c in rows)
    return rows


def speaker(consultation: Consultation, invitations: int) -> User:
    """A person who is the named contact of ``invitations`` invited organisations."""
    person = contact(f"kontakt-{consultation.pk}@example.org")
    for n in range(invitations):
        Invitation.objects.create(
            consultation=consultation,
            name=f"Organisation {n}",
            contact_email=person.email,
            deadline=NOW.date(),
        )
    return person


@time_machine.travel(NOW, tick=False)
def test_the_document_page_for_a_contact_does_not_grow_with_the_invitations(
    client: Client,
) -> None:
    def count(invitations: int) -> int:
        consultation = consultation_module(now=NOW)
        client.force_login(speaker(consultation, invitations))
        return queries(lambda: client.get(url("document", consultation)))

    assert count(1) == count(30)


@time_machine.travel(NOW, tick=False)
def test_a_passage_page_does_not_grow_with_its_comments(client: Client) -> None:
    def count(comments: int) -> int:
        consultation = consultation_module(now=NOW)
        many_comments(consultation, comments)
        person = speaker(consultation, 2)
        client.force_login(person)
        page = url("paragraph", consultation, key=paragraph(consultation, "2.1").key)
        response = client.get(page)
        assert response.status_code == 200
        shown = response.content.decode().count('class="comment consultation-comment')
        assert shown == min(comments, COMMENTS_PER_PAGE)
        return queries(lambda: client.get(page))

    assert count(3) == count(120)


@time_machine.travel(NOW, tick=False)
def test_a_passage_shows_its_comments_a_page_at_a_time(client: Client) -> None:
    consultation = consultation_module(now=NOW)
    made = many_comments(consultation, COMMENTS_PER_PAGE * 2 + 3)
    page = url("paragraph", consultation, key=paragraph(consultation, "2.1").key)
    first = client.get(page).content.decode()
    assert f'id="synpunkt-{made[0].pk}"' in first and f'id="synpunkt-{made[-1].pk}"' not in first
    assert f"({len(made)})" in first and 'rel="next"' in first
    # A link to one comment opens the page that holds it; an explicit page wins.
    last = client.get(f"{page}?synpunkt={made[-1].pk}").content.decode()
    assert f'id="synpunkt-{made[-1].pk}"' in last and 'rel="next"' not in last
    assert "Sida 3 av 3" in last
    second = client.get(f"{page}?synpunkt={made[-1].pk}&sida=2").content.decode()
    assert f'id="synpunkt-{made[COMMENTS_PER_PAGE].pk}"' in second and "Sida 2 av 3" in second


@time_machine.travel(NOW, tick=False)
def test_the_whole_document_page_does_not_grow_with_its_comments(client: Client) -> None:
    def count(comments: int) -> int:
        consultation = consultation_module(now=NOW)
        many_comments(consultation, comments, number=None)
        client.force_login(UserFactory())
        return queries(lambda: client.get(url("whole", consultation)))

    assert count(3) == count(90)


@time_machine.travel(NOW, tick=False)
def test_an_answers_page_does_not_grow_with_its_comments(client: Client) -> None:
    def count(comments: int) -> int:
        consultation = consultation_module(now=NOW)
        rows = many_comments(consultation, comments)
        client.force_login(
            role(UserFactory(), "official", consultation.module.process.organisation)
        )
        answer_pk = rows[0].answer_id
        return queries(lambda: client.get(url("answer_edit", consultation, answer_pk=answer_pk)))

    assert count(3) == count(90)


@time_machine.travel(NOW, tick=False)
def test_building_the_compilation_does_not_grow_with_the_comments() -> None:
    def count(comments: int) -> int:
        consultation = consultation_module(now=NOW)
        many_comments(consultation, comments)
        many_comments(consultation, comments // 10, number="3")
        many_comments(consultation, comments // 10, number=None)
        consultation.refresh_from_db()
        compilation = build(consultation)
        assert compilation.total == comments + 2 * (comments // 10)
        return queries(lambda: build(consultation))

    assert count(20) == count(500)


def test_the_invited_organisations_a_person_speaks_for_take_one_query() -> None:
    consultation = consultation_module(now=NOW)
    person = speaker(consultation, 12)
    services.invitations_for(user=person, consultation=consultation)
    with CaptureQueriesContext(connection) as done:
        found = services.invitations_for(user=person, consultation=consultation)
    assert len(found) == 12
    assert len(done.captured_queries) <= 2
