"""Writes to participatory budgets: settings, ideas and their review, the ballot, votes,
paper ballots, the count and the result, and linking winners to plan activities.

The reads (what a page shows) are in ``selectors.py``; the counting itself is the pure
``counting.py``. See ``models.py`` for how ballots are kept apart from voters.
"""

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from delaktig.accounts.models import DemographicProfile
from delaktig.accounts.predicates import require_perm_in_phase
from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import (
    Conflict,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
    require_perm,
)
from delaktig.followup import services as followup
from delaktig.followup.models import Activity, FocusArea
from delaktig.identity.ages import age_on
from delaktig.identity.models import Verification
from delaktig.identity.personnummer import InvalidIdentityNumber, parse
from delaktig.identity.services import hash_key
from delaktig.insights.suppression import age_group
from delaktig.moderation import services as moderation
from delaktig.moderation.models import Decision
from delaktig.organisations.models import Municipality
from delaktig.participation.models import ProcessModule

from . import counting
from .models import (
    PROJECT_KIND,
    Ballot,
    Budget,
    Category,
    Channel,
    Method,
    PaperBatch,
    PaperCode,
    PaperEntry,
    Project,
    Voter,
)
from .workflow import (
    BUDGET_MACHINE,
    PROJECT_MACHINE,
    BudgetAction,
    BudgetStatus,
    ProjectAction,
    ProjectStatus,
)

MANAGE = "budgeting.manage_budget"
PAPER = "budgeting.enter_paper_ballots"

# No 0/O, 1/I/L: a receipt is written down or read off a paper stub.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # about 59 bits: nobody finds another person's receipt by guessing
MAX_PAPER_CODES = 2000
SPOILT = "ogiltig"


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str:
    """A receipt as typed (any case, spaces, dashes or none) in its printed form."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if len(raw) != CODE_LENGTH:
        return raw
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def _organisation(budget: Budget) -> Any:
    return budget.module.process.organisation


def _log(actor: User | None, action: str, target: Any, budget: Budget, **data: Any) -> None:
    audit_log(
        actor=actor, action=action, target=target, organisation=_organisation(budget), data=data
    )


def _locked_budget(budget: Budget) -> Budget:
    return Budget.objects.select_for_update().get(pk=budget.pk)


# --- Settings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetSettings:
    amount: int
    method: str = Method.KNAPSACK
    max_choices: int | None = None
    min_age: int | None = None
    max_age: int | None = None
    municipalities: Sequence[Municipality] = ()
    rules_text: str = ""
    population_table_id: int | None = None
    categories: Sequence[str] = ()


def _check_settings(values: BudgetSettings) -> None:
    if values.amount < 1:
        raise ValidationFailed("budgeting.amount_invalid", field="amount")
    if values.min_age is not None and values.max_age is not None:
        if values.min_age > values.max_age:
            raise ValidationFailed("budgeting.age_range", field="max_age")
    if values.method != Method.KNAPSACK and not values.max_choices:
        raise ValidationFailed("budgeting.max_choices_required", field="max_choices")


def budget_configure(*, actor: User, module: ProcessModule, values: BudgetSettings) -> Budget:
    """Create or change a module's budget and its voting rule, while the ballot is open to
    change (the rule a vote is held under never changes after the first ballot)."""
    require_perm(actor, MANAGE, module)
    _check_settings(values)
    organisation = module.process.organisation
    own = set(organisation.municipalities.values_list("pk", flat=True))
    if any(m.pk not in own for m in values.municipalities):
        raise ValidationFailed("budgeting.not_in_area", field="municipalities")
    if (
        values.population_table_id is not None
        and not organisation.population_tables.filter(pk=values.population_table_id).exists()
    ):
        raise ValidationFailed("budgeting.unknown_population_table", field="population_table")
    with transaction.atomic():
        budget = Budget.objects.select_for_update().filter(module=module).first()
        if budget is not None and budget.status != BudgetStatus.DRAFT:
            raise Conflict("budgeting.ballot_is_fixed")
        if budget is None:
            budget = Budget(module=module)
        budget.amount = values.amount
        budget.method = values.method
        budget.max_choices = values.max_choices if values.method != Method.KNAPSACK else None
        budget.min_age, budget.max_age = values.min_age, values.max_age
        budget.rules_text = values.rules_text
        budget.population_table_id = values.population_table_id
        budget.save()
        budget.municipalities.set(values.municipalities)
        _set_categories(budget, values.categories)
        _log(actor, "budgeting.configure", budget, budget, amount=values.amount)
    return budget


def _set_categories(budget: Budget, names: Iterable[str]) -> None:
    wanted = []
    for name in names:
        name = " ".join(name.split())
        if name and name not in wanted:
            wanted.append(name[:100])
    existing = {c.name: c for c in budget.categories.all()}
    for position, name in enumerate(wanted):
        category = existing.pop(name, None) or Category(budget=budget, name=name)
        category.position = position
        category.save()
    # A category in use stays, so no idea loses it; it only moves to the end.
    for offset, category in enumerate(existing.values()):
        if category.projects.exists():
            category.position = len(wanted) + offset
            category.save(update_fields=["position"])
        else:
            category.delete()


# --- Ideas -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdeaText:
    title: str
    description: str
    location: str = ""
    area: Municipality | None = None
    category: Category | None = None
    cost_estimate: int | None = None


def _clean_idea(budget: Budget, idea: IdeaText) -> IdeaText:
    title = " ".join(idea.title.split())
    if not title:
        raise ValidationFailed("budgeting.title_required", field="title")
    if not idea.description.strip():
        raise ValidationFailed("budgeting.description_required", field="description")
    if idea.category is not None and idea.category.budget_id != budget.pk:
        raise ValidationFailed("budgeting.unknown_category", field="category")
    places = eligible_municipalities(budget)
    if idea.area is not None and not places.filter(pk=idea.area.pk).exists():
        raise ValidationFailed("budgeting.not_in_area", field="area")
    return IdeaText(
        title=title[:150],
        description=idea.description.strip(),
        location=" ".join(idea.location.split())[:200],
        area=idea.area,
        category=idea.category,
        cost_estimate=idea.cost_estimate,
    )


def project_submit(
    *,
    actor: User,
    budget: Budget,
    idea: IdeaText,
    personal_data_ok: bool = False,
    accept_rules: bool = False,
) -> Project:
    """A resident's idea, in the ideas phase. Screened like every text residents write: personal
    data is pointed out first, and an idea in which screening finds a threat, hate or
    harassment is held for a moderator before anyone sees it."""
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied("budgeting.login_required")
    require_perm_in_phase(actor, "budgeting.add_project", budget, action="propose")
    idea = _clean_idea(budget, idea)
    screened = moderation.submission_check(
        actor=actor,
        organisation_id=_organisation(budget).pk,
        text=f"{idea.title}\n\n{idea.description}\n\n{idea.location}",
        field="description",
        personal_data_ok=personal_data_ok,
        accept_rules=accept_rules,
    )
    with transaction.atomic():
        project = Project.objects.create(
            budget=budget,
            title=idea.title,
            description=idea.description,
            location=idea.location,
            area=idea.area,
            category=idea.category,
            cost_estimate=idea.cost_estimate,
            author=actor,
            author_name=actor.display_name,
        )
        moderation.screening_apply(kind=PROJECT_KIND, item=project, result=screened)
    return project


def project_create_by_staff(*, actor: User, budget: Budget, idea: IdeaText) -> Project:
    """An idea that came in another way (a workshop, a letter), entered by an official."""
    require_perm(actor, MANAGE, budget)
    idea = _clean_idea(budget, idea)
    with transaction.atomic():
        project = Project.objects.create(
            budget=budget,
            title=idea.title,
            description=idea.description,
            location=idea.location,
            area=idea.area,
            category=idea.category,
            cost_estimate=idea.cost_estimate,
            author_name="",
        )
        _log(actor, "budgeting.project_create", project, budget)
    return project


def project_assess(
    *,
    actor: User,
    project: Project,
    idea: IdeaText,
    cost: int | None,
    feasibility: str,
) -> Project:
    """The officials' review: the text made clear, the assessed cost and feasibility (public)."""
    budget = project.budget
    require_perm(actor, MANAGE, budget)
    idea = _clean_idea(budget, idea)
    if cost is not None and cost > budget.amount:
        raise ValidationFailed("budgeting.cost_over_budget", field="cost")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if locked.status == ProjectStatus.ON_BALLOT and budget.status != BudgetStatus.DRAFT:
            raise Conflict("budgeting.ballot_is_fixed")
        if locked.status == ProjectStatus.ON_BALLOT and not cost:
            raise ValidationFailed("budgeting.cost_required", field="cost")
        locked.title, locked.description = idea.title, idea.description
        locked.location, locked.area, locked.category = idea.location, idea.area, idea.category
        locked.cost_estimate = idea.cost_estimate
        locked.cost = cost
        locked.feasibility = feasibility.strip()
        locked.reviewed_at, locked.reviewed_by = timezone.now(), actor
        locked.save()
        _log(actor, "budgeting.project_assess", locked, budget, cost=cost)
    return locked


STAFF_DECISIONS = frozenset(
    {ProjectAction.PUT_ON_BALLOT, ProjectAction.LEAVE_OFF_BALLOT, ProjectAction.RETURN_TO_REVIEW}
)


def project_decide(*, actor: User, project: Project, action: str, reason: str = "") -> Project:
    """Put an idea on the ballot, leave it off (with a public reason), or return it to review."""
    budget = project.budget
    require_perm(actor, MANAGE, budget)
    reason = reason.strip()
    with transaction.atomic():
        if _locked_budget(budget).status != BudgetStatus.DRAFT:
            raise Conflict("budgeting.ballot_is_fixed")
        locked = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
        if action not in STAFF_DECISIONS:
            # Holding and releasing an idea is moderation's (``project_withhold``/``_release``).
            raise InvalidTransition()
        target = PROJECT_MACHINE.require(locked.status, action)
        if action == ProjectAction.LEAVE_OFF_BALLOT and not reason:
            raise ValidationFailed("budgeting.reason_required", field="reason")
        if action == ProjectAction.PUT_ON_BALLOT and not locked.cost:
            raise ValidationFailed("budgeting.cost_required", field="cost")
        locked.status = target.value
        locked.reason = reason if target == ProjectStatus.NOT_ON_BALLOT else ""
        locked.reviewed_at, locked.reviewed_by = timezone.now(), actor
        locked.save(update_fields=["status", "reason", "reviewed_at", "reviewed_by"])
        _log(actor, f"budgeting.{action}", locked, budget, reason=reason or None)
    return locked


def project_withhold(item: Project, decision: Decision) -> None:
    """The moderation service's way to take an idea out of view (screening's hold, a
    moderator's rejection). Called inside its transaction."""
    if PROJECT_MACHINE.allows(item.status, ProjectAction.WITHHOLD):
        Project.objects.filter(pk=item.pk).update(status=ProjectStatus.HELD.value)


def project_release(item: Project) -> None:
    Project.objects.filter(pk=item.pk, status=ProjectStatus.HELD.value).update(
        status=ProjectStatus.SUBMITTED.value
    )


# --- The ballot --------------------------------------------------------------------------


def ballot_fix(*, actor: User, budget: Budget) -> Budget:
    """Fix the ballot: number the projects going to the vote and draw their lots."""
    require_perm(actor, MANAGE, budget)
    with transaction.atomic():
        locked = _locked_budget(budget)
        target = BUDGET_MACHINE.require(locked.status, BudgetAction.FIX_BALLOT)
        on_ballot = list(
            locked.projects.filter(status=ProjectStatus.ON_BALLOT.value)
            .select_related("area", "category")
            .order_by("area__name", "category__position", "title", "pk")
        )
        if not on_ballot:
            raise ValidationFailed("budgeting.no_projects_on_ballot")
        lots = list(range(1, len(on_ballot) + 1))
        secrets.SystemRandom().shuffle(lots)
        for number, (project, lot) in enumerate(zip(on_ballot, lots, strict=True), start=1):
            project.number, project.lot = number, lot
        Project.objects.filter(budget=locked).update(number=None, lot=None)
        Project.objects.bulk_update(on_ballot, ["number", "lot"])
        locked.status = target.value
        locked.ballot_fixed_at = timezone.now()
        locked.save(update_fields=["status", "ballot_fixed_at"])
        _log(actor, "budgeting.ballot_fix", locked, locked, projects=len(on_ballot))
    return locked


def ballot_reopen(*, actor: User, budget: Budget) -> Budget:
    """Undo fixing the ballot, while nobody has voted."""
    require_perm(actor, MANAGE, budget)
    with transaction.atomic():
        locked = _locked_budget(budget)
        target = BUDGET_MACHINE.require(locked.status, BudgetAction.REOPEN_BALLOT)
        if locked.voters.exists() or locked.ballots.exists() or locked.paper_codes.exists():
            raise Conflict("budgeting.votes_cast")
        Project.objects.filter(budget=locked).update(number=None, lot=None)
        locked.status = target.value
        locked.ballot_fixed_at = None
        locked.save(update_fields=["status", "ballot_fixed_at"])
        _log(actor, "budgeting.ballot_reopen", locked, locked)
    return locked


def ballot_projects(budget: Budget) -> dict[int, counting.Project]:
    """The projects on a fixed ballot as the counting module sees them, by number."""
    rows = budget.projects.filter(number__isnull=False).values_list("number", "cost", "lot")
    return {
        n: counting.Project(number=n, cost=c or 0, lot=lot or 0)
        for n, c, lot in rows
        if n is not None
    }


# --- Who may vote ------------------------------------------------------------------------


def eligible_municipalities(budget: Budget) -> Any:
    chosen = budget.municipalities.all()
    if chosen.exists():
        return chosen
    return _organisation(budget).municipalities.all()


def voting_day(budget: Budget) -> date:
    """The day age is counted on: the last day of the vote, so a person who turns the minimum
    age while it runs may vote from the start (as in a school election)."""
    ends = budget.module.phases.filter(phase_type="voting").order_by("-ends_at").first()
    # A phase ends just before ``ends_at`` (00:00 on the 20th: the 19th is its last day).
    moment = ends.ends_at - timedelta(microseconds=1) if ends is not None else timezone.now()
    return timezone.localdate(moment)


def check_age(budget: Budget, birth: date | None, *, field: str | None = None) -> None:
    if budget.min_age is None and budget.max_age is None:
        return
    if birth is None:
        raise PermissionDenied("budgeting.age_unknown", field=field)
    day = voting_day(budget)
    age = (age_on(birth, day) or 0) if birth <= day else 0
    if budget.min_age is not None and age < budget.min_age:
        raise PermissionDenied("budgeting.too_young", field=field, min_age=budget.min_age)
    if budget.max_age is not None and age > budget.max_age:
        raise PermissionDenied("budgeting.too_old", field=field, max_age=budget.max_age)


def _check_place(budget: Budget, municipality_id: int | None, *, field: str | None = None) -> None:
    places = eligible_municipalities(budget)
    if municipality_id is None or not places.filter(pk=municipality_id).exists():
        names = ", ".join(m.name for m in places.order_by("name"))
        raise PermissionDenied("budgeting.not_resident", field=field, places=names)


def voter_verification(*, user: User, budget: Budget) -> Verification:
    """The person's verification if the budget's local rule lets them vote; else the reason."""
    verification = Verification.objects.filter(user=user).first()
    if verification is None or not verification.identity_hash:
        raise PermissionDenied("budgeting.not_verified")
    _check_place(budget, verification.municipality_id)
    check_age(budget, verification.birth_date)
    return verification


def _ballot_key(budget: Budget, identity_hash: str) -> str:
    message = f"ballot:{budget.pk}:{identity_hash}".encode()
    return hmac.new(hash_key(), message, hashlib.sha256).hexdigest()


def vote_is_open(budget: Budget, at: datetime | None = None) -> bool:
    return budget.status == BudgetStatus.BALLOT_FIXED and budget.module.allows("vote", at)


# --- Casting a ballot --------------------------------------------------------------------


def check_choices(budget: Budget, choices: Sequence[int], *, field: str = "choices") -> None:
    projects = ballot_projects(budget)
    code = counting.check_ballot(
        budget.method,  # type: ignore[arg-type]
        choices,
        projects,
        amount=budget.amount,
        max_choices=budget.max_choices,
    )
    if code is None:
        return
    if code == "over_budget":
        total = sum(projects[n].cost for n in choices if n in projects)
        raise ValidationFailed(
            "budgeting.ballot_over_budget",
            field=field,
            total=f"{total:,}".replace(",", "\u00a0"),
            amount=f"{budget.amount:,}".replace(",", "\u00a0"),
        )
    if code == "too_many":
        raise ValidationFailed("budgeting.ballot_too_many", field=field, max=budget.max_choices)
    raise ValidationFailed(f"budgeting.ballot_{code}", field=field)


@dataclass(frozen=True)
class Receipt:
    code: str
    changed: bool


def _statistics(user: User, verification: Verification, year: int) -> dict[str, Any]:
    """What the voter agreed may count in the figures of who voted: age group, sex, place."""
    profile = DemographicProfile.objects.filter(user=user).first()
    birth = verification.birth_date
    birth_year = birth.year if birth else (profile.birth_year if profile else None)
    sex = profile.sex if profile and profile.sex in ("kvinna", "man") else ""
    return {
        "age_group": age_group(birth_year, year) if birth_year else "",
        "sex": sex,
        "municipality_id": verification.municipality_id,
    }


def ballot_cast(
    *, actor: User, budget: Budget, choices: Sequence[int], statistics_consent: bool = False
) -> Receipt:
    """Cast or change the actor's ballot while the vote is open.

    The register (``Voter``) gets a row the first time; the ballot is found again only by its
    keyed hash, and is changed in place, so a person always has one ballot. Two requests from
    the same person at once both end in that one ballot (a unique constraint, and a retry)."""
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied("budgeting.login_required")
    if budget.status != BudgetStatus.BALLOT_FIXED:
        raise Conflict("budgeting.voting_closed")
    require_perm_in_phase(actor, "budgeting.add_ballot", budget, action="vote")
    verification = voter_verification(user=actor, budget=budget)
    choices = [int(c) for c in choices]
    check_choices(budget, choices)
    digest = verification.identity_hash
    key = _ballot_key(budget, digest)
    today = timezone.localdate()
    stats = _statistics(actor, verification, today.year) if statistics_consent else {}
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _store_ballot(budget, digest, key, choices, stats, statistics_consent)
        except IntegrityError:
            # The same person's other request inserted the row first; the next attempt finds it.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store_ballot(
    budget: Budget,
    digest: str,
    key: str,
    choices: list[int],
    stats: dict[str, Any],
    consent: bool,
) -> Receipt:
    # The budget's status is read under a shared lock, so counting (which takes it for update)
    # never runs between this check and the write.
    current = Budget.objects.select_for_update().filter(pk=budget.pk).values_list("status")
    if current.first() != (BudgetStatus.BALLOT_FIXED.value,):
        raise Conflict("budgeting.voting_closed")
    voter = Voter.objects.select_for_update().filter(budget=budget, identity_hash=digest).first()
    if voter is not None and voter.channel == Channel.PAPER:
        raise Conflict("budgeting.voted_on_paper")
    blank = {"age_group": "", "sex": "", "municipality_id": None}
    if voter is None:
        Voter.objects.create(
            budget=budget,
            identity_hash=digest,
            channel=Channel.DIGITAL,
            voted_on=timezone.localdate(),
            **(stats if consent else blank),
        )
    else:
        for name, value in (stats if consent else blank).items():
            setattr(voter, name, value)
        voter.save(update_fields=["age_group", "sex", "municipality_id"])
    ballot = Ballot.objects.select_for_update().filter(budget=budget, key=key).first()
    if ballot is not None:
        ballot.choices = choices
        ballot.save(update_fields=["choices"])
        return Receipt(code=ballot.receipt, changed=True)
    ballot = Ballot.objects.create(
        budget=budget, receipt=new_code(), choices=choices, channel=Channel.DIGITAL, key=key
    )
    return Receipt(code=ballot.receipt, changed=False)


def my_ballot(*, user: User, budget: Budget) -> Ballot | None:
    """The person's own ballot while the vote is open (after the count nobody can find it)."""
    verification = Verification.objects.filter(user=user).first()
    if verification is None or not verification.identity_hash:
        return None
    return Ballot.objects.filter(
        budget=budget, key=_ballot_key(budget, verification.identity_hash)
    ).first()


def has_voted(*, user: User, budget: Budget) -> str | None:
    """The channel the person voted through, or None."""
    verification = Verification.objects.filter(user=user).first()
    if verification is None or not verification.identity_hash:
        return None
    voter = Voter.objects.filter(budget=budget, identity_hash=verification.identity_hash).first()
    return voter.channel if voter is not None else None


# --- Paper ballots -----------------------------------------------------------------------


def paper_voter_register(
    *, actor: User, budget: Budget, identity_number: str, municipality: Municipality
) -> Voter:
    """An official at a library has checked a person's identity and folkbokföring and hands
    them a paper ballot: the person is entered in the register, so they cannot also vote
    digitally. Only the keyed hash of the number is kept."""
    require_perm(actor, PAPER, budget)
    if not vote_is_open(budget):
        raise Conflict("budgeting.voting_closed")
    try:
        number = parse(identity_number, today=timezone.localdate())
    except InvalidIdentityNumber:
        raise ValidationFailed("identity.invalid_number", field="identity_number") from None
    from delaktig.identity.personnummer import identity_hash

    digest = identity_hash(number, key=hash_key())
    _check_place(budget, municipality.pk, field="municipality")
    check_age(budget, number.birth_date, field="identity_number")
    existing: Voter | None = None
    try:
        with transaction.atomic():
            # Under the budget's lock, as a digital ballot: never after the count has begun.
            if _locked_budget(budget).status != BudgetStatus.BALLOT_FIXED:
                raise Conflict("budgeting.voting_closed")
            existing = Voter.objects.filter(budget=budget, identity_hash=digest).first()
            if existing is None:
                voter = Voter.objects.create(
                    budget=budget,
                    identity_hash=digest,
                    channel=Channel.PAPER,
                    voted_on=timezone.localdate(),
                    registered_by=actor,
                )
                _log(actor, "budgeting.paper_voter", voter, budget)
                return voter
    except IntegrityError:
        existing = Voter(channel=Channel.PAPER)
    # The answer tells the official that this person has voted: asking is on the record, so
    # that looking people up in the register leaves a trace.
    _log(actor, "budgeting.paper_voter_refused", budget, budget, already_voted=existing.channel)
    raise Conflict(
        "budgeting.already_voted", field="identity_number", channel=existing.get_channel_display()
    )


def paper_codes_print(*, actor: User, budget: Budget, count: int) -> list[str]:
    """Receipt codes for ``count`` paper ballots; each ballot's stub is its voter's receipt."""
    require_perm(actor, PAPER, budget)
    if not 1 <= count <= MAX_PAPER_CODES:
        raise ValidationFailed("budgeting.paper_count", field="count", max=MAX_PAPER_CODES)
    if budget.status not in (BudgetStatus.BALLOT_FIXED, BudgetStatus.COUNTED):
        raise Conflict("budgeting.voting_closed")
    now = timezone.now()
    with transaction.atomic():
        codes: set[str] = set()
        taken = set(budget.paper_codes.values_list("code", flat=True))
        while len(codes) < count:
            code = new_code()
            if code not in taken:
                codes.add(code)
        PaperCode.objects.bulk_create(
            PaperCode(budget=budget, code=c, printed_at=now) for c in sorted(codes)
        )
        _log(actor, "budgeting.paper_codes", budget, budget, count=count)
    return sorted(codes)


def paper_batch_create(*, actor: User, budget: Budget, place: str, voters: int) -> PaperBatch:
    require_perm(actor, PAPER, budget)
    if budget.status not in (BudgetStatus.BALLOT_FIXED, BudgetStatus.COUNTED):
        raise Conflict("budgeting.voting_closed")
    place = " ".join(place.split())
    if not place:
        raise ValidationFailed("budgeting.place_required", field="place")
    with transaction.atomic():
        batch = PaperBatch.objects.create(
            budget=budget, place=place[:150], voters=voters, created_by=actor
        )
        _log(actor, "budgeting.paper_batch", batch, budget, place=place, voters=voters)
    return batch


PaperRow = tuple[str, list[int] | None]


def parse_entry(text: str, numbers: Iterable[int]) -> list[PaperRow]:
    """One ballot a line: ``CODE: 3, 7, 12`` (in order of preference for a ranked vote), or
    ``CODE: ogiltig`` for a spoilt ballot. Blank lines are skipped."""
    known = set(numbers)
    rows: list[PaperRow] = []
    seen: set[str] = set()
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        code_part, colon, rest = line.partition(":")
        code = normalise_code(code_part)
        if not colon or len(code) != CODE_LENGTH + 2:
            raise ValidationFailed("budgeting.entry_line", field="rows", line=line_no)
        if code in seen:
            raise ValidationFailed("budgeting.code_twice", field="rows", line=line_no, code=code)
        seen.add(code)
        rest = rest.strip()
        if rest.casefold() == SPOILT:
            rows.append((code, None))
            continue
        parts = [p for p in rest.replace(";", ",").replace(" ", ",").split(",") if p]
        if not parts or not all(p.isdigit() for p in parts):
            raise ValidationFailed("budgeting.entry_line", field="rows", line=line_no)
        choices = [int(p) for p in parts]
        for number in choices:
            if number not in known:
                raise ValidationFailed(
                    "budgeting.unknown_number", field="rows", line=line_no, number=number
                )
        rows.append((code, choices))
    if not rows:
        raise ValidationFailed("budgeting.entry_empty", field="rows")
    return rows


def _check_codes(budget: Budget, rows: list[PaperRow]) -> None:
    codes = [code for code, _choices in rows]
    printed = dict(budget.paper_codes.filter(code__in=codes).values_list("code", "used"))
    for line_no, code in enumerate(codes, start=1):
        if code not in printed:
            raise ValidationFailed("budgeting.unknown_code", field="rows", line=line_no, code=code)
        if printed[code]:
            raise ValidationFailed("budgeting.code_used", field="rows", line=line_no, code=code)


@dataclass(frozen=True)
class Difference:
    code: str
    first: list[int] | None | str  # "missing" when the code is not in that entry
    second: list[int] | None | str


def entry_differences(first: list[Any], second: list[Any]) -> list[Difference]:
    """Where two entries of the same batch disagree, ballot by ballot (by code)."""
    a = {code: choices for code, choices in first}
    b = {code: choices for code, choices in second}
    out = []
    for code in sorted(set(a) | set(b)):
        left = a.get(code, "missing")
        right = b.get(code, "missing")
        if left != right:
            out.append(Difference(code, left, right))
    return out


def paper_entry_submit(*, actor: User, batch: PaperBatch, text: str) -> PaperBatch:
    """One official's entry of a batch. When two different officials' entries agree ballot
    for ballot, the ballots are counted; when they differ the batch is flagged and each can
    correct their own entry."""
    budget = batch.budget
    require_perm(actor, PAPER, budget)
    rows = parse_entry(text, ballot_projects(budget))
    if budget.method != Method.RANKED:
        # Ticks have no order: "3, 7" and "7, 3" are one reading of the same ballot.
        rows = [(code, sorted(choices) if choices else choices) for code, choices in rows]
    with transaction.atomic():
        locked_budget = _locked_budget(budget)
        if locked_budget.status == BudgetStatus.PUBLISHED:
            raise Conflict("budgeting.results_published")
        locked = PaperBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == PaperBatch.Status.ACCEPTED:
            raise Conflict("budgeting.batch_done")
        _check_codes(locked_budget, rows)
        mine, _created = PaperEntry.objects.update_or_create(
            batch=locked,
            entered_by=actor,
            defaults={"rows": [[c, ch] for c, ch in rows], "submitted_at": timezone.now()},
        )
        # This entry against every other official's: any one that agrees with it makes two
        # readings of the same ballots, and exactly those rows are counted.
        others = list(locked.entries.exclude(pk=mine.pk).order_by("submitted_at", "pk"))
        if any(not entry_differences(mine.rows, other.rows) for other in others):
            _accept(locked_budget, locked, rows)
        elif others:
            locked.status = PaperBatch.Status.MISMATCH
        locked.save(update_fields=["status", "accepted_at"])
        _log(actor, "budgeting.paper_entry", locked, budget, ballots=len(rows), state=locked.status)
    return locked


def _accept(budget: Budget, batch: PaperBatch, rows: list[PaperRow]) -> None:
    Ballot.objects.bulk_create(
        Ballot(budget=budget, receipt=code, choices=choices, channel=Channel.PAPER, batch=batch)
        for code, choices in rows
    )
    PaperCode.objects.filter(budget=budget, code__in=[c for c, _ch in rows]).update(used=True)
    batch.status = PaperBatch.Status.ACCEPTED
    batch.accepted_at = timezone.now()


# --- Counting and publishing ---------------------------------------------------------------


def voting_closed(budget: Budget, now: datetime) -> bool:
    """A voting phase has run and none runs now or later."""
    phases = budget.module.phases.filter(phase_type="voting")
    return phases.filter(ends_at__lte=now).exists() and not phases.filter(ends_at__gt=now).exists()


def ballot_rows(budget: Budget) -> list[list[int]]:
    """Every counted ballot's choices (a spoilt one as an empty ballot), in receipt order."""
    rows = (
        Ballot.objects.filter(budget=budget).order_by("receipt").values_list("choices", flat=True)
    )
    return [[int(c) for c in choices or []] for choices in rows.iterator(chunk_size=5000)]


def budget_count(*, actor: User, budget: Budget, now: datetime | None = None) -> Budget:
    """Count the votes after the vote has closed. Erases the keys that let a voter change
    their ballot, so from here no ballot can be linked to anyone. May be run again (a late
    batch of paper ballots) until the result is published."""
    require_perm(actor, MANAGE, budget)
    now = now or timezone.now()
    if not voting_closed(budget, now):
        if budget.module.phases.filter(phase_type="voting", starts_at__lte=now).exists():
            raise Conflict("budgeting.vote_still_open")
        raise Conflict("budgeting.vote_not_held")
    from .results import result_data

    with transaction.atomic():
        locked = _locked_budget(budget)
        target = BUDGET_MACHINE.require(locked.status, BudgetAction.COUNT)
        Ballot.objects.filter(budget=locked, key__isnull=False).update(key=None)
        _reshuffle(locked)
        locked.result = result_data(locked)
        locked.status = target.value
        locked.counted_at = now
        locked.save(update_fields=["result", "status", "counted_at"])
        _log(actor, "budgeting.count", locked, locked, ballots=locked.result["valid"])
    return locked


def _reshuffle(budget: Budget) -> None:
    """Write the ballots again in receipt order (a random order). Rows are stored in the order
    they were written (SQLite's rowid, PostgreSQL's heap and a dump of it), which was the order
    the voters voted in, and so the order of the register's rows: after this nothing in the
    ballot table follows the register."""
    rows = list(
        Ballot.objects.filter(budget=budget)
        .order_by("receipt")
        .values("id", "receipt", "choices", "channel", "batch_id")
    )
    Ballot.objects.filter(budget=budget).delete()
    Ballot.objects.bulk_create((Ballot(budget=budget, **row) for row in rows), batch_size=5000)


def budget_publish(*, actor: User, budget: Budget) -> Budget:
    """Publish the counted result. The register's identity hashes are erased: from now on it
    only counts who voted."""
    require_perm(actor, MANAGE, budget)
    with transaction.atomic():
        locked = _locked_budget(budget)
        target = BUDGET_MACHINE.require(locked.status, BudgetAction.PUBLISH)
        unfinished = locked.paper_batches.exclude(status=PaperBatch.Status.ACCEPTED).count()
        if unfinished:
            raise Conflict("budgeting.batches_open", count=unfinished)
        # A batch accepted after the count: the result must count every ballot published with it.
        counted = sum((locked.result or {}).get("ballots", {}).values())
        if locked.ballots.count() != counted:
            raise Conflict("budgeting.recount_needed")
        Voter.objects.filter(budget=locked).update(identity_hash="")
        locked.status = target.value
        locked.published_at, locked.published_by = timezone.now(), actor
        locked.save(update_fields=["status", "published_at", "published_by"])
        _log(actor, "budgeting.publish", locked, locked)
    return locked


def winners(budget: Budget) -> list[int]:
    if not budget.result:
        return []
    return [int(n) for n in budget.result.get("selected", [])]


# --- What happened to the winners ----------------------------------------------------------


def project_link_activity(*, actor: User, project: Project, activity: Activity | None) -> Project:
    """Link a funded project to the plan activity that carries it out (or unlink it)."""
    budget = project.budget
    require_perm(actor, MANAGE, budget)
    if project.number not in winners(budget) or budget.status != BudgetStatus.PUBLISHED:
        raise ValidationFailed("budgeting.not_a_winner", field="activity")
    process = budget.module.process
    if activity is not None:
        if activity.area.plan.strategy.organisation_id != process.organisation_id:
            raise ValidationFailed("budgeting.activity_other_organisation", field="activity")
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(activity=activity)
        if activity is not None:
            activity.processes.add(process)
        linked = activity.pk if activity is not None else None
        _log(actor, "budgeting.project_activity", project, budget, activity=linked)
    project.refresh_from_db()
    return project


def project_create_activity(*, actor: User, project: Project, area: FocusArea) -> Project:
    """Make a plan activity from a funded project, linked to it and to the process."""
    budget = project.budget
    if project.number not in winners(budget) or budget.status != BudgetStatus.PUBLISHED:
        raise ValidationFailed("budgeting.not_a_winner", field="area")
    process = budget.module.process
    if area.plan.strategy.organisation_id != process.organisation_id:
        raise ValidationFailed("budgeting.activity_other_organisation", field="area")
    year = timezone.localdate().year
    with transaction.atomic():
        activity = followup.activity_create(
            actor=actor,
            area=area,
            title=project.title,
            description=project.description,
            start_year=year,
            end_year=year + 1,
            processes=[process],
        )
        return project_link_activity(actor=actor, project=project, activity=activity)


def participant_filter() -> Q:
    return Q(status__in=[s.value for s in ProjectStatus if s != ProjectStatus.HELD])
