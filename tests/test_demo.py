import pytest
from django.core.management import call_command

from delaktig.accounts.models import Role
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
