"""Participatory budgets for tests: a budget module whose phases are placed around a given
``now`` (never today's date), projects on a fixed ballot, and verified residents of a given
age. Shared by the budgeting tests."""

import itertools
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from delaktig.accounts.models import User
from delaktig.budgeting.models import Budget, Category, Project
from delaktig.budgeting.workflow import BudgetStatus, ProjectStatus
from delaktig.core.errors import DelaktigError
from delaktig.organisations.models import Municipality, Organisation
from tests.factories import (
    ModuleFactory,
    MunicipalityFactory,
    ProcessFactory,
    UserFactory,
    phases_around,
    role,
)

PHASES = ("ideas", "review", "voting", "results")
PHASE_DAYS = 10
_serials = itertools.count(1)


def budget_module(
    *,
    now: datetime,
    stage: str = "voting",
    organisation: Organisation | None = None,
    municipalities: list[Municipality] | None = None,
    categories: tuple[str, ...] = ("Natur", "Kultur"),
    **values: Any,
) -> Budget:
    """An open process with a budget module whose ``stage`` phase runs at ``now`` (five days
    in, five to go); the other phases come before and after it, ten days each. ``values`` are
    Budget fields (amount, method, max_choices, min_age, max_age, rules_text …). The
    organisation gets ``municipalities`` (default: one new one)."""
    process_kwargs: dict[str, Any] = {"ladder_step": 5}
    if organisation is not None:
        process_kwargs["organisation"] = organisation
    process = ProcessFactory(**process_kwargs)
    places: list[Municipality] = (
        municipalities if municipalities is not None else [MunicipalityFactory.create()]
    )
    process.organisation.municipalities.add(*places)
    module = ModuleFactory(process=process, kind="budget", title="Medborgarbudget 2027")
    phases_around(module, now=now, kinds=PHASES, stage=stage, days=PHASE_DAYS)
    values.setdefault("amount", 1_000_000)
    budget = Budget.objects.create(module=module, **values)
    for position, name in enumerate(categories):
        Category.objects.create(budget=budget, name=name, position=position)
    return budget


def project(budget: Budget, **values: Any) -> Project:
    """An idea (status submitted unless given)."""
    n = next(_serials)
    values.setdefault("title", f"Förslag {n}")
    values.setdefault("description", f"Beskrivning av förslag {n}.")
    values.setdefault("author_name", f"Person {n}")
    return Project.objects.create(budget=budget, **values)


def ballot(budget: Budget, costs: list[int], *, area: Municipality | None = None) -> list[Project]:
    """Projects on a fixed ballot, numbered 1… with the lots in the same order (a lower lot
    wins a tie), and the budget's status ballot_fixed."""
    area = area or budget.module.process.organisation.municipalities.first()
    category = budget.categories.first()
    projects = []
    for number, cost in enumerate(costs, start=1):
        projects.append(
            project(
                budget,
                title=f"Projekt {number}",
                status=ProjectStatus.ON_BALLOT.value,
                cost=cost,
                cost_estimate=cost,
                number=number,
                lot=number,
                area=area,
                category=category,
            )
        )
    Budget.objects.filter(pk=budget.pk).update(
        status=BudgetStatus.BALLOT_FIXED.value, ballot_fixed_at=timezone.now()
    )
    budget.refresh_from_db()
    return projects


def personnummer(birth: date) -> str:
    """A valid twelve-digit personnummer for ``birth`` (a new serial each call)."""
    from delaktig.identity.personnummer import luhn_check_digit

    serial = next(_serials) % 1000
    nine = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}{serial:03d}{luhn_check_digit(nine)}"


def resident(
    municipality: Municipality,
    *,
    born: date,
    user: User | None = None,
    number: str | None = None,
    **user_values: Any,
) -> User:
    """A user verified as folkbokförd in ``municipality``, born on ``born`` (with the
    personnummer ``number`` when given, which must be of that birth date)."""
    from delaktig.identity.models import Verification
    from delaktig.identity.services import identity_of

    user = user or UserFactory.create(**user_values)
    digest, birth_date = identity_of(number or personnummer(born))
    Verification.objects.create(
        user=user,
        method="official",
        identity_hash=digest,
        birth_date=birth_date,
        municipality=municipality,
        verified_at=timezone.now(),
    )
    return user


def years_before(day: date, years: int) -> date:
    """The date ``years`` whole years before ``day`` (1 March for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 3, 1)


# --- Shared by the service tests and the review's tests ---------------------------------------

# A fixed moment: the vote of ``budget_module(now=NOW)`` runs from 5 days before to 5 after.
NOW = timezone.make_aware(datetime(2031, 5, 14, 12, 0))
COSTS = [400_000, 300_000, 250_000, 200_000]


def official_of(budget: Budget) -> User:
    return role(UserFactory(), "official", budget.module.process.organisation)


def home(budget: Budget) -> Municipality:
    place = budget.module.process.organisation.municipalities.first()
    assert place is not None
    return place


def after_vote(budget: Budget) -> datetime:
    end = budget.module.phases.filter(phase_type="voting").order_by("-ends_at").first()
    assert end is not None
    return end.ends_at + timedelta(hours=1)


def refused(code: str, error: type[DelaktigError], call: Any, **kwargs: Any) -> None:
    with pytest.raises(error) as caught:
        call(**kwargs)
    assert caught.value.code == code
