"""Reads of opinion maps: which statement next, progress, and the map as pages show it."""

from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from delaktig.accounts.models import DemographicProfile
from delaktig.insights.suppression import age_group
from delaktig.opinionmaps import mapdraw, selectors, services
from delaktig.opinionmaps.models import MapResult, OpinionMap, Participant, Statement, Vote
from tests.factories import MunicipalityFactory, ProfileFactory, UserFactory
from tests.test_opinionmaps_services import official_of, open_map, planted_blocks, seed

pytestmark = pytest.mark.django_db


def participant(opinion_map: OpinionMap, user: Any) -> Participant:
    return Participant.objects.get(map=opinion_map, user=user)


def share_of(votes: list[int]) -> tuple[int, int, int]:
    """(agree %, disagree %, voted) computed here from the raw votes."""
    if not votes:
        return 0, 0, 0
    return (
        round(100 * votes.count(1) / len(votes)),
        round(100 * votes.count(-1) / len(votes)),
        len(votes),
    )


# --- priority ----------------------------------------------------------------------------


def test_priority_prefers_unseen_statements() -> None:
    unseen = selectors.priority(0, 0, 0, 0.0)
    for seen in (1, 5, 10, 50):
        # the same share of agrees, only seen more often
        assert selectors.priority(seen // 2, 0, seen, 0.0) < unseen
    assert selectors.priority(5, 0, 10, 0.0) > selectors.priority(50, 0, 100, 0.0)


def test_priority_prefers_splitting_and_extreme_statements_over_passes() -> None:
    # More passes, lower priority; more agrees, higher; further out on the map, higher.
    assert selectors.priority(5, 10, 20, 0.0) < selectors.priority(5, 0, 20, 0.0)
    assert selectors.priority(15, 0, 20, 0.0) > selectors.priority(5, 0, 20, 0.0)
    assert selectors.priority(5, 0, 20, 1.0) > selectors.priority(5, 0, 20, 0.0)
    assert selectors.priority(0, 20, 20, 0.0) < 0.01 * selectors.priority(0, 0, 0, 0.0)
    assert all(selectors.priority(a, 0, 10, 0.5) > 0 for a in range(11))


# --- next_statement and progress ------------------------------------------------------------


def test_next_statement_skips_voted_and_unpublished_and_ends_with_none() -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.BEFORE)
    published = seed(opinion_map, [f"Påstående {n}" for n in range(6)])
    pending = services.statement_create(
        actor=UserFactory(), opinion_map=opinion_map, text="Väntar på granskning"
    )
    to_reject = services.statement_create(
        actor=UserFactory(), opinion_map=opinion_map, text="Ska avvisas"
    )
    services.statement_moderate(
        actor=official_of(opinion_map.module.process.organisation),
        statement=to_reject,
        publish=False,
        rule="off_topic",
        reason="Utanför ämnet",
    )
    other_map = open_map()
    seed(other_map, ["I en annan karta"])
    user = UserFactory()
    services.vote_cast(actor=user, statement=published[2], value=1)
    me = participant(opinion_map, user)
    assert selectors.progress(opinion_map=opinion_map, participant=me) == (1, 6)

    shown: list[int] = []
    while (
        statement := selectors.next_statement(opinion_map=opinion_map, participant=me)
    ) is not None:
        assert statement.map_id == opinion_map.pk
        assert statement.status == Statement.Status.PUBLISHED
        assert statement.pk not in shown and statement.pk != published[2].pk
        assert statement.pk not in (pending.pk, to_reject.pk)
        # A reload before voting shows the same statement.
        assert selectors.next_statement(opinion_map=opinion_map, participant=me) == statement
        assert selectors.next_statement(opinion_map=opinion_map, participant=me) == statement
        shown.append(statement.pk)
        services.vote_cast(actor=user, statement=statement, value=len(shown) % 3 - 1)
        assert selectors.progress(opinion_map=opinion_map, participant=me) == (len(shown) + 1, 6)
    assert sorted(shown) == sorted(s.pk for s in published if s != published[2])
    assert selectors.next_statement(opinion_map=opinion_map, participant=me) is None


def test_next_statement_for_someone_who_has_not_voted_yet() -> None:
    opinion_map = open_map()
    assert selectors.next_statement(opinion_map=opinion_map, participant=None) is None
    assert selectors.progress(opinion_map=opinion_map, participant=None) == (0, 0)
    statements = seed(opinion_map, ["Första", "Andra", "Tredje"])
    first = selectors.next_statement(opinion_map=opinion_map, participant=None)
    assert first in statements
    assert selectors.next_statement(opinion_map=opinion_map, participant=None) == first
    assert selectors.progress(opinion_map=opinion_map, participant=None) == (0, 3)


def test_next_statement_prefers_statements_nobody_has_seen() -> None:
    opinion_map = open_map()
    worn, fresh = seed(opinion_map, ["Alla har passat på den här", "Den här är ny"])
    for _ in range(20):
        services.vote_cast(actor=UserFactory(), statement=worn, value=0)
    drawn = Counter()  # type: ignore[var-annotated]
    for _ in range(20):
        newcomer = services.participant_get_or_create(opinion_map=opinion_map, user=UserFactory())
        drawn[selectors.next_statement(opinion_map=opinion_map, participant=newcomer)] += 1
    assert drawn[fresh] == 20


def test_progress_counts_only_published_statements() -> None:
    opinion_map = open_map()
    first, second = seed(opinion_map, ["Första", "Andra"])
    user = UserFactory()
    services.vote_cast(actor=user, statement=first, value=1)
    services.vote_cast(actor=user, statement=second, value=1)
    me = participant(opinion_map, user)
    assert selectors.progress(opinion_map=opinion_map, participant=me) == (2, 2)
    services.statement_moderate(
        actor=official_of(opinion_map.module.process.organisation),
        statement=second,
        publish=False,
        rule="spam",
        reason="Dubblett",
    )
    assert selectors.progress(opinion_map=opinion_map, participant=me) == (1, 1)


# --- map_view -----------------------------------------------------------------------------


@pytest.fixture
def computed() -> tuple[OpinionMap, list[Any], list[Any], list[Statement]]:
    """Two planted blocks and one statement (the last) that everybody agrees with."""
    opinion_map = open_map()
    block_a, block_b, statements = planted_blocks(opinion_map)
    (common,) = seed(opinion_map, ["Alla håller med om det här"])
    for user in block_a + block_b:
        services.vote_cast(actor=user, statement=common, value=1)
    services.map_recompute(opinion_map_id=opinion_map.pk)
    opinion_map.refresh_from_db()
    return opinion_map, block_a, block_b, [*statements, common]


def test_map_view_without_result() -> None:
    opinion_map = open_map()
    view = selectors.map_view(opinion_map=opinion_map, viewer=UserFactory())
    assert view.result is None and view.groups == [] and view.picture is None


def test_map_view_groups_and_your_group(computed: Any) -> None:
    opinion_map, block_a, block_b, statements = computed
    result = MapResult.objects.get(map=opinion_map)
    assert result.k == 2
    label = dict(zip(result.data["participants"], result.data["labels"], strict=True))
    for user in (block_a[0], block_b[-1]):
        view = selectors.map_view(opinion_map=opinion_map, viewer=user)
        me = participant(opinion_map, user)
        letter = mapdraw.group_letter(label[me.pk])
        assert view.your_group == letter
        assert [card.letter for card in view.groups if card.is_yours] == [letter]
        assert view.you_counted
        assert view.you_voted == Vote.objects.filter(participant=me).count()
        assert view.picture is not None and view.picture.you is not None
        assert not view.outdated
    view = selectors.map_view(opinion_map=opinion_map, viewer=block_a[0])
    assert [card.letter for card in view.groups] == ["A", "B"]
    assert sum(card.size for card in view.groups) == result.n_grouped == 40
    for card in view.groups:
        assert card.size == list(label.values()).count(card.index)
        assert card.percent == round(100 * card.size / 40)
        assert card.representative
    assert abs(sum(card.percent for card in view.groups) - 100) <= 1
    assert view.min_votes == 7
    assert [row.statement.number for row in view.statements] == sorted(s.number for s in statements)

    stranger = selectors.map_view(opinion_map=opinion_map, viewer=UserFactory())
    anonymous = selectors.map_view(opinion_map=opinion_map, viewer=AnonymousUser())
    for other in (stranger, anonymous):
        assert other.your_group == "" and not other.you_counted and other.you_voted == 0
        assert not any(card.is_yours for card in other.groups)
        assert other.picture is not None and other.picture.you is None

    services.vote_cast(actor=block_a[0], statement=statements[-1], value=-1)
    opinion_map.refresh_from_db()
    assert selectors.map_view(opinion_map=opinion_map, viewer=block_a[0]).outdated


def test_map_view_shares_match_the_votes(computed: Any) -> None:
    opinion_map, _block_a, _block_b, statements = computed
    result = MapResult.objects.get(map=opinion_map)
    label = dict(zip(result.data["participants"], result.data["labels"], strict=True))
    votes: dict[int, list[tuple[int, int]]] = {}
    for p, s, v in Vote.objects.filter(statement__map=opinion_map).values_list(
        "participant_id", "statement_id", "value"
    ):
        votes.setdefault(s, []).append((label[p], v))
    view = selectors.map_view(opinion_map=opinion_map, viewer=AnonymousUser())
    for row in view.statements:
        cast = votes[row.statement.pk]
        overall = row.overall
        assert (overall.agree, overall.disagree, overall.voted) == share_of([v for _g, v in cast])
        assert overall.agree + overall.disagree + overall.passed == 100
        for g, share in enumerate(row.groups):
            in_group = [v for group, v in cast if group == g]
            assert (share.agree, share.disagree, share.voted) == share_of(in_group)
    for card in view.groups:
        for line in card.representative:
            cast = votes[line.statement.pk]
            mine = share_of([v for g, v in cast if g == card.index])
            others = share_of([v for g, v in cast if g != card.index])
            assert (line.share.agree, line.share.disagree, line.share.voted) == mine
            assert (line.others.agree, line.others.disagree, line.others.voted) == others
            dominant = line.share.agree if line.direction == "agree" else line.share.disagree
            assert dominant > 50
    common = statements[-1]
    assert [(s.pk, d) for s, d, _share in view.consensus] == [(common.pk, "agree")]
    assert view.consensus[0][2].agree == 100
    assert [row.consensus for row in view.statements if row.statement == common] == ["agree"]
    assert {row.consensus for row in view.statements if row.statement != common} == {""}


def test_demographics_shown_for_large_groups(computed: Any) -> None:
    opinion_map, block_a, block_b, _statements = computed
    result = MapResult.objects.get(map=opinion_map)
    label = dict(zip(result.data["participants"], result.data["labels"], strict=True))
    town = MunicipalityFactory(name="Småstad")
    for user in block_a[:10]:
        ProfileFactory(user=user, sex="kvinna", birth_year=1980, municipality=town)
    for user in block_b[:8]:
        ProfileFactory(user=user, sex="man", birth_year=1950, municipality=town)
    # A profile of someone who did not take part is not counted.
    ProfileFactory(user=UserFactory(), sex="man", birth_year=1950, municipality=town)
    # Taking part in another map as well does not count anyone twice.
    elsewhere = open_map()
    (other,) = seed(elsewhere, ["Någon annanstans"])
    services.vote_cast(actor=block_a[0], statement=other, value=1)

    view = selectors.map_view(opinion_map=opinion_map, viewer=block_a[0])
    assert view.n_with_profile == 18
    tables = {table.title: table for table in view.demographics}
    assert list(tables) == ["Kön", "Åldersgrupp", "Kommun"]
    g_a = mapdraw.group_letter(label[participant(opinion_map, block_a[0]).pk])
    g_b = mapdraw.group_letter(label[participant(opinion_map, block_b[0]).pk])
    assert g_a != g_b
    year = timezone.localdate().year
    expected = {
        "Kön": {g_a: {"Kvinna": 10}, g_b: {"Man": 8}},
        "Åldersgrupp": {g_a: {age_group(1980, year): 10}, g_b: {age_group(1950, year): 8}},
        "Kommun": {g_a: {"Småstad": 10}, g_b: {"Småstad": 8}},
    }
    for title, table in tables.items():
        assert len(table.rows) == 2
        for letter, cells, total in table.rows:
            want = expected[title][letter]
            assert total == sum(want.values())
            assert cells == [want.get(column, 0) for column in table.columns]
    assert tables["Kommun"].columns == ["Småstad"]


def test_demographics_suppress_small_groups(computed: Any) -> None:
    opinion_map, block_a, block_b, _statements = computed
    result = MapResult.objects.get(map=opinion_map)
    label = dict(zip(result.data["participants"], result.data["labels"], strict=True))
    g_b = mapdraw.group_letter(label[participant(opinion_map, block_b[0]).pk])
    for user in block_a[:12]:
        ProfileFactory(user=user, sex="kvinna", birth_year=1980)
    for user in block_b[:3]:
        ProfileFactory(user=user, sex="man", birth_year=1980)
    view = selectors.map_view(opinion_map=opinion_map, viewer=block_a[0])
    assert view.n_with_profile == 15
    for table in view.demographics:
        rows = {letter: (cells, total) for letter, cells, total in table.rows}
        cells, total = rows[g_b]
        assert total is None and cells == [None] * len(table.columns)  # 3 < 5: all hidden
        for cells, total in rows.values():
            shown = [c for c in [*cells, total] if c is not None]
            assert all(c == 0 or c >= 5 for c in shown)

    # Group B grows to eight, but only two of them are women: that cell is hidden.
    for user in block_b[3:5]:
        ProfileFactory(user=user, sex="kvinna", birth_year=1980)
    for user in block_b[5:8]:
        ProfileFactory(user=user, sex="man", birth_year=1980)
    view = selectors.map_view(opinion_map=opinion_map, viewer=block_a[0])
    sex = next(t for t in view.demographics if t.title == "Kön")
    rows = {letter: (cells, total) for letter, cells, total in sex.rows}
    assert rows[g_b][0][sex.columns.index("Kvinna")] is None
    for cells, total in rows.values():
        shown = [c for c in [*cells, total] if c is not None]
        assert all(c == 0 or c >= 5 for c in shown)
    assert DemographicProfile.objects.count() == 20
