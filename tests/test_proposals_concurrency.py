"""Supports under real concurrency: threads with their own database connections."""

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import close_old_connections, connection

from delaktig.proposals import services
from delaktig.proposals.models import Proposal, Support
from tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    proposal_rules,
    role,
    verified_resident,
)

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(jobs: list[Callable[[], Any]]) -> list[BaseException]:
    """Start every job at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def worker(job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as error:  # noqa: BLE001 - collected and asserted on below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def collecting(threshold: int) -> tuple[Proposal, Any]:
    region = OrganisationFactory()
    municipality = MunicipalityFactory(code="2380")
    region.municipalities.add(municipality)
    proposal_rules(region, threshold_value=threshold, support_period_days=30)
    official = role(UserFactory(), "official", region)
    author = verified_resident(municipality)
    draft = services.proposal_save_draft(
        actor=author, organisation=region, title="T", body="B", author_name="A"
    )
    proposal = services.proposal_submit(actor=author, proposal=draft)
    return services.proposal_publish(actor=official, proposal=proposal), municipality


def test_64_concurrent_supports_give_exactly_64() -> None:
    proposal, municipality = collecting(threshold=1000)
    people = [verified_resident(municipality) for _ in range(64)]
    errors = run_together(
        [
            (lambda person=person: services.support_add(actor=person, proposal=proposal))
            for person in people
        ]
    )
    assert errors == []
    proposal.refresh_from_db()
    assert proposal.support_count == 64 == Support.objects.filter(proposal=proposal).count()


def test_same_person_twice_at_once_counts_once() -> None:
    proposal, municipality = collecting(threshold=1000)
    person = verified_resident(municipality)
    second_account = verified_resident(municipality)
    second_account.verification.identity_hash = person.verification.identity_hash
    second_account.verification.save()
    errors = run_together(
        [
            lambda: services.support_add(actor=person, proposal=proposal),
            lambda: services.support_add(actor=person, proposal=proposal),
            lambda: services.support_add(actor=second_account, proposal=proposal),
        ]
    )
    # Whichever account came first counts; the other account of the same person is told so.
    assert 1 <= len(errors) <= 2, errors
    assert all(getattr(e, "code", None) == "proposals.already_supported" for e in errors), errors
    proposal.refresh_from_db()
    assert proposal.support_count == 1 == Support.objects.filter(proposal=proposal).count()


def test_withdrawal_racing_the_threshold_leaves_a_consistent_state() -> None:
    for _round in range(5):
        proposal, municipality = collecting(threshold=3)
        early = [verified_resident(municipality) for _ in range(2)]
        for person in early:
            services.support_add(actor=person, proposal=proposal)
        last = verified_resident(municipality)
        errors = run_together(
            [
                partial(services.support_add, actor=last, proposal=proposal),
                partial(services.support_withdraw, actor=early[0], proposal=proposal),
            ]
        )
        proposal.refresh_from_db()
        count = Support.objects.filter(proposal=proposal).count()
        assert proposal.support_count == count
        if proposal.status == "lodged":
            # The threshold was reached first; the withdrawal came too late and was refused.
            assert count == 3 and len(errors) == 1
            assert getattr(errors[0], "code", None) == "proposals.support_period_over"
        else:
            # The withdrawal came first; the new support brought it back to two.
            assert proposal.status == "collecting" and count == 2 and errors == []


def test_supports_and_withdrawals_at_once_keep_the_count_exact() -> None:
    """Each write works from a copy of the proposal read before any of them: a count kept
    from what the caller read (read, add one, save) would lose most of them."""
    proposal, municipality = collecting(threshold=1000)
    early = [verified_resident(municipality) for _ in range(12)]
    for person in early:
        services.support_add(actor=person, proposal=proposal)
    late = [verified_resident(municipality) for _ in range(12)]

    def read() -> Proposal:
        return Proposal.objects.select_related("organisation").get(pk=proposal.pk)

    jobs = [partial(services.support_withdraw, actor=p, proposal=read()) for p in early[:8]]
    # The last four of the early ones click again: counted once.
    jobs += [partial(services.support_add, actor=p, proposal=read()) for p in [*late, *early[8:]]]
    errors = run_together(jobs)
    assert errors == []
    proposal.refresh_from_db()
    rows = Support.objects.filter(proposal=proposal).count()
    assert proposal.support_count == rows == 12 - 8 + 12
