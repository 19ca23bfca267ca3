from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from delaktig.accounts.models import Role
from delaktig.identity.ages import age_on
from delaktig.identity.models import Verification
from delaktig.participation.models import Process

pytestmark = pytest.mark.django_db


def test_demo_region_covers_the_ladder_and_the_life_cycle() -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    public = Process.objects.public()
    assert set(public.values_list("ladder_step", flat=True)) == {1, 2, 3, 4, 5}
    statuses = set(Process.objects.values_list("status", flat=True))
    assert {"draft", "published", "open", "closed", "feedback_published", "archived"} <= statuses
    for process in Process.objects.filter(status__in=["archived", "feedback_published"]):
        assert process.feedback.published_at is not None
    assert Process.objects.owing_feedback().exists()
    assert {r.kind for r in Role.objects.all()} == {
        "administrator",
        "official",
        "moderator",
        "security",
        "elected",
        "translator",
    }
    translator = Role.objects.get(kind="translator")
    assert translator.languages == ["se", "sma", "smj"]
    # Loading again changes nothing.
    count = Process.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Process.objects.count() == count


# A leap day, and a 31st whose month 14 years 3 months earlier is a February.
@pytest.mark.parametrize("today", [date(2028, 2, 29), date(2031, 5, 31)])
def test_demo_has_a_verified_fourteen_year_old_in_the_residents_municipality(
    today: date, time_machine: Any
) -> None:
    time_machine.move_to(timezone.make_aware(datetime.combine(today, time(12))), tick=False)
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    young = Verification.objects.get(user__email="ung@demo.delaktig.se")
    resident = Verification.objects.get(user__email="invanare@demo.delaktig.se")
    assert young.method == "code" and young.municipality == resident.municipality
    assert age_on(young, today) == 14 and young.birth_date is not None
    # Born about 14 years 3 months ago: 15 in about 9 months.
    assert age_on(young, today + timedelta(days=240)) == 14
    assert age_on(young, today + timedelta(days=300)) == 15
    # The other verified demo people have a plausible adult birth date.
    others = Verification.objects.exclude(pk=young.pk)
    assert others.exists() and all(18 <= (age_on(v, today) or 0) < 110 for v in others)
