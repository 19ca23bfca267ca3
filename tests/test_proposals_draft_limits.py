"""New proposal drafts are limited per person: so many an hour, so many open at once.

A verified resident once started 25 drafts in 0.4 s, each able to carry 50 MB of attachments.
Rate limits live in the cache, which ``conftest.py`` clears before every test.
"""

from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from delaktig.core import ratelimit
from delaktig.core.errors import Conflict, RateLimited, ValidationFailed
from delaktig.proposals import services
from delaktig.proposals.models import Proposal
from tests.factories import MunicipalityFactory, OrganisationFactory, proposal_rules
from tests.factories import verified_resident as make_resident
from tests.test_proposals_concurrency import run_together

START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


def _region() -> Any:
    organisation = OrganisationFactory()
    organisation.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    proposal_rules(organisation)
    return organisation


def draft(region: Any, author: Any, title: str = "Cykelbana", **kwargs: Any) -> Proposal:
    return services.proposal_save_draft(
        actor=author, organisation=region, title=title, body="Text", author_name="Kim", **kwargs
    )


def budget(author: Any) -> int:
    return ratelimit.remaining(ratelimit.limit_for("proposal_draft", f"user:{author.pk}"))


@pytest.mark.django_db
@override_settings(DELAKTIG_RATE_LIMITS={"proposal_draft": (3, 3600)}, DELAKTIG_MAX_OPEN_DRAFTS=100)
def test_a_person_starts_only_so_many_drafts_an_hour(time_machine: Any) -> None:
    time_machine.move_to(START)
    region = _region()
    author = make_resident(region.municipalities.get())
    other = make_resident(region.municipalities.get())
    drafts = [draft(region, author, title=f"Förslag {n}") for n in range(3)]
    with pytest.raises(RateLimited) as refused:
        draft(region, author, title="Förslag 4")
    assert refused.value.code == "proposals.too_many_drafts" and refused.value.status == 429
    assert Proposal.objects.filter(author=author).count() == 3
    # Working on a draft already started is not limited, and others are not affected.
    edited = draft(region, author, title="Förslag 1, bättre", proposal=drafts[0])
    assert edited.pk == drafts[0].pk and edited.title == "Förslag 1, bättre"
    assert draft(region, other, title="Annat förslag")
    # Two hours later the person may start new ones.
    time_machine.move_to(START + timedelta(hours=2))
    assert draft(region, author, title="Förslag 4")


@pytest.mark.django_db
@override_settings(DELAKTIG_RATE_LIMITS={"proposal_draft": (100, 3600)}, DELAKTIG_MAX_OPEN_DRAFTS=2)
def test_a_person_keeps_only_so_many_drafts_open() -> None:
    region = _region()
    author = make_resident(region.municipalities.get())
    first = draft(region, author, title="Ett")
    draft(region, author, title="Två")
    with pytest.raises(Conflict) as refused:
        draft(region, author, title="Tre")
    assert refused.value.code == "proposals.too_many_open_drafts"
    assert Proposal.objects.filter(author=author).count() == 2
    # The refusal used none of the hourly budget.
    assert budget(author) == 98
    # Submitting (or discarding) one makes room.
    services.proposal_submit(actor=author, proposal=first)
    assert draft(region, author, title="Tre")
    assert budget(author) == 97


@pytest.mark.django_db
@override_settings(DELAKTIG_RATE_LIMITS={"proposal_draft": (1, 3600)})
def test_a_draft_refused_for_its_content_uses_none_of_the_budget() -> None:
    region = _region()
    author = make_resident(region.municipalities.get())
    with pytest.raises(ValidationFailed):
        services.proposal_save_draft(
            actor=author, organisation=region, title="T", body="B", author_name="  "
        )
    assert budget(author) == 1
    assert draft(region, author)


@pytest.mark.django_db
@override_settings(DELAKTIG_RATE_LIMITS={"proposal_draft": (1, 3600)})
def test_the_form_says_why_and_keeps_what_was_typed() -> None:
    region = _region()
    author = make_resident(region.municipalities.get())
    client = Client()
    client.force_login(author)
    typed = {
        "organisation": region.slug,
        "title": "Fler bänkar",
        "body": "Längs promenadstråket vid sjön.",
        "author_name": "Kim",
    }
    assert client.post(reverse("proposals:create"), typed).status_code == 302
    response = client.post(reverse("proposals:create"), {**typed, "title": "Fler papperskorgar"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "error-summary" in html
    assert RateLimited("proposals.too_many_drafts").message in html
    assert 'value="Fler papperskorgar"' in html and "Längs promenadstråket vid sjön." in html
    assert Proposal.objects.filter(author=author).count() == 1


@pytest.mark.django_db(transaction=True)
@override_settings(DELAKTIG_RATE_LIMITS={"proposal_draft": (100, 3600)}, DELAKTIG_MAX_OPEN_DRAFTS=3)
def test_drafts_started_at_the_same_moment_are_counted_one_after_the_other() -> None:
    region = _region()
    author = make_resident(region.municipalities.get())
    errors = run_together(
        [partial(draft, region, author, title=f"Samtidigt {n}") for n in range(8)]
    )
    outcomes = [
        "refused" if getattr(e, "code", None) == "proposals.too_many_open_drafts" else repr(e)
        for e in errors
    ]
    outcomes += ["saved"] * (8 - len(errors))
    assert sorted(outcomes) == ["refused"] * 5 + ["saved"] * 3
    assert Proposal.objects.filter(author=author, status="draft").count() == 3
    # Only the saved drafts used the budget.
    assert budget(author) == 97
