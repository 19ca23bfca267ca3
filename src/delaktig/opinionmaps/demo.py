"""The demo opinion map: healthcare in the county's inland, with invented participants.

About 120 synthetic participants vote on 24 statements. They are drawn from three invented
blocks (people in and around Östersund, people in the inland and young people) who lean
differently on most statements, with noise, passes and statements they never saw, so that
the map finds groups of different sizes. A few statements nearly everyone agrees with show
the consensus. Everything is made up and labelled so; the demo resident
``invanare@demo.delaktig.se`` has not voted, so a tester can start from scratch.

The content (the process, the statements with their blocks' leans, the names) is in
``demo_data.toml`` next to this module; the votes are drawn here, with a fixed seed.
"""

import random
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F
from django.utils import timezone

from delaktig.accounts.models import DemographicProfile, User
from delaktig.core.contributions import demo_content
from delaktig.organisations.models import Municipality, Organisation
from delaktig.participation import services as participation_services
from delaktig.participation.demo import process_from_spec
from delaktig.participation.models import (
    ProcessModule,
)
from delaktig.participation.workflow import Action

from . import services
from .models import OpinionMap, Participant, Statement, Vote

DEMO_RESIDENT = "invanare@demo.delaktig.se"
PARTICIPANTS = 120
# The invented blocks and their sizes: different sizes make the groups easy to tell apart.
BLOCKS = {"town": 54, "inland": 40, "young": 26}

# Chances to agree, disagree and pass for each lean.
CHANCES = {
    2: (0.88, 0.05, 0.07),
    1: (0.65, 0.20, 0.15),
    0: (0.35, 0.35, 0.30),
    -1: (0.20, 0.65, 0.15),
    -2: (0.05, 0.88, 0.07),
}

TOWN = ["2380", "2380", "2380", "2380", "2309"]  # Östersund, and Krokom next to it
INLAND = ["2303", "2305", "2313", "2321", "2326", "2361"]


def _block_of(user: User) -> str | None:
    """The block an existing demo resident fits, from their profile; None without one."""
    profile = DemographicProfile.objects.filter(user=user).select_related("municipality").first()
    if profile is None or profile.birth_year is None:
        return None
    if profile.birth_year >= 1994:
        return "young"
    if profile.municipality is not None and profile.municipality.code in ("2380", "2309"):
        return "town"
    return "inland"


def _content() -> dict[str, Any]:
    return demo_content(__file__)


def _synthetic_user(
    n: int,
    block: str,
    rng: random.Random,
    municipalities: dict[str, Municipality],
    names: dict[str, Any],
) -> User:
    """An invented participant who cannot log in, most with a consented profile."""
    email = f"syntetisk-opinionskarta-{n:03d}@demo.delaktig.se"
    first_names = names["first_names"]
    user = User.objects.create_user(
        username=email,
        email=email,
        password=None,
        display_name=names["display_name"].format(
            first_name=first_names[n % len(first_names)], n=n
        ),
    )
    if rng.random() < 0.85:
        if block == "young":
            birth, code = rng.randint(1996, 2008), rng.choice(TOWN + INLAND)
        elif block == "town":
            birth, code = rng.randint(1950, 1993), rng.choice(TOWN)
        else:
            birth, code = rng.randint(1942, 1990), rng.choice(INLAND)
        DemographicProfile.objects.create(
            user=user,
            consent_given_at=timezone.now(),
            birth_year=birth,
            sex=rng.choice(["kvinna", "kvinna", "man", "man", "annat", "vill_inte_uppge"]),
            municipality=municipalities.get(code),
        )
    return user


def _voters(
    region: Organisation, residents: list[User], rng: random.Random, names: dict[str, Any]
) -> list[tuple[User, str]]:
    """The demo residents (not the tester's account) plus invented people, by block."""
    municipalities = {m.code: m for m in region.municipalities.all()}
    wanted = dict(BLOCKS)
    voters: list[tuple[User, str]] = []
    for person in residents:
        if person.email == DEMO_RESIDENT:
            continue
        block = _block_of(person) or rng.choice(list(BLOCKS))
        if wanted[block] > 0:
            wanted[block] -= 1
            voters.append((person, block))
    n = 0
    for block, missing in wanted.items():
        for _i in range(missing):
            n += 1
            voters.append((_synthetic_user(n, block, rng, municipalities, names), block))
    return voters


def _vote(lean: int, rng: random.Random) -> int:
    agree, disagree, _pass = CHANCES[lean]
    roll = rng.random()
    return 1 if roll < agree else -1 if roll < agree + disagree else 0


def load(region: Organisation, official: User, residents: list[User]) -> None:
    """Load the demo opinion map for ``region``; part of loading the demo region once."""
    content = _content()
    now = timezone.now()
    rng = random.Random(4242)  # noqa: S311 - seeded demo data, not security
    module = _module(region, official, now, content["process"], content["module"])
    opinion_map = _open_map(official, module, content["map"])
    statements = [
        services.seed_statement_create(actor=official, opinion_map=opinion_map, text=spec["text"])
        for spec in content["statements"]
    ]
    voters = _voters(region, residents, rng, content["invented"])
    leans = [spec["leans"] for spec in content["statements"]]
    _invented_votes(opinion_map, voters, list(zip(statements, leans, strict=True)), rng, now)
    _residents_statements(
        official,
        opinion_map,
        [person for person, _block in voters],
        content["residents_statements"],
    )
    # The task worker does not run while the demo loads; compute the map now.
    services.map_recompute(opinion_map_id=opinion_map.pk)


def _module(
    region: Organisation,
    official: User,
    now: datetime,
    spec: dict[str, Any],
    module_spec: dict[str, Any],
) -> ProcessModule:
    """The process about healthcare in the inland, its opinion-map module and its phase."""
    process = process_from_spec(actor=official, organisation=region, spec=spec)
    module = participation_services.module_add(
        actor=official,
        process=process,
        kind="opinionmap",
        title=module_spec["title"],
        description=module_spec["description"],
    )
    participation_services.phase_create(
        actor=official,
        process=process,
        module=module,
        phase_type="voting",
        name=module_spec["phase_name"],
        description=module_spec["phase_description"],
        starts_at=now - timedelta(days=module_spec["started_days_ago"]),
        ends_at=now + timedelta(days=module_spec["open_days"]),
    )
    return module


def _open_map(official: User, module: ProcessModule, spec: dict[str, Any]) -> OpinionMap:
    """The map's settings, and the process published and opened."""
    opinion_map = services.map_configure(
        actor=official,
        module=module,
        topic=spec["topic"],
        moderation=OpinionMap.Moderation.BEFORE,
        allow_statements=True,
        results_public=True,
    )
    process = module.process
    for action in (Action.PUBLISH, Action.OPEN):
        process = participation_services.process_transition(
            actor=official, process=process, action=action
        )
    # Read the map again, so that it sees the process open (not the draft it was created in).
    return OpinionMap.objects.select_related("module__process").get(pk=opinion_map.pk)


def _invented_votes(
    opinion_map: OpinionMap,
    voters: list[tuple[User, str]],
    statements: list[tuple[Statement, dict[str, int]]],
    rng: random.Random,
    now: datetime,
) -> None:
    """The voters' votes by their block's lean on each statement, written at once (each vote
    through the service would have bumped the version)."""
    Participant.objects.bulk_create(
        [
            Participant(map=opinion_map, number=number, user=user)
            for number, (user, _block) in enumerate(voters, start=1)
        ]
    )
    participant_of = dict(Participant.objects.filter(map=opinion_map).values_list("user_id", "pk"))
    votes = []
    for user, block in voters:
        seen = rng.uniform(0.55, 1.0)  # the share of statements this person got to
        for statement, leans in statements:
            if rng.random() > seen:
                continue
            when = now - timedelta(days=rng.uniform(0, 11), minutes=rng.randint(0, 600))
            votes.append(
                Vote(
                    participant_id=participant_of[user.pk],
                    statement=statement,
                    value=_vote(leans[block], rng),
                    created=when,
                    updated=when,
                )
            )
    Vote.objects.bulk_create(votes)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(version=F("version") + len(votes))


def _residents_statements(
    official: User, opinion_map: OpinionMap, writers: list[User], spec: dict[str, Any]
) -> None:
    """Residents' own statements: some wait for review, one was rejected with a reason.

    ``writers`` are the voters in order; the demo residents come first."""
    # The demo writers accept the region's conversation rules as they write.
    flags = {"accept_rules": True, "personal_data_ok": True}
    pending = spec["pending"]
    for person, text in zip(writers, pending, strict=False):
        services.statement_create(actor=person, opinion_map=opinion_map, text=text, **flags)
    rejected = services.statement_create(
        actor=writers[len(pending)], opinion_map=opinion_map, text=spec["rejected"], **flags
    )
    services.statement_moderate(
        actor=official,
        statement=rejected,
        publish=False,
        rule=spec["rejected_rule"],
        reason=spec["rejected_reason"],
    )
