"""Factories for strategies, plans and indicators (follow-up)."""

from typing import Any

import factory

from delaktig.followup.models import (
    ActionPlan,
    Activity,
    FocusArea,
    Goal,
    Indicator,
    Strategy,
)

from .factories import OrganisationFactory


class StrategyFactory(factory.django.DjangoModelFactory[Strategy]):
    class Meta:
        model = Strategy

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Strategi {n}")
    slug = factory.Sequence(lambda n: f"strategi-{n}")
    summary = "Vad strategin vill uppnå."
    start_year = 2023
    end_year = 2026
    published = True


class GoalFactory(factory.django.DjangoModelFactory[Goal]):
    class Meta:
        model = Goal

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Mål {n}")


class PlanFactory(factory.django.DjangoModelFactory[ActionPlan]):
    class Meta:
        model = ActionPlan

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Handlingsplan {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    start_year = 2023
    end_year = 2025
    published = True


class AreaFactory(factory.django.DjangoModelFactory[FocusArea]):
    class Meta:
        model = FocusArea

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Område {n}")
    position = factory.Sequence(lambda n: n + 1)


class ActivityFactory(factory.django.DjangoModelFactory[Activity]):
    class Meta:
        model = Activity

    area = factory.SubFactory(AreaFactory)
    title = factory.Sequence(lambda n: f"Aktivitet {n}")
    position = factory.Sequence(lambda n: n + 1)
    responsible_unit = "Demokratienheten"
    start_year = 2023
    end_year = 2024


class IndicatorFactory(factory.django.DjangoModelFactory[Indicator]):
    class Meta:
        model = Indicator

    strategy = factory.SubFactory(StrategyFactory)
    name = factory.Sequence(lambda n: f"Indikator {n}")
    unit = "%"
    position = factory.Sequence(lambda n: n + 1)


def plan_with_areas(areas: int = 2, per_area: int = 3, **kwargs: Any) -> ActionPlan:
    plan = PlanFactory(**kwargs)
    for a in range(1, areas + 1):
        area = AreaFactory(plan=plan, position=a, title=f"Område {a}")
        for b in range(1, per_area + 1):
            ActivityFactory(area=area, position=b, title=f"Aktivitet {a}.{b}")
    return plan
