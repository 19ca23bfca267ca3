"""The demo opinion map: healthcare in the county's inland, with invented participants.

About 120 synthetic participants vote on 24 statements. They are drawn from three invented
blocks (people in and around Östersund, people in the inland and young people) who lean
differently on most statements, with noise, passes and statements they never saw, so that
the map finds groups of different sizes. A few statements nearly everyone agrees with show
the consensus. Everything is made up and labelled so; the demo resident
``invanare@demo.delaktig.se`` has not voted, so a tester can start from scratch.
"""

import random
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from delaktig.accounts.models import DemographicProfile, User
from delaktig.organisations.models import Body, Municipality, Organisation
from delaktig.participation import services as participation_services
from delaktig.participation.models import (
    Perspective,
    ProcessModule,
    SdgGoal,
    SdgTarget,
    TargetGroup,
)
from delaktig.participation.workflow import Action

from . import services
from .models import OpinionMap, Participant, Statement, Vote

DEMO_RESIDENT = "invanare@demo.delaktig.se"
PARTICIPANTS = 120
# The invented blocks and their sizes: different sizes make the groups easy to tell apart.
BLOCKS = {"town": 54, "inland": 40, "young": 26}

# (statement, lean of the town block, of the inland block, of the young block); a lean runs
# from -2 (nearly all disagree) to 2 (nearly all agree).
STATEMENTS: list[tuple[str, int, int, int]] = [
    # Nearly everyone agrees.
    ("Det ska gå att få kontakt med sin hälsocentral samma dag som man hör av sig.", 2, 2, 2),
    ("Ambulansen ska komma fram i tid, oavsett var i länet man bor.", 2, 2, 2),
    ("Man ska få veta hur lång väntetiden är när man söker vård.", 2, 2, 2),
    ("Vården ska förklara saker med ord som man förstår.", 2, 2, 2),
    # Where the blocks differ.
    ("Alla hälsocentraler i inlandet ska finnas kvar, även de minsta.", -1, 2, 0),
    ("Specialistvården ska samlas på sjukhuset i Östersund, inte spridas ut.", 2, -2, 0),
    ("Regionen ska betala mer av resan när man måste åka långt för att få vård.", 0, 2, 1),
    ("Videobesök hos läkaren kan ersätta många besök på plats.", -1, -1, 2),
    ("Jag vill hellre träffa samma läkare varje gång än få en snabb tid.", 1, 2, -2),
    ("Hälsocentralerna borde ha öppet på kvällar och helger.", 1, 0, 2),
    ("Ungas psykiska hälsa ska vara regionens viktigaste fråga i vården.", -1, -1, 2),
    ("Det är rimligt att åka två timmar för en planerad operation.", 1, -2, 0),
    ("Vårdteam som kommer hem till äldre är viktigare än nya lokaler.", 1, 2, -1),
    ("Hälsocentralerna i Östersund ska få mer pengar, eftersom flest bor där.", 2, -2, 0),
    ("Jag chattar hellre med en sjuksköterska i en app än ringer.", -1, -1, 2),
    ("Det ska finnas en akutmottagning som är öppen dygnet runt även i inlandet.", -1, 2, 0),
    ("Kortare väntetider är viktigare än att ha vården nära där man bor.", 2, -2, 2),
    ("Ungdomsmottagningen ska gå att nå via chatt på kvällen.", 0, 0, 2),
    ("Apotek och hälsocentral borde finnas i samma hus på mindre orter.", 0, 1, 0),
    ("Regionen ska locka läkare till inlandet med högre lön.", -1, 2, 0),
    ("Hyrläkare är ett slöseri med skattepengar.", 1, -1, -1),
    ("Det är lätt att hitta rätt på 1177 när man behöver vård.", 0, -1, 1),
    ("Vården ska ge information på samiska och finska till den som vill.", 1, 1, 1),
    ("Unga ska kunna boka tid själva, utan att en förälder ringer.", -1, 0, 2),
]

# Chances to agree, disagree and pass for each lean.
CHANCES = {
    2: (0.88, 0.05, 0.07),
    1: (0.65, 0.20, 0.15),
    0: (0.35, 0.35, 0.30),
    -1: (0.20, 0.65, 0.15),
    -2: (0.05, 0.88, 0.07),
}

PENDING = [
    "Det borde gå en buss som passar besökstiderna på sjukhuset i Östersund.",
    "Distriktssköterskan borde kunna göra hembesök oftare på landsbygden.",
]
REJECTED = (
    "Sköterskan Lena på hälsocentralen i Hammarstrand är otrevlig mot alla.",
    "Påståenden får inte peka ut enskilda anställda. Skriv gärna om bemötandet i vården i stället.",
)

TOWN = ["2380", "2380", "2380", "2380", "2309"]  # Östersund, and Krokom next to it
INLAND = ["2303", "2305", "2313", "2321", "2326", "2361"]
FIRST_NAMES = ["Alva", "Bo", "Cecilia", "David", "Emma", "Filip", "Greta", "Hassan", "Irma"]


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


def _synthetic_user(
    n: int, block: str, rng: random.Random, municipalities: dict[str, Municipality]
) -> User:
    """An invented participant who cannot log in, most with a consented profile."""
    email = f"syntetisk-opinionskarta-{n:03d}@demo.delaktig.se"
    user = User.objects.create_user(
        username=email,
        email=email,
        password=None,
        display_name=f"{FIRST_NAMES[n % len(FIRST_NAMES)]} (påhittad deltagare {n})",
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
    region: Organisation, residents: list[User], rng: random.Random
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
            voters.append((_synthetic_user(n, block, rng, municipalities), block))
    return voters


def _vote(lean: int, rng: random.Random) -> int:
    agree, disagree, _pass = CHANCES[lean]
    roll = rng.random()
    return 1 if roll < agree else -1 if roll < agree + disagree else 0


def load(region: Organisation, official: User, residents: list[User]) -> None:
    """Load the demo opinion map for ``region``; part of loading the demo region once."""
    now = timezone.now()
    rng = random.Random(4242)  # noqa: S311 - seeded demo data, not security
    module = _module(region, official, now)
    opinion_map = _open_map(official, module)
    statements = [
        services.seed_statement_create(actor=official, opinion_map=opinion_map, text=text)
        for text, *_leans in STATEMENTS
    ]
    voters = _voters(region, residents, rng)
    _invented_votes(opinion_map, voters, statements, rng, now)
    _residents_statements(official, opinion_map, [person for person, _block in voters])
    # The task worker does not run while the demo loads; compute the map now.
    services.map_recompute(opinion_map_id=opinion_map.pk)


def _module(region: Organisation, official: User, now: datetime) -> ProcessModule:
    """The process about healthcare in the inland, its opinion-map module and its phase."""
    process = participation_services.process_create(
        actor=official,
        organisation=region,
        responsible_body=Body.objects.filter(
            organisation=region, name="Hälso- och sjukvårdsnämnden"
        ).first(),
        slug="varden-i-inlandet-opinionskarta",
        title="Vården i inlandet – vad tycker du?",
        summary=(
            "Hur ska vården fungera för dig som bor långt från Östersund? Rösta på korta "
            "påståenden och skriv egna. Kartan visar var vi tycker olika och var nästan alla "
            "håller med."
        ),
        easy_read_summary="Tryck på håller med eller håller inte med. Du kan också skriva själv.",
        body=(
            "## Varför vi frågar\n\nHälso- och sjukvårdsnämnden ska besluta om hur vården i "
            "länets inland ska se ut de kommande åren. Vi vill veta vad invånarna tycker är "
            "viktigast, och var åsikterna skiljer sig.\n\n"
            "## Om demon\n\nDeltagarna och rösterna i den här kartan är påhittade för att "
            "visa hur en opinionskarta fungerar."
        ),
        ladder_step=3,
        question="Vad är viktigast för att du ska få bra vård där du bor?",
        purpose="Underlag till nämndens plan för vården i inlandet 2027–2030.",
        input_use=(
            "Åsiktsgrupperna, det som skiljer dem och det nästan alla håller med om redovisas "
            "för hälso- och sjukvårdsnämnden tillsammans med förslaget till plan."
        ),
        decision_maker="Hälso- och sjukvårdsnämnden",
        target_group_analysis=(
            "Boende i inlandet och unga brukar höras mindre. Vi sprider kartan via "
            "hälsocentralerna, ungdomsmottagningarna och kommunernas föreningar."
        ),
        municipalities=region.municipalities.all(),
        target_groups=TargetGroup.objects.filter(code__in=["alla", "landsbygd", "unga"]),
        perspectives=Perspective.objects.filter(code__in=["tillganglighet"]),
        sdg_goals=SdgGoal.objects.filter(number__in=[3, 10]),
        sdg_targets=SdgTarget.objects.filter(code__in=["3.8"]),
    )
    module = participation_services.module_add(
        actor=official,
        process=process,
        kind="opinionmap",
        title="Opinionskarta om vården i inlandet",
        description="Rösta på påståenden och skriv egna. Det tar fem till tio minuter.",
    )
    participation_services.phase_create(
        actor=official,
        process=process,
        module=module,
        phase_type="voting",
        name="Röstning och egna påståenden",
        description="Rösta och skriv egna påståenden.",
        starts_at=now - timedelta(days=12),
        ends_at=now + timedelta(days=30),
    )
    return module


def _open_map(official: User, module: ProcessModule) -> OpinionMap:
    """The map's settings, and the process published and opened."""
    opinion_map = services.map_configure(
        actor=official,
        module=module,
        topic=(
            "Hur ska vården fungera för dig som bor i länets inland, långt från sjukhuset i "
            "Östersund?"
        ),
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
    statements: list[Statement],
    rng: random.Random,
    now: datetime,
) -> None:
    """The voters' votes by their block's leans, written at once (each vote through the
    service would have bumped the version)."""
    Participant.objects.bulk_create(
        [
            Participant(map=opinion_map, number=number, user=user)
            for number, (user, _block) in enumerate(voters, start=1)
        ]
    )
    participant_of = dict(Participant.objects.filter(map=opinion_map).values_list("user_id", "pk"))
    block_index = {name: i for i, name in enumerate(BLOCKS)}
    votes = []
    for user, block in voters:
        seen = rng.uniform(0.55, 1.0)  # the share of statements this person got to
        for statement, (_text, *leans) in zip(statements, STATEMENTS, strict=True):
            if rng.random() > seen:
                continue
            when = now - timedelta(days=rng.uniform(0, 11), minutes=rng.randint(0, 600))
            votes.append(
                Vote(
                    participant_id=participant_of[user.pk],
                    statement=statement,
                    value=_vote(leans[block_index[block]], rng),
                    created=when,
                    updated=when,
                )
            )
    Vote.objects.bulk_create(votes)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(version=F("version") + len(votes))


def _residents_statements(official: User, opinion_map: OpinionMap, writers: list[User]) -> None:
    """Residents' own statements: two wait for review, one was rejected with a reason.

    ``writers`` are the voters in order; the demo residents come first."""
    for person, text in zip(writers, PENDING, strict=False):
        services.statement_create(actor=person, opinion_map=opinion_map, text=text)
    rejected = services.statement_create(
        actor=writers[len(PENDING)], opinion_map=opinion_map, text=REJECTED[0]
    )
    services.statement_moderate(
        actor=official, statement=rejected, publish=False, reason=REJECTED[1]
    )
