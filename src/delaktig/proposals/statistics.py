"""Proposal statistics: volumes, the statutory year kept, handling time, who proposes."""

import statistics as stats
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.accounts.models import DemographicProfile
from delaktig.insights.suppression import AGE_GROUPS, Cell, age_group, suppress

from .deadlines import add_one_year
from .models import Proposal
from .workflow import Status


@dataclass
class ProposalStatistics:
    per_year: list[tuple[int, int]]
    decided: int
    decided_within_year: int
    median_days: float | None
    by_sex: list[Cell]
    by_age: list[Cell]

    @property
    def share_within_year(self) -> float | None:
        return round(100 * self.decided_within_year / self.decided, 1) if self.decided else None


def proposal_statistics() -> ProposalStatistics:
    submitted = Proposal.objects.exclude(status=Status.DRAFT.value).filter(
        submitted_at__isnull=False
    )
    per_year = [
        (row["year"], row["n"])
        for row in submitted.annotate(year=ExtractYear("submitted_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("year")
    ]
    decided: list[tuple[date, date]] = [
        (registered, decided_on)
        for registered, decided_on in submitted.filter(
            status=Status.DECIDED.value, registered_on__isnull=False, decided_on__isnull=False
        ).values_list("registered_on", "decided_on")
        if registered is not None and decided_on is not None
    ]
    within = len([1 for registered, on in decided if on <= add_one_year(registered)])
    days = [(decided_on - registered).days for registered, decided_on in decided]
    profiles = list(
        DemographicProfile.objects.filter(user__in=submitted.values("author_id")).values_list(
            "sex", "birth_year"
        )
    )
    min_size = settings.DELAKTIG_MIN_GROUP_SIZE
    sex_labels = dict(DemographicProfile.Sex.choices)
    by_sex = Counter(sex or "vill_inte_uppge" for sex, _b in profiles)
    year = timezone.localdate().year
    by_age = Counter(age_group(b, year) if b else _("Okänd") for _s, b in profiles)
    return ProposalStatistics(
        per_year=per_year,
        decided=len(decided),
        decided_within_year=within,
        median_days=stats.median(days) if days else None,
        by_sex=suppress(
            {str(sex_labels[k]): by_sex.get(k, 0) for k in sex_labels}, min_size=min_size
        ),
        by_age=suppress(
            {label: by_age.get(label, 0) for label in [*AGE_GROUPS, _("Okänd")]}, min_size=min_size
        ),
    )
