"""Demo follow-up: the region's democracy strategy with its action plan 2023–2025, the county's
gender-equality strategy with joined actors, a democracy network and indicator series.

The content is data beside this module: ``democracy.toml``, ``gender_equality.toml`` and
``network.toml``. The contents follow what Region Jämtland Härjedalen wrote in its democracy
plan (the six focus areas, the channels it has and the ones it wants), in our own words. Names
of people and associations are invented, and every indicator value is made up and labelled so
in its source. Everything is written through the services the staff pages use, with the demo
official as actor, in the order the files give; English translations of the democracy strategy,
its goals and plan are saved as reviewed translations.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from delaktig.core.contributions import demo_content
from delaktig.organisations.models import Body, Municipality, Organisation
from delaktig.participation.models import Perspective, Process, SdgTarget
from delaktig.translations import services as translation_services
from delaktig.translations.models import TranslatedModel
from delaktig.translations.services import Change

from .. import services
from ..actors import services as actor_services
from ..models import ActionPlan, ActorActivity, GenderEqualityGoal, Goal, Sex, Strategy
from ..status import ActivityStatus

# Every indicator's source says this, so that nobody takes the numbers for real statistics.
DEMO_SOURCE = "Påhittade demosiffror – inte verklig statistik"

DEMOCRACY_SLUG = "demokratistrategi"
PLAN_SLUG = "handlingsplan-2023-2025"
GENDER_SLUG = "jamstalldhetsstrategi-2024-2027"
NETWORK_SLUG = "demokratinatverket"


Spec = dict[str, Any]


def read(name: str) -> Spec:
    """One of the data files; numbers with a decimal point are read as ``Decimal``."""
    return demo_content(__file__, f"{name}.toml", decimals=True)


def _at(moment: date | datetime) -> datetime:
    """A date and time of the region; a date alone means ten in the morning."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(10, 0))
    return timezone.make_aware(moment)


def _municipality(code: str | None) -> Municipality | None:
    return Municipality.objects.filter(code=code).first() if code else None


def _links(spec: Spec, goals: dict[str, Goal]) -> Spec:
    """``spec`` with the goals, targets, perspectives and sub-goals it names by their codes."""
    fields = dict(spec)
    if "goals" in fields:
        fields["goals"] = [goals[number] for number in fields["goals"]]
    if "sdg_targets" in fields:
        fields["sdg_targets"] = list(SdgTarget.objects.filter(code__in=fields["sdg_targets"]))
    if "perspectives" in fields:
        fields["perspectives"] = list(Perspective.objects.filter(code__in=fields["perspectives"]))
    if "gender_equality_goals" in fields:
        sub_goals = GenderEqualityGoal.objects.filter(number__in=fields["gender_equality_goals"])
        fields["gender_equality_goals"] = list(sub_goals)
    return fields


def _translate(official: Any, item: TranslatedModel, translations: dict[str, Spec]) -> None:
    """Save ``{language: {field: text}}`` as reviewed translations of ``item``."""
    for language, texts in translations.items():
        translation_services.translations_save(
            actor=official,
            obj=item,
            language=language,
            changes=[Change(field, text) for field, text in texts.items()],
            reviewed=True,
        )


def _strategy(
    region: Organisation, official: Any, slug: str, data: Spec
) -> tuple[Strategy, dict[str, Goal]]:
    """The strategy and its goals, by their numbers."""
    fields = _links(data["strategy"], {})
    translations = fields.pop("translations", {})
    fields["adopted_by"] = _body(region, fields["adopted_by"])
    strategy = services.strategy_create(actor=official, organisation=region, slug=slug, **fields)
    _translate(official, strategy, translations)
    goals = {}
    for spec in data["goals"]:
        fields = _links(spec, {})
        translations = fields.pop("translations", {})
        goal = services.goal_create(actor=official, strategy=strategy, **fields)
        _translate(official, goal, translations)
        goals[spec["number"]] = goal
    return strategy, goals


def _body(region: Organisation, name: str) -> Body | None:
    return Body.objects.filter(organisation=region, name=name).first()


def _action_plan(
    region: Organisation, strategy: Strategy, goals: dict[str, Goal], official: Any, data: Spec
) -> ActionPlan:
    fields = dict(data["plan"])
    areas = fields.pop("areas")
    translations = fields.pop("translations", {})
    fields["adopted_by"] = _body(region, fields["adopted_by"])
    plan = services.plan_create(actor=official, strategy=strategy, slug=PLAN_SLUG, **fields)
    _translate(official, plan, translations)
    # Only dialogues the demo region has and has published are linked.
    processes = {
        process.slug: process
        for process in Process.objects.filter(organisation=region).exclude(status="draft")
    }
    for spec in areas:
        fields = _links(spec, goals)
        activities = fields.pop("activities")
        area = services.area_create(actor=official, plan=plan, **fields)
        for item in activities:
            fields = _links(item, goals)
            notes = fields.pop("notes", [])
            slugs = fields.pop("processes", [])
            fields["processes"] = [processes[slug] for slug in slugs if slug in processes]
            activity = services.activity_create(actor=official, area=area, **fields)
            for note in notes:
                services.activity_report_progress(
                    actor=official, activity=activity, **{**note, "at": _at(note["at"])}
                )
    return plan


def _indicators(strategy: Strategy, goals: dict[str, Goal], official: Any, data: Spec) -> None:
    """Each indicator with its values per year: [total] or [total, women, men]."""
    for spec in data["indicators"]:
        fields = dict(spec)
        values = fields.pop("values")
        fields["goal"] = goals[fields["goal"]]
        for name in ("baseline_value", "target_value"):
            if name in fields:
                fields[name] = Decimal(fields[name])
        indicator = services.indicator_create(
            actor=official, strategy=strategy, source=DEMO_SOURCE, **fields
        )
        for year, numbers in values.items():
            for sex, number in zip((Sex.TOTAL, Sex.WOMEN, Sex.MEN), numbers, strict=False):
                services.indicator_value_set(
                    actor=official,
                    indicator=indicator,
                    year=int(year),
                    value=Decimal(number),
                    sex=sex,
                )


def _commitments(
    strategy: Strategy, goals: dict[str, Goal], official: Any, requester: Any, data: Spec
) -> None:
    """The joined actors, then the activities each reported, then a request to join."""
    joined = []
    for spec in data["commitments"]:
        fields = _links(spec, goals)
        activities = fields.pop("activities")
        fields["municipality"] = _municipality(fields.get("municipality"))
        commitment = actor_services.commitment_register(actor=official, strategy=strategy, **fields)
        joined.append((commitment, activities))
    for commitment, activities in joined:
        reporter = commitment.contact_user or official
        for item in activities:
            fields = _links(item, goals)
            reported_at = _at(fields.pop("reported_at"))
            fields["status"] = ActivityStatus(fields["status"])
            activity = actor_services.actor_activity_report(
                actor=reporter, commitment=commitment, **fields
            )
            ActorActivity.objects.filter(pk=activity.pk).update(reported_at=reported_at)
    actor_services.commitment_request(
        actor=requester,
        strategy=strategy,
        contact_email=requester.email,
        # The demo's residents have read the region's samtalsregler.
        accept_rules=True,
        **_links(data["request"], goals),
    )


def _network(region: Organisation, strategy: Strategy, official: Any, data: Spec) -> None:
    network = actor_services.network_save(
        actor=official, organisation=region, slug=NETWORK_SLUG, strategy=strategy, **data["network"]
    )
    for spec in data["members"]:
        fields = {**spec, "municipality": _municipality(spec.get("municipality"))}
        actor_services.network_member_add(actor=official, network=network, **fields)
    for spec in data["meetings"]:
        fields = dict(spec)
        if "in_days" in fields:  # always ahead: so many days after the demo is loaded
            day = timezone.localdate() + timedelta(days=fields.pop("in_days"))
            fields["starts_at"] = datetime.combine(day, fields.pop("time"))
        fields["starts_at"] = _at(fields["starts_at"])
        actor_services.network_meeting_save(actor=official, network=network, **fields)


def load(region: Organisation, official: Any, residents: list[Any]) -> None:
    """Load the follow-up demo for ``region``; part of loading the demo region once."""
    data = read("democracy")
    democracy, goals = _strategy(region, official, DEMOCRACY_SLUG, data)
    _action_plan(region, democracy, goals, official, data)
    _indicators(democracy, goals, official, data)
    data = read("gender_equality")
    gender, gender_goals = _strategy(region, official, GENDER_SLUG, data)
    _indicators(gender, gender_goals, official, data)
    requester = residents[0] if residents else official
    _commitments(gender, gender_goals, official, requester, data)
    _network(region, democracy, official, read("network"))
