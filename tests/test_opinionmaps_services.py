"""Writes to opinion maps: votes, statements, moderation, permissions, recompute, Polis data."""

import csv
import io
import random
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.utils import timezone

from delaktig.core.errors import (
    Conflict,
    NotAllowedInPhase,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from delaktig.core.models import AuditEntry
from delaktig.moderation.models import Decision
from delaktig.opinionmaps import maths, polisdata, selectors, services
from delaktig.opinionmaps.models import (
    STATEMENT_MAX_LENGTH,
    MapResult,
    OpinionMap,
    Participant,
    Statement,
    Vote,
)
from tests import zip_bombs
from tests.factories import ModuleFactory, PhaseFactory, ProcessFactory, UserFactory, role

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "polis"
SEATTLE = DATA / "15-per-hour-seattle"


# --- Helpers (also used by tests/test_opinionmaps_selectors.py) --------------------------


def open_map(
    *,
    phase_type: str = "voting",
    moderation: str = OpinionMap.Moderation.AFTER,
    allow_statements: bool = True,
    **process_kwargs: Any,
) -> OpinionMap:
    """An open process with an opinion map module in a running phase of ``phase_type``."""
    process = ProcessFactory(**process_kwargs)
    module = ModuleFactory(process=process, kind="opinionmap", title="Opinionskarta")
    PhaseFactory(module=module, process=process, phase_type=phase_type, name="Röstning")
    return services.map_configure(
        actor=official_of(process.organisation),
        module=module,
        topic="Kollektivtrafiken i regionen",
        moderation=moderation,
        allow_statements=allow_statements,
    )


def official_of(organisation: Any) -> Any:
    return role(UserFactory(), "official", organisation)


def seed(opinion_map: OpinionMap, texts: list[str]) -> list[Statement]:
    official = official_of(opinion_map.module.process.organisation)
    return [
        services.seed_statement_create(actor=official, opinion_map=opinion_map, text=text)
        for text in texts
    ]


def version(opinion_map: OpinionMap) -> int:
    return OpinionMap.objects.get(pk=opinion_map.pk).version


def planted_blocks(
    opinion_map: OpinionMap, per_block: int = 20, n_statements: int = 12, rng_seed: int = 7
) -> tuple[list[Any], list[Any], list[Statement]]:
    """Two opinion blocks: block A agrees with the first half of the statements and disagrees
    with the second half, block B the opposite; some passes and skipped statements."""
    statements = seed(opinion_map, [f"Påstående nummer {j}" for j in range(1, n_statements + 1)])
    rng = random.Random(rng_seed)
    blocks: tuple[list[Any], list[Any]] = ([], [])
    for block, sign in enumerate((1, -1)):
        for _i in range(per_block):
            user = UserFactory()
            for j, statement in enumerate(statements):
                roll = rng.random()
                if roll < 0.08:
                    continue  # not voted
                value = 0 if roll < 0.16 else sign * (1 if j < n_statements // 2 else -1)
                services.vote_cast(actor=user, statement=statement, value=value)
            blocks[block].append(user)
    return blocks[0], blocks[1], statements


def partition_of(result: MapResult) -> set[frozenset[int]]:
    data = result.data
    return {
        frozenset(p for p, g in zip(data["participants"], data["labels"], strict=True) if g == k)
        for k in range(result.k)
    }


def participant_pks(opinion_map: OpinionMap, users: list[Any]) -> frozenset[int]:
    return frozenset(
        Participant.objects.filter(map=opinion_map, user__in=users).values_list("pk", flat=True)
    )


# --- Votes -----------------------------------------------------------------------------


def test_vote_cast_change_and_same_again() -> None:
    opinion_map = open_map()
    (statement,) = seed(opinion_map, ["Bussarna ska gå oftare"])
    user = UserFactory()
    start = version(opinion_map)

    first = services.vote_cast(actor=user, statement=statement, value=1)
    assert (first.value, Vote.objects.count(), version(opinion_map)) == (1, 1, start + 1)
    participant = Participant.objects.get(map=opinion_map, user=user)
    assert first.participant == participant and participant.number == 1

    again = services.vote_cast(actor=user, statement=statement, value=1)  # a double click
    assert again.pk == first.pk and Vote.objects.count() == 1
    assert version(opinion_map) == start + 1

    changed = services.vote_cast(actor=user, statement=statement, value=-1)
    assert changed.pk == first.pk and Vote.objects.get().value == -1
    assert version(opinion_map) == start + 2
    assert changed.updated >= first.created

    services.vote_cast(actor=user, statement=statement, value=0)
    assert Vote.objects.get().value == 0 and version(opinion_map) == start + 3
    assert Participant.objects.filter(map=opinion_map).count() == 1


def test_invalid_vote_value_is_refused() -> None:
    opinion_map = open_map()
    (statement,) = seed(opinion_map, ["Bussarna ska gå oftare"])
    for value in (2, -2, 5):
        with pytest.raises(ValidationFailed):
            services.vote_cast(actor=UserFactory(), statement=statement, value=value)
    assert not Vote.objects.exists()


def test_second_voter_gets_the_next_number() -> None:
    opinion_map = open_map()
    (statement,) = seed(opinion_map, ["Bussarna ska gå oftare"])
    users = [UserFactory() for _ in range(3)]
    for user in users:
        services.vote_cast(actor=user, statement=statement, value=1)
    numbers = [Participant.objects.get(map=opinion_map, user=u).number for u in users]
    assert numbers == [1, 2, 3]
    # Numbers are per map: another map starts again from one.
    other = open_map()
    (elsewhere,) = seed(other, ["Tågen ska gå oftare"])
    services.vote_cast(actor=users[2], statement=elsewhere, value=1)
    assert Participant.objects.get(map=other, user=users[2]).number == 1


def test_voting_on_pending_or_rejected_statement_is_refused() -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.BEFORE)
    writer = UserFactory()
    pending = services.statement_create(
        actor=writer, opinion_map=opinion_map, text="Fler cykelbanor"
    )
    assert pending.status == Statement.Status.PENDING
    with pytest.raises(ValidationFailed):
        services.vote_cast(actor=UserFactory(), statement=pending, value=1)
    moderator = role(UserFactory(), "moderator", opinion_map.module.process.organisation)
    rejected = services.statement_moderate(
        actor=moderator, statement=pending, publish=False, rule="off_topic", reason="Nej"
    )
    with pytest.raises(ValidationFailed):
        services.vote_cast(actor=UserFactory(), statement=rejected, value=1)
    assert not Vote.objects.exists()


def test_vote_on_another_maps_statement_counts_there_only_and_follows_its_phase() -> None:
    here = open_map()
    (mine,) = seed(here, ["Bussarna ska gå oftare"])
    closed_elsewhere = open_map(phase_type="results")
    (theirs,) = seed(closed_elsewhere, ["Tågen ska gå oftare"])
    user = UserFactory()
    # The other map is in its results phase: its statement takes no votes, whatever map the
    # voter came from.
    with pytest.raises(NotAllowedInPhase):
        services.vote_cast(actor=user, statement=theirs, value=1)
    services.vote_cast(actor=user, statement=mine, value=1)
    open_elsewhere = open_map()
    (third,) = seed(open_elsewhere, ["Spårvagnen ska byggas"])
    services.vote_cast(actor=user, statement=third, value=-1)
    assert selectors.vote_matrix(opinion_map=here).statement_ids == [mine.pk]
    assert selectors.vote_matrix(opinion_map=here).seen.nnz == 1
    assert selectors.vote_matrix(opinion_map=open_elsewhere).statement_ids == [third.pk]
    assert Participant.objects.filter(user=user).count() == 2
    assert not Participant.objects.filter(map=closed_elsewhere).exists()


def test_vote_not_allowed_outside_the_phase() -> None:
    in_results = open_map(phase_type="results")
    (statement,) = seed(in_results, ["Bussarna ska gå oftare"])
    with pytest.raises(NotAllowedInPhase):
        services.vote_cast(actor=UserFactory(), statement=statement, value=1)

    running = open_map()
    (statement,) = seed(running, ["Bussarna ska gå oftare"])
    phase = running.module.phases.get()
    phase.starts_at = timezone.now() + timedelta(days=1)
    phase.ends_at = timezone.now() + timedelta(days=2)
    phase.save()
    with pytest.raises(NotAllowedInPhase):
        services.vote_cast(actor=UserFactory(), statement=statement, value=1)

    closed = open_map(status="closed")
    (statement,) = seed(closed, ["Bussarna ska gå oftare"])
    with pytest.raises(NotAllowedInPhase):
        services.vote_cast(actor=UserFactory(), statement=statement, value=1)
    assert not Vote.objects.exists() and not Participant.objects.exists()


def test_voting_only_phase_allows_votes_but_not_statements() -> None:
    opinion_map = open_map(phase_type="voting_only")
    (statement,) = seed(opinion_map, ["Bussarna ska gå oftare"])
    user = UserFactory()
    services.vote_cast(actor=user, statement=statement, value=1)
    with pytest.raises(NotAllowedInPhase):
        services.statement_create(actor=user, opinion_map=opinion_map, text="Fler cykelbanor")
    assert Statement.objects.count() == 1


def test_anonymous_and_inactive_users_are_refused() -> None:
    opinion_map = open_map()
    (statement,) = seed(opinion_map, ["Bussarna ska gå oftare"])
    inactive = UserFactory(is_active=False)
    for user in (AnonymousUser(), inactive):
        with pytest.raises(PermissionDenied):
            services.vote_cast(actor=user, statement=statement, value=1)
        with pytest.raises(PermissionDenied):
            services.statement_create(actor=user, opinion_map=opinion_map, text="Fler cykelbanor")
    assert not Vote.objects.exists() and not Participant.objects.exists()


# --- Statements ------------------------------------------------------------------------


def test_add_statement_with_moderation_before_is_pending_without_vote() -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.BEFORE)
    start = version(opinion_map)
    user = UserFactory()
    statement = services.statement_create(
        actor=user, opinion_map=opinion_map, text="  Fler   cykelbanor  i centrum "
    )
    assert statement.status == Statement.Status.PENDING
    assert statement.text == "Fler cykelbanor i centrum"
    assert statement.author == Participant.objects.get(map=opinion_map, user=user)
    assert statement.number == 1 and not statement.is_seed
    assert not Vote.objects.exists()
    assert version(opinion_map) == start  # nothing the maths reads has changed


def test_add_statement_with_moderation_after_is_published_with_authors_agree() -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.AFTER)
    seed(opinion_map, ["Bussarna ska gå oftare"])
    start = version(opinion_map)
    user = UserFactory()
    statement = services.statement_create(
        actor=user, opinion_map=opinion_map, text="Fler cykelbanor"
    )
    assert statement.status == Statement.Status.PUBLISHED and statement.number == 2
    vote = Vote.objects.get(statement=statement)
    assert vote.value == 1 and vote.participant.user == user
    assert version(opinion_map) == start + 1
    assert statement.pk in selectors.vote_matrix(opinion_map=opinion_map).statement_ids


def test_statements_refused_when_the_map_does_not_allow_them() -> None:
    opinion_map = open_map(allow_statements=False)
    with pytest.raises(PermissionDenied):
        services.statement_create(
            actor=UserFactory(), opinion_map=opinion_map, text="Fler cykelbanor"
        )
    assert not Statement.objects.exists()


def test_duplicate_statement_refused_whatever_case_space_and_full_stop() -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.BEFORE)
    seed(opinion_map, ["Bussarna ska gå oftare"])
    services.statement_create(actor=UserFactory(), opinion_map=opinion_map, text="Fler cykelbanor")
    for text in (
        "bussarna SKA gå oftare",
        "  Bussarna   ska\tgå oftare.  ",
        "BUSSARNA SKA GÅ OFTARE!",
        "fler  cykelbanor",  # a pending statement counts too
    ):
        with pytest.raises(ValidationFailed):
            services.statement_create(actor=UserFactory(), opinion_map=opinion_map, text=text)
    official = official_of(opinion_map.module.process.organisation)
    with pytest.raises(ValidationFailed):
        services.seed_statement_create(
            actor=official, opinion_map=opinion_map, text="Fler Cykelbanor."
        )
    assert Statement.objects.filter(map=opinion_map).count() == 2
    # The same text in another map is fine.
    other = open_map()
    services.statement_create(actor=UserFactory(), opinion_map=other, text="Fler cykelbanor")


def test_too_long_or_empty_statement_refused() -> None:
    opinion_map = open_map()
    user = UserFactory()
    with pytest.raises(ValidationFailed):
        services.statement_create(
            actor=user, opinion_map=opinion_map, text="a" * (STATEMENT_MAX_LENGTH + 1)
        )
    with pytest.raises(ValidationFailed):
        services.statement_create(actor=user, opinion_map=opinion_map, text=" \n\t ")
    official = official_of(opinion_map.module.process.organisation)
    with pytest.raises(ValidationFailed):
        services.seed_statement_create(
            actor=official, opinion_map=opinion_map, text="b" * (STATEMENT_MAX_LENGTH + 1)
        )
    assert not Statement.objects.exists()
    exact = services.statement_create(
        actor=user, opinion_map=opinion_map, text="c" * STATEMENT_MAX_LENGTH
    )
    assert len(exact.text) == STATEMENT_MAX_LENGTH


@override_settings(DELAKTIG_COMMENT_RATE=(3, 60))
def test_statement_rate_limit_per_participant(time_machine: Any) -> None:
    opinion_map = open_map()
    author = UserFactory()
    for n in range(3):
        services.statement_create(actor=author, opinion_map=opinion_map, text=f"Förslag nummer {n}")
    with pytest.raises(RateLimited):
        services.statement_create(actor=author, opinion_map=opinion_map, text="Ett förslag till")
    services.statement_create(actor=UserFactory(), opinion_map=opinion_map, text="Någon annans")
    assert Statement.objects.filter(author__user=author).count() == 3
    time_machine.move_to(timezone.now() + timedelta(seconds=61))
    services.statement_create(actor=author, opinion_map=opinion_map, text="Ett förslag till")


# --- Moderation and permissions --------------------------------------------------------


def test_moderate_publish_adds_the_authors_agree_vote() -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.BEFORE)
    author = UserFactory()
    statement = services.statement_create(actor=author, opinion_map=opinion_map, text="Fler bussar")
    moderator = role(UserFactory(), "moderator", opinion_map.module.process.organisation)
    start = version(opinion_map)
    published = services.statement_moderate(actor=moderator, statement=statement, publish=True)
    assert published.status == Statement.Status.PUBLISHED
    assert published.moderated_by == moderator and published.moderated_at is not None
    vote = Vote.objects.get(statement=statement)
    assert vote.value == 1 and vote.participant.user == author
    assert version(opinion_map) == start + 1
    assert AuditEntry.objects.filter(action="opinionmap.publish", actor=moderator).exists()
    # Publishing again does not add a second vote.
    services.statement_moderate(actor=moderator, statement=statement, publish=True)
    assert Vote.objects.filter(statement=statement).count() == 1


def test_moderate_reject_needs_a_rule_and_a_reason_and_is_a_moderation_decision() -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.BEFORE)
    statement = services.statement_create(
        actor=UserFactory(), opinion_map=opinion_map, text="Fler bussar"
    )
    official = official_of(opinion_map.module.process.organisation)
    refusals = [
        ("off_topic", "", "reason"),
        ("off_topic", "   ", "reason"),
        ("", "Skäl", "rule"),
        ("nej", "Skäl", "rule"),
    ]
    for rule, reason, field in refusals:
        with pytest.raises(ValidationFailed) as refused:
            services.statement_moderate(
                actor=official, statement=statement, publish=False, rule=rule, reason=reason
            )
        assert refused.value.field == field
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PENDING
    assert not Decision.objects.exists()
    start = version(opinion_map)
    rejected = services.statement_moderate(
        actor=official,
        statement=statement,
        publish=False,
        rule="harassment",
        reason="  Personangrepp ",
    )
    assert rejected.status == Statement.Status.REJECTED
    assert rejected.rejection_reason == "Personangrepp"
    assert rejected.moderated_by == official
    assert version(opinion_map) == start + 1
    [decision] = Decision.objects.filter(kind=services.STATEMENT, object_id=statement.pk)
    assert decision.action == "rejected" and decision.rule == "harassment"
    assert decision.reason == "Personangrepp" and decision.decided_by == official
    assert decision.author == statement.author.user
    assert AuditEntry.objects.filter(action="moderation.rejected").exists()


def test_rejecting_a_published_statement_removes_it_from_the_maths() -> None:
    opinion_map = open_map()
    first, second = seed(opinion_map, ["Bussarna ska gå oftare", "Tågen ska gå oftare"])
    user = UserFactory()
    services.vote_cast(actor=user, statement=first, value=1)
    services.vote_cast(actor=user, statement=second, value=-1)
    assert selectors.vote_matrix(opinion_map=opinion_map).seen.nnz == 2
    official = official_of(opinion_map.module.process.organisation)
    services.statement_moderate(
        actor=official, statement=second, publish=False, rule="off_topic", reason="Utanför ämnet"
    )
    matrix = selectors.vote_matrix(opinion_map=opinion_map)
    assert matrix.statement_ids == [first.pk]
    assert matrix.values.toarray().tolist() == [[1.0]]
    assert Vote.objects.count() == 2  # the vote is kept, only left out of the maths


def test_permissions_for_resident_moderator_and_official() -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.BEFORE)
    module = opinion_map.module
    organisation = module.process.organisation
    statement = services.statement_create(
        actor=UserFactory(), opinion_map=opinion_map, text="Fler bussar"
    )
    conversation = polisdata.read_export(SEATTLE)
    resident = UserFactory()
    moderator = role(UserFactory(), "moderator", organisation)
    official = official_of(organisation)
    foreign_official = official_of(ProcessFactory().organisation)

    for actor in (resident, moderator, foreign_official):
        with pytest.raises(PermissionDenied):
            services.map_configure(actor=actor, module=module, topic="Något annat")
        with pytest.raises(PermissionDenied):
            services.seed_statement_create(actor=actor, opinion_map=opinion_map, text="Frö")
        with pytest.raises(PermissionDenied):
            services.polis_import(
                actor=actor,
                opinion_map=opinion_map,
                conversation=conversation,
                source="x",
                attribution="y",
            )
    for actor in (resident, foreign_official):
        with pytest.raises(PermissionDenied):
            services.statement_moderate(actor=actor, statement=statement, publish=True)
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PENDING
    opinion_map.refresh_from_db()
    assert opinion_map.topic == "Kollektivtrafiken i regionen"
    assert Statement.objects.count() == 1 and Participant.objects.count() == 1

    assert services.statement_moderate(
        actor=moderator, statement=statement, publish=True
    ).status == (Statement.Status.PUBLISHED)
    changed = services.map_configure(actor=official, module=module, topic="Nytt ämne")
    assert changed.pk == opinion_map.pk and changed.topic == "Nytt ämne"
    assert OpinionMap.objects.count() == 1


def test_configure_validates_fields() -> None:
    opinion_map = open_map()
    official = official_of(opinion_map.module.process.organisation)
    with pytest.raises(ValidationFailed):
        services.map_configure(actor=official, module=opinion_map.module, topic="   ")
    with pytest.raises(TypeError, match="seed"):
        services.map_configure(  # type: ignore[call-arg]
            actor=official, module=opinion_map.module, seed=3
        )
    services.map_configure(
        actor=official, module=opinion_map.module, results_public=False, allow_statements=False
    )
    opinion_map.refresh_from_db()
    assert not opinion_map.results_public and not opinion_map.allow_statements
    assert opinion_map.topic == "Kollektivtrafiken i regionen"


# --- Recompute -------------------------------------------------------------------------


def test_recompute_finds_the_planted_blocks_and_is_stable() -> None:
    opinion_map = open_map()
    block_a, block_b, statements = planted_blocks(opinion_map)
    result = services.map_recompute(opinion_map_id=opinion_map.pk)
    expected = {participant_pks(opinion_map, block_a), participant_pks(opinion_map, block_b)}
    assert result.k == 2
    assert partition_of(result) == expected
    assert result.version == version(opinion_map)
    assert result.n_participants == 40 == result.n_grouped
    assert result.n_statements == 12
    assert result.n_votes == Vote.objects.filter(statement__map=opinion_map).count()
    assert sorted(int(s) for s in result.data["statement_ids"]) == [s.pk for s in statements]
    # Every group has representative statements, each from the group's side.
    for g, reps in enumerate(result.data["repness"]):
        assert reps
        members = {
            p
            for p, lab in zip(result.data["participants"], result.data["labels"], strict=True)
            if lab == g
        }
        block_sign = 1 if members == participant_pks(opinion_map, block_a) else -1
        first_half = {s.pk for s in statements[:6]}
        for rep in reps:
            stance = block_sign * (1 if rep["statement"] in first_half else -1)
            assert rep["direction"] == ("agree" if stance > 0 else "disagree")

    again = services.map_recompute(
        opinion_map_id=opinion_map.pk
    )  # warm start from the stored result
    assert MapResult.objects.count() == 1 and again.pk == result.pk
    assert again.data["labels"] == result.data["labels"]
    assert partition_of(again) == expected

    MapResult.objects.all().delete()
    cold = services.map_recompute(opinion_map_id=opinion_map.pk)
    assert cold.data["labels"] == result.data["labels"]


def test_recompute_of_an_empty_or_tiny_map_stores_a_result_without_groups() -> None:
    opinion_map = open_map()
    empty = services.map_recompute(opinion_map_id=opinion_map.pk)
    assert (empty.k, empty.n_participants, empty.n_statements, empty.n_votes) == (0, 0, 0, 0)
    (statement,) = seed(opinion_map, ["Bussarna ska gå oftare"])
    services.vote_cast(actor=UserFactory(), statement=statement, value=1)
    tiny = services.map_recompute(opinion_map_id=opinion_map.pk)
    assert (tiny.k, tiny.n_participants, tiny.n_statements, tiny.n_votes) == (0, 1, 1, 1)
    assert tiny.data["labels"] == [-1]


def test_recompute_leaves_out_pending_statements_and_votes_on_them() -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.BEFORE)
    (published,) = seed(opinion_map, ["Bussarna ska gå oftare"])
    pending = services.statement_create(
        actor=UserFactory(), opinion_map=opinion_map, text="Fler cykelbanor"
    )
    services.vote_cast(actor=UserFactory(), statement=published, value=-1)
    result = services.map_recompute(opinion_map_id=opinion_map.pk)
    assert [int(s) for s in result.data["statement_ids"]] == [published.pk]
    assert str(pending.pk) not in result.data["statements"]
    assert result.data["statements"][str(published.pk)]["all"] == [0, 1, 1]


def test_an_older_run_never_overwrites_a_newer_result(monkeypatch: pytest.MonkeyPatch) -> None:
    opinion_map = open_map()
    block_a, _block_b, statements = planted_blocks(opinion_map)
    real_analyze = maths.analyze
    late_voter = UserFactory()
    calls: list[int] = []

    def analyze_while_votes_arrive(votes: maths.VoteMatrix, **kwargs: Any) -> maths.Result:
        calls.append(votes.seen.nnz)
        if len(calls) == 1:
            # While this (older) run computes, a vote arrives and a newer run finishes first.
            services.vote_cast(actor=late_voter, statement=statements[0], value=1)
            newer = services.map_recompute(opinion_map_id=opinion_map.pk)
            assert newer.version == version(opinion_map)
        return real_analyze(votes, **kwargs)

    monkeypatch.setattr(maths, "analyze", analyze_while_votes_arrive)
    before = version(opinion_map)
    returned = services.map_recompute(opinion_map_id=opinion_map.pk)
    stored = MapResult.objects.get(map=opinion_map)
    assert len(calls) == 2 and calls[1] == calls[0] + 1
    assert stored.version == before + 1 == version(opinion_map)
    assert stored.n_votes == calls[1]  # the newer run's votes, not the older one's
    assert returned.pk == stored.pk and returned.version == stored.version
    late = Participant.objects.get(map=opinion_map, user=late_voter).pk
    assert late in stored.data["participants"]

    # And a run that read the same or a newer version does replace the stored result.
    monkeypatch.setattr(maths, "analyze", real_analyze)
    services.vote_cast(actor=block_a[0], statement=statements[1], value=-1)
    newest = services.map_recompute(opinion_map_id=opinion_map.pk)
    assert newest.version == version(opinion_map) == stored.version + 1


def test_request_recompute_is_debounced(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    opinion_map = open_map()
    first, second = seed(opinion_map, ["Bussarna ska gå oftare", "Tågen ska gå oftare"])
    OpinionMap.objects.filter(pk=opinion_map.pk).update(recompute_pending=False)
    runs: list[int] = []
    real_recompute = services.map_recompute

    def counting(*, opinion_map_id: int) -> MapResult:
        runs.append(opinion_map_id)
        return real_recompute(opinion_map_id=opinion_map_id)

    monkeypatch.setattr(services, "map_recompute", counting)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.vote_cast(actor=UserFactory(), statement=first, value=1)
        assert OpinionMap.objects.get(pk=opinion_map.pk).recompute_pending
        assert services.recompute_request(opinion_map=opinion_map) is False
        for _ in range(5):  # votes while a recompute is pending join it
            services.vote_cast(actor=UserFactory(), statement=second, value=-1)
        assert runs == []  # nothing runs before the commit
    assert len(callbacks) == 1
    assert runs == [opinion_map.pk]
    opinion_map.refresh_from_db()
    assert not opinion_map.recompute_pending  # cleared by the task
    result = MapResult.objects.get(map=opinion_map)
    assert result.version == opinion_map.version and result.n_votes == 6

    # Once the task has run, the next vote queues the next run.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.vote_cast(actor=UserFactory(), statement=first, value=0)
    assert len(callbacks) == 1 and runs == [opinion_map.pk] * 2
    assert MapResult.objects.get(map=opinion_map).n_votes == 7


def test_a_vote_while_the_task_computes_queues_the_next_run(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    opinion_map = open_map()
    (statement,) = seed(opinion_map, ["Bussarna ska gå oftare"])
    OpinionMap.objects.filter(pk=opinion_map.pk).update(recompute_pending=True)
    real_analyze = maths.analyze
    queued: list[bool] = []

    def analyze(votes: maths.VoteMatrix, **kwargs: Any) -> maths.Result:
        if not queued:
            queued.append(services.recompute_request(opinion_map=opinion_map))
        return real_analyze(votes, **kwargs)

    monkeypatch.setattr(maths, "analyze", analyze)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.map_recompute(opinion_map_id=opinion_map.pk)
    assert queued == [True] and len(callbacks) == 1
    assert OpinionMap.objects.get(pk=opinion_map.pk).recompute_pending
    assert statement.pk in {int(s) for s in MapResult.objects.get().data["statement_ids"]}


def test_recompute_task_for_a_deleted_map_does_nothing() -> None:
    from delaktig.opinionmaps.tasks import recompute_map

    opinion_map = open_map()
    pk = opinion_map.pk
    opinion_map.delete()
    assert recompute_map.call(pk) == -1
    assert not MapResult.objects.exists()


# --- Polis open data -------------------------------------------------------------------


def seattle_files() -> dict[str, bytes]:
    return {name: (SEATTLE / name).read_bytes() for name in services.POLIS_FILES}


def zipped(files: dict[str, bytes], folder: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(folder + name, content)
    return out.getvalue()


def assert_same_conversation(got: polisdata.Conversation, want: polisdata.Conversation) -> None:
    assert got.participant_ids == want.participant_ids
    assert got.statement_ids == want.statement_ids
    assert got.votes.seen.nnz == want.votes.seen.nnz
    assert (got.votes.values != want.votes.values).nnz == 0
    assert (got.votes.seen != want.votes.seen).nnz == 0
    assert got.comments.keys() == want.comments.keys()


@pytest.mark.parametrize("as_zip", [False, True], ids=["three-files", "zip"])
def test_read_upload_as_files_or_zip(as_zip: bool) -> None:
    files = seattle_files()
    upload = {"export.ZIP": zipped(files, "polis-export/")} if as_zip else files
    conversation = services.polis_upload_read(files=upload)
    assert_same_conversation(conversation, polisdata.read_export(SEATTLE))
    assert conversation.polis_groups == polisdata.read_export(SEATTLE).polis_groups


def test_read_upload_ignores_other_files_and_works_without_participants_votes() -> None:
    files = seattle_files()
    del files["participants-votes.csv"]
    files["readme.txt"] = b"hej"
    conversation = services.polis_upload_read(files=files)
    assert conversation.votes.seen.nnz == polisdata.read_export(SEATTLE).votes.seen.nnz
    assert conversation.polis_groups == {}


@pytest.mark.parametrize(
    "upload",
    [
        {"export.zip": b"this is not a zip file"},
        {"export.zip": zipped({"notes.txt": b"hej"})},
        {"votes.csv": (SEATTLE / "votes.csv").read_bytes()},  # comments.csv missing
        {"votes.csv": b"a,b,c\n1,2,3\n", "comments.csv": b"comment-id,moderated\n"},
        {
            "votes.csv": b"timestamp,datetime,comment-id,voter-id,vote\nnoon,x,1,1,1\n",
            "comments.csv": b"comment-id,moderated\n1,1\n",
        },
        {
            "votes.csv": "timestamp,comment-id,voter-id,vote\n".encode("utf-16"),
            "comments.csv": b"comment-id,moderated\n1,1\n",
        },
        {
            "votes.csv": b"timestamp,datetime,comment-id,voter-id,vote\n1,x,1,1,2\n",
            "comments.csv": b"comment-id,moderated\n1,1\n",
        },
        {
            "votes.csv": b"timestamp,datetime,comment-id,voter-id,vote\n1,x,1,1,1\n",
            "comments.csv": b"comment-id,moderated\n1,ja\n",
        },
        {},
    ],
    ids=[
        "not-zip",
        "zip-without-csv",
        "missing",
        "columns",
        "bad-number",
        "encoding",
        "bad-vote",
        "bad-moderated",
        "empty",
    ],
)
def test_broken_upload_is_not_a_polis_export(upload: dict[str, bytes]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.polis_upload_read(files=upload)
    assert (refused.value.code, refused.value.status) == ("opinionmaps.not_a_polis_export", 400)
    assert refused.value.message.startswith("Filerna är inte en export från Polis.")


def imported_seattle(*, as_zip: bool = False) -> tuple[OpinionMap, polisdata.Conversation, Any]:
    opinion_map = open_map()
    official = official_of(opinion_map.module.process.organisation)
    files = seattle_files()
    conversation = services.polis_upload_read(
        files={"polis.zip": zipped(files)} if as_zip else files
    )
    counts = services.polis_import(
        actor=official,
        opinion_map=opinion_map,
        conversation=conversation,
        source="Polis: 15 per hour Seattle",
        attribution="CC BY 4.0, The Computational Democracy Project",
    )
    return opinion_map, conversation, counts


@pytest.mark.parametrize("as_zip", [False, True], ids=["three-files", "zip"])
def test_import_polis_counts_match_the_export(as_zip: bool) -> None:
    opinion_map, _conversation, counts = imported_seattle(as_zip=as_zip)
    reference = polisdata.read_export(SEATTLE)
    assert counts == {
        "participants": len(reference.participant_ids),
        "statements": len(reference.statement_ids),
        "votes": reference.votes.seen.nnz,
        "pending": 0,  # the map shows new statements at once: so it shows those Polis had not
        "without_text": 0,  # moderated (one) too
    }
    assert Participant.objects.filter(map=opinion_map).count() == counts["participants"]
    assert Statement.objects.filter(map=opinion_map).count() == counts["statements"]
    assert Vote.objects.filter(statement__map=opinion_map).count() == counts["votes"]
    rejected = Statement.objects.filter(map=opinion_map, status=Statement.Status.REJECTED)
    assert {int(s.external_id) for s in rejected} == reference.moderated_out()
    assert all(s.rejection_reason == services.REJECTED_IN_POLIS for s in rejected)
    # Polis' own ids are the map's numbers.
    assert sorted(
        Participant.objects.filter(map=opinion_map).values_list("number", flat=True)
    ) == sorted(int(p) for p in reference.participant_ids)
    for statement in Statement.objects.filter(map=opinion_map):
        comment = reference.comments[int(statement.external_id)]
        assert statement.number == comment.id
        assert statement.text == comment.text[:STATEMENT_MAX_LENGTH]
        author = statement.author.external_id if statement.author else None
        assert author == (None if comment.author_id is None else str(comment.author_id))
    # The votes themselves: each cell with its value and Polis' timestamps, the first vote
    # (created) and the latest (updated).
    cells = {
        (int(p), int(s)): (v, first, last)
        for p, s, v, first, last in Vote.objects.filter(statement__map=opinion_map).values_list(
            "participant__external_id", "statement__external_id", "value", "created", "updated"
        )
    }
    pids, sids = reference.participant_ids, reference.statement_ids
    assert reference.first_timestamps is not None
    revoted = 0
    for (i, j, v), ms, first_ms in zip(
        reference.vote_cells.tolist(),
        reference.vote_timestamps.tolist(),
        reference.first_timestamps.tolist(),
        strict=True,
    ):
        value, first, last = cells[(int(pids[i]), int(sids[j]))]
        assert value == v
        assert abs(last.timestamp() * 1000 - ms) < 1
        assert abs(first.timestamp() * 1000 - first_ms) < 1
        revoted += first_ms < ms
    assert revoted  # the export has changed votes, whose first and latest times differ
    opinion_map.refresh_from_db()
    assert opinion_map.source == "Polis: 15 per hour Seattle"
    assert opinion_map.version == 1
    assert AuditEntry.objects.filter(action="opinionmap.import").exists()


@pytest.mark.parametrize("moderation", list(OpinionMap.Moderation))
def test_import_keeps_unreviewed_statements_from_being_shown(moderation: str) -> None:
    """A comment Polis had not moderated waits for review in a map that reviews statements
    before they are shown; one whose text the export left out (ours leaves out what was not
    published) can never be shown, and arrives rejected."""
    files = seattle_files()
    rows = list(csv.DictReader(io.StringIO(files["comments.csv"].decode())))
    fields = list(rows[0])
    by_id = {row["comment-id"]: row for row in rows}
    assert by_id["53"]["moderated"] == "0" and by_id["53"]["comment-body"]
    by_id["48"].update({"moderated": "0", "comment-body": ""})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    files["comments.csv"] = out.getvalue().encode()
    opinion_map = open_map(moderation=moderation)
    counts = services.polis_import(
        actor=official_of(opinion_map.module.process.organisation),
        opinion_map=opinion_map,
        conversation=services.polis_upload_read(files=files),
        source="Polis",
        attribution="CC BY 4.0",
    )
    reviewed_first = moderation == OpinionMap.Moderation.BEFORE
    assert (counts["pending"], counts["without_text"]) == (int(reviewed_first), 1)
    unreviewed = Statement.objects.get(map=opinion_map, external_id="53")
    assert unreviewed.status == (
        Statement.Status.PENDING if reviewed_first else Statement.Status.PUBLISHED
    )
    assert (unreviewed.moderated_at is None) == reviewed_first
    blank = Statement.objects.get(map=opinion_map, external_id="48")
    assert (blank.status, blank.rejection_reason) == (
        Statement.Status.REJECTED,
        services.REJECTED_WITHOUT_TEXT,
    )
    published = Statement.objects.filter(map=opinion_map, status=Statement.Status.PUBLISHED)
    assert not published.filter(text="–").exists()


def test_import_into_a_non_empty_map_is_refused() -> None:
    opinion_map, conversation, _counts = imported_seattle()
    official = official_of(opinion_map.module.process.organisation)
    with pytest.raises(Conflict, match="opinionmaps.map_not_empty"):
        services.polis_import(
            actor=official,
            opinion_map=opinion_map,
            conversation=conversation,
            source="igen",
            attribution="",
        )
    other = open_map()
    seed(other, ["Bussarna ska gå oftare"])
    with pytest.raises(Conflict, match="opinionmaps.map_not_empty"):
        services.polis_import(
            actor=official_of(other.module.process.organisation),
            opinion_map=other,
            conversation=conversation,
            source="x",
            attribution="",
        )
    assert Statement.objects.filter(map=other).count() == 1
    voted_only = open_map()
    services.participant_get_or_create(opinion_map=voted_only, user=UserFactory())
    with pytest.raises(Conflict, match="opinionmaps.map_not_empty"):
        services.polis_import(
            actor=official_of(voted_only.module.process.organisation),
            opinion_map=voted_only,
            conversation=conversation,
            source="x",
            attribution="",
        )


def test_groups_after_import_match_the_maths_on_the_export() -> None:
    opinion_map, conversation, _counts = imported_seattle()
    result = services.map_recompute(opinion_map_id=opinion_map.pk)
    direct = maths.analyze(
        conversation.vote_matrix(), seed=opinion_map.seed, history=conversation.vote_history()
    )
    external = dict(Participant.objects.filter(map=opinion_map).values_list("pk", "external_id"))
    assert result.n_grouped == int((direct.labels >= 0).sum())
    assert result.k == direct.k >= 2
    stored = {
        frozenset(
            external[p]
            for p, g in zip(result.data["participants"], result.data["labels"], strict=True)
            if g == k
        )
        for k in range(result.k)
    }
    assert stored == {frozenset(str(p) for p in group) for group in direct.groups}
    assert result.n_statements == len(conversation.vote_matrix().statement_ids)
    assert result.n_votes == conversation.vote_matrix().seen.nnz


def test_export_polis_round_trips_votes_and_comments(tmp_path: Path) -> None:
    opinion_map, conversation, _counts = imported_seattle()
    services.map_recompute(opinion_map_id=opinion_map.pk)
    archive = zipfile.ZipFile(io.BytesIO(selectors.polis_export(opinion_map=opinion_map)))
    assert sorted(archive.namelist()) == sorted(services.POLIS_FILES)
    archive.extractall(tmp_path)
    again = polisdata.read_export(tmp_path)
    assert_same_conversation(again, conversation)
    assert again.n_vote_rows == conversation.votes.seen.nnz  # one row per cell
    assert sorted(again.vote_timestamps.tolist()) == sorted(conversation.vote_timestamps.tolist())
    for cid, comment in conversation.comments.items():
        out = again.comments[cid]
        assert out.author_id == comment.author_id
        assert (out.moderated == polisdata.MODERATED_OUT) == (
            comment.moderated == polisdata.MODERATED_OUT
        )
        if comment.moderated != polisdata.MODERATED_OUT:
            assert out.text == comment.text[:STATEMENT_MAX_LENGTH]
        else:
            assert out.text == ""  # rejected text is not published again
    # The groups of the stored result go along, by participant number.
    result = MapResult.objects.get(map=opinion_map)
    number = dict(Participant.objects.filter(map=opinion_map).values_list("pk", "number"))
    assert again.polis_groups == {
        number[p]: g
        for p, g in zip(result.data["participants"], result.data["labels"], strict=True)
        if g >= 0
    }
    # A map exported and imported again gives the same maths.
    copy = open_map()
    services.polis_import(
        actor=official_of(copy.module.process.organisation),
        opinion_map=copy,
        conversation=services.polis_upload_read(
            files={"copy.zip": selectors.polis_export(opinion_map=opinion_map)}
        ),
        source="kopia",
        attribution="",
    )
    assert services.map_recompute(opinion_map_id=copy.pk).data["labels"] == result.data["labels"]


def test_export_of_a_live_map_uses_its_own_numbers(tmp_path: Path) -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.BEFORE)
    first, second = seed(opinion_map, ["Bussarna ska gå oftare", "Tågen ska gå oftare"])
    voters = [UserFactory() for _ in range(3)]
    for n, user in enumerate(voters):
        services.vote_cast(actor=user, statement=first, value=1 - n)
    services.vote_cast(actor=voters[0], statement=second, value=-1)
    pending = services.statement_create(
        actor=voters[1], opinion_map=opinion_map, text="Fler bussar"
    )
    zipfile.ZipFile(io.BytesIO(selectors.polis_export(opinion_map=opinion_map))).extractall(
        tmp_path
    )
    again = polisdata.read_export(tmp_path)
    assert again.participant_ids == [1, 2, 3]
    assert again.statement_ids == [1, 2, 3]
    dense = np.full((3, 3), np.nan)
    for p, s, v in again.vote_cells.tolist():
        dense[p, s] = v
    np.testing.assert_array_equal(
        dense, [[1, -1, np.nan], [0, np.nan, np.nan], [-1, np.nan, np.nan]]
    )
    assert again.comments[pending.number].moderated == 0
    assert again.comments[pending.number].author_id == 2
    assert again.comments[pending.number].text == ""  # not published yet
    assert again.comments[1].text == "Bussarna ska gå oftare"
    assert again.polis_groups == {}


# --- Concurrency -----------------------------------------------------------------------


def run_together(jobs: list[Callable[[], Any]]) -> list[BaseException]:
    """Start every job at the same moment, each in its own thread and connection."""
    import threading

    from django.db import close_old_connections, connection

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


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_and_participants() -> None:
    opinion_map = open_map()
    (statement,) = seed(opinion_map, ["Bussarna ska gå oftare"])
    OpinionMap.objects.filter(pk=opinion_map.pk).update(recompute_pending=False)

    # The same person four times at once (a quadruple click): one participant, one vote.
    person = UserFactory()
    errors = run_together(
        [
            (lambda value=value: services.vote_cast(actor=person, statement=statement, value=value))
            for value in (1, -1, 0, 1)
        ]
    )
    assert errors == []
    assert Participant.objects.filter(map=opinion_map, user=person).count() == 1
    assert Vote.objects.filter(statement=statement).count() == 1

    # Four people at once: four participants with distinct numbers, four votes.
    people = [UserFactory() for _ in range(4)]
    errors = run_together(
        [
            (lambda user=user: services.vote_cast(actor=user, statement=statement, value=1))
            for user in people
        ]
    )
    assert errors == []
    numbers = sorted(Participant.objects.filter(map=opinion_map).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5]
    assert Vote.objects.filter(statement=statement).count() == 5
    opinion_map.refresh_from_db()
    # Every committed change was recomputed in the end: the stored result is not behind.
    assert not opinion_map.recompute_pending
    result = MapResult.objects.get(map=opinion_map)
    assert result.n_votes == 5 and result.version == opinion_map.version


def test_too_large_uploads_are_refused_before_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "MAX_IMPORT_BYTES", 100)
    plain = {"votes.csv": b"x" * 60, "comments.csv": b"y" * 60}
    with pytest.raises(ValidationFailed, match="opinionmaps.upload_too_large") as refused:
        services.polis_upload_read(files=plain)
    assert "för stora" in refused.value.message
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("votes.csv", "0" * 500)  # compresses to a few bytes
        archive.writestr("comments.csv", "")
    with pytest.raises(ValidationFailed, match="opinionmaps.upload_too_large") as refused:
        services.polis_upload_read(files={"polis.zip": packed.getvalue()})
    assert "för stora" in refused.value.message


def test_a_refused_zip_is_reported_on_the_upload_field_with_the_archives_message() -> None:
    from delaktig.core import uploads

    damaged = zip_bombs.encrypted_flag(zip_bombs.zip_of({"votes.csv": b"a,b\n"}), "votes.csv")
    with pytest.raises(ValidationFailed) as refused:
        services.polis_upload_read(files={"polis.zip": damaged})
    assert refused.value.code == "archive.encrypted"
    assert refused.value.field == "polis_files"
    same = uploads.ArchiveRefused("encrypted", name="votes.csv")
    assert refused.value.message == same.message
