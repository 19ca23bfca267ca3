"""The follow-up demo: a democracy strategy with its action plan, a joinable gender-equality
strategy, a network and indicator series, loaded with the demo region and shown publicly."""

from django.core.management import call_command
from django.test import TestCase

from delaktig.followup import demo
from delaktig.followup.models import (
    ActionPlan,
    Activity,
    ActorActivity,
    Commitment,
    Indicator,
    IndicatorValue,
    Network,
    ProgressNote,
    Sex,
    Strategy,
)
from delaktig.followup.status import ActivityStatus

AREAS = [
    "God och nära vård",
    "Stärkt dialog med medborgarna",
    "Stärkt kommunikation",
    "Arbete mot hot och hat",
    "Kultur och civilsamhället",
    "Interna processer",
]


def _load() -> None:
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)


class FollowupDemoTests(TestCase):
    """The demo is loaded once for the class and rolled back after it."""

    @classmethod
    def setUpTestData(cls) -> None:
        _load()
        cls.democracy = Strategy.objects.get(slug=demo.DEMOCRACY_SLUG)
        cls.gender = Strategy.objects.get(slug=demo.GENDER_SLUG)
        cls.plan = ActionPlan.objects.get(strategy=cls.democracy, slug=demo.PLAN_SLUG)

    def test_strategies_are_published_and_adopted(self) -> None:
        assert self.democracy.published and self.gender.published
        assert self.democracy.adopted_by is not None
        assert self.democracy.adopted_by.name == "Regionfullmäktige"
        assert self.democracy.decision_date is not None
        assert self.democracy.decision_date.year == 2022
        assert (self.democracy.start_year, self.democracy.end_year) == (2023, 2030)
        assert self.democracy.revision_cycle == Strategy.RevisionCycle.TERM
        assert set(self.democracy.perspectives.values_list("code", flat=True)) == {
            "barn_och_unga",
            "jamstalldhet",
            "tillganglighet",
            "minoriteter",
        }
        goals = list(self.democracy.goals.prefetch_related("sdg_targets"))
        assert 4 <= len(goals) <= 5
        assert all(1 <= goal.sdg_targets.count() <= 3 for goal in goals)
        assert self.democracy.goals.filter(gender_equality_goals__number=1).exists()
        assert self.gender.joinable and not self.democracy.joinable

    def test_plan_has_the_six_areas_in_order(self) -> None:
        assert self.plan.published
        assert list(self.plan.areas.values_list("title", flat=True)) == AREAS
        assert [area.position for area in self.plan.areas.all()] == [1, 2, 3, 4, 5, 6]
        for area in self.plan.areas.all():
            assert 3 <= area.activities.count() <= 5, area.title

    def test_activities_cover_every_status_with_dated_notes(self) -> None:
        activities = Activity.objects.filter(area__plan=self.plan)
        assert activities.count() >= 18
        assert set(activities.values_list("status", flat=True)) == set(ActivityStatus.values)
        assert (
            activities.filter(status=ActivityStatus.ONGOING).count()
            > activities.filter(status=ActivityStatus.DONE).count()
        )
        for status in (ActivityStatus.POSTPONED, ActivityStatus.CANCELLED):
            activity = activities.get(status=status)
            assert activity.status_reason
            assert activity.notes.filter(status=status).exclude(status_reason="").exists()
        for activity in activities.filter(status=ActivityStatus.ONGOING):
            assert activity.progress is not None and 0 < activity.progress < 100
        assert not activities.filter(status=ActivityStatus.DONE, notes=None).exists()
        years = {note.created.year for note in ProgressNote.objects.filter(activity__in=activities)}
        assert {2023, 2024, 2025} <= years
        # Every activity names who is responsible and links to the strategy's goals.
        assert not activities.filter(responsible_unit="").exists()
        assert not activities.filter(goals=None).exists()
        assert (
            activities.exclude(contact_email="")
            .filter(contact_email__endswith="@demo.delaktig.se")
            .exists()
        )
        assert activities.filter(gender_equality_goals__number=1).exists()

    def test_activities_link_to_dialogues_with_published_feedback(self) -> None:
        linked = Activity.objects.filter(area__plan=self.plan).exclude(processes=None).distinct()
        assert 2 <= linked.count() <= 6
        with_feedback = linked.filter(processes__feedback__published_at__isnull=False)
        assert with_feedback.exists()
        activity = with_feedback.first()
        assert activity is not None
        feedback = activity.processes.filter(feedback__published_at__isnull=False).first()
        assert feedback is not None
        response = self.client.get(activity.get_absolute_url())
        assert response.status_code == 200
        assert feedback.title in response.content.decode()

    def test_gender_equality_goals_map_one_to_one_to_the_sub_goals(self) -> None:
        goals = list(self.gender.goals.prefetch_related("gender_equality_goals"))
        assert len(goals) == 6
        numbers = []
        for goal in goals:
            sub_goals = list(goal.gender_equality_goals.all())
            assert len(sub_goals) == 1, goal.title
            numbers.append(sub_goals[0].number)
        assert sorted(numbers) == [1, 2, 3, 4, 5, 6]

    def test_joined_actors_and_a_pending_request(self) -> None:
        commitments = Commitment.objects.filter(strategy=self.gender)
        active = commitments.filter(status=Commitment.Status.ACTIVE)
        assert active.count() == 2
        assert commitments.filter(status=Commitment.Status.PENDING).count() == 1
        assert {c.actor.kind for c in active} == {"municipality", "association"}
        for commitment in active:
            assert commitment.joined_on is not None and commitment.joined_on.year == 2024
            assert commitment.commitment and commitment.contact_email
            assert commitment.goals.exists()
            reports = ActorActivity.objects.filter(commitment=commitment)
            assert 1 <= reports.count() <= 2
            assert {report.year for report in reports} <= {2024, 2025}
        network = Network.objects.get(slug=demo.NETWORK_SLUG)
        assert network.strategy == self.democracy
        assert 3 <= network.members.count() <= 4
        assert network.meetings.count() == 2
        assert network.meetings.exclude(notes="").exists()

    def test_indicators_are_by_sex_and_labelled_invented(self) -> None:
        assert 3 <= self.democracy.indicators.count() <= 4
        assert self.gender.indicators.count() >= 2
        for indicator in Indicator.objects.all():
            assert "Påhittade demosiffror" in indicator.source, indicator.name
            assert indicator.values.exists(), indicator.name
            if indicator.lacks_sex_breakdown:
                assert indicator.sex_note, indicator.name
        for strategy in (self.democracy, self.gender):
            by_sex = IndicatorValue.objects.filter(indicator__strategy=strategy)
            assert by_sex.filter(sex=Sex.WOMEN).exists()
            assert by_sex.filter(sex=Sex.MEN).exists()
        assert self.democracy.indicators.filter(about_people=False).exists()

    def test_public_pages_render(self) -> None:
        indicator = self.democracy.indicators.filter(by_sex=True).first()
        assert indicator is not None
        pages = [
            "/uppfoljning/",
            self.democracy.get_absolute_url(),
            self.plan.get_absolute_url(),
            self.gender.get_absolute_url(),
            indicator.get_absolute_url(),
        ]
        for url in pages:
            response = self.client.get(url)
            assert response.status_code == 200, url
        content = self.client.get(self.plan.get_absolute_url()).content.decode()
        for title in AREAS:
            assert title in content

    def test_loading_again_adds_nothing(self) -> None:
        counts = (Strategy.objects.count(), Activity.objects.count(), Indicator.objects.count())
        _load()
        assert (
            Strategy.objects.count(),
            Activity.objects.count(),
            Indicator.objects.count(),
        ) == counts
