"""Participation figures for staff: who took part, broken down for consenting participants."""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.accounts.models import DemographicProfile, User
from delaktig.participation import registry
from delaktig.participation.models import Process

from .suppression import AGE_GROUPS, Cell, age_group, suppress, total_is_safe


@dataclass
class Breakdown:
    title: str
    cells: list[Cell]


@dataclass
class ProcessFigures:
    participants: int
    followers: int
    module_figures: dict[str, int]
    with_profile: int | None  # None: not shown, it would reveal a suppressed group
    breakdowns: list[Breakdown]


def participant_filter(process: Process) -> Q:
    condition = Q(pk__in=[])
    for kind in set(process.modules.values_list("kind", flat=True)):
        condition |= Q(pk__in=registry.get(kind).participant_ids(process))
    return condition


def process_figures(*, process: Process) -> ProcessFigures:
    participants = User.objects.filter(participant_filter(process))
    module_figures: dict[str, int] = {}
    for kind in sorted(set(process.modules.values_list("kind", flat=True))):
        module_type = registry.get(kind)
        for key, value in module_type.figures(process).items():
            label = str(module_type.figure_labels.get(key, key))
            module_figures[label] = module_figures.get(label, 0) + value
    profiles = list(
        DemographicProfile.objects.filter(user__in=participants)
        .select_related("municipality")
        .values_list("sex", "birth_year", "municipality__name")
    )
    min_size = settings.DELAKTIG_MIN_GROUP_SIZE
    year = timezone.localdate().year
    sex_labels = dict(DemographicProfile.Sex.choices)
    by_sex = Counter(sex or "vill_inte_uppge" for sex, _b, _m in profiles)
    by_age = Counter(age_group(b, year) if b else _("Okänd") for _s, b, _m in profiles)
    by_municipality = Counter(m or _("Okänd") for _s, _b, m in profiles)
    ordered_age = {label: by_age.get(label, 0) for label in [*AGE_GROUPS, _("Okänd")]}
    breakdowns = [
        Breakdown(
            _("Kön"),
            suppress({str(sex_labels[k]): by_sex.get(k, 0) for k in sex_labels}, min_size=min_size),
        ),
        Breakdown(_("Åldersgrupp"), suppress(ordered_age, min_size=min_size)),
        Breakdown(_("Kommun"), suppress(dict(sorted(by_municipality.items())), min_size=min_size)),
    ]
    return ProcessFigures(
        participants=participants.count(),
        followers=process.follows.count(),
        module_figures=module_figures,
        with_profile=len(profiles)
        if len(profiles) >= min_size and all(total_is_safe(b.cells) for b in breakdowns)
        else None,
        breakdowns=breakdowns,
    )
