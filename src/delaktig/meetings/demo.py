"""Demo meetings: a fullmäktige meeting with an agenda, a webinar that is full, minutes.

The content is in ``demo_data.toml`` next to this module."""

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from delaktig.core.contributions import demo_content
from delaktig.organisations.models import Body

from . import services
from .models import AgendaItem, Meeting

# The keys of a meeting in demo_data.toml that are the meeting's own fields, as they are.
MEETING_FIELDS = (
    "title",
    "location",
    "accessibility_info",
    "remote_link",
    "webcast_link",
    "description",
    "question_time",
    "capacity",
    "registration_open",
    "minutes",
)


def _content() -> dict[str, Any]:
    return demo_content(__file__)


def _at(days: int, hour: int) -> datetime:
    return timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=days), time(hour))
    )


def _meeting(region: Any, spec: dict[str, Any], **extra: Any) -> Meeting:
    """The meeting described by ``spec`` in demo_data.toml."""
    fields = {key: spec[key] for key in MEETING_FIELDS if key in spec}
    return Meeting.objects.create(
        organisation=region,
        kind=Meeting.Kind(spec["kind"]),
        starts_at=_at(spec["day"], spec["starts_hour"]),
        ends_at=_at(spec["day"], spec["ends_hour"]),
        mode=Meeting.Mode(spec["mode"]),
        **fields,
        **extra,
    )


def load(region: Any, residents: list[Any]) -> None:
    content = _content()
    official = region.roles.filter(kind="official").first()
    _assembly_with_question_time(
        region, residents, official.user if official else None, content["assembly"]
    )
    webinar = _meeting(region, content["webinar"])
    if official is not None:
        _put_in_process(webinar, official.user, content["webinar"]["process"])
    for index in content["webinar"]["registrants"]:
        services.registration_create(actor=residents[index], meeting=webinar)
    spec = content["past_event"]
    _meeting(
        region,
        spec,
        minutes_published_at=timezone.now() - timedelta(days=spec["minutes_published_days_ago"]),
    )


def _assembly_with_question_time(
    region: Any, residents: list[Any], official: Any, spec: dict[str, Any]
) -> None:
    assembly = Body.objects.get(organisation=region, kind="assembly")
    council = _meeting(region, spec, body=assembly)
    asker = residents[spec["question"]["asker"]]
    question = services.question_submit(
        actor=asker,
        meeting=council,
        asker_name=asker.display_name,
        text=spec["question"]["text"],
        # The demo's residents have read the region's samtalsregler.
        accept_rules=True,
    )
    if official is not None:
        services.question_accept(actor=official, question=question)
    own = spec["own_question"]
    services.question_submit(
        actor=residents[own["asker"]],
        meeting=council,
        asker_name=residents[own["asker"]].display_name,
        text=own["text"],
        accept_rules=True,
    )
    if held := spec.get("held_question"):
        services.question_submit(
            actor=residents[held["asker"]],
            meeting=council,
            asker_name=residents[held["asker"]].display_name,
            text=held["text"],
            personal_data_ok=True,
            accept_rules=True,
        )
    for position, title in enumerate(spec["agenda"], start=1):
        AgendaItem.objects.create(meeting=council, position=position, title=title)


def _put_in_process(webinar: Meeting, official: Any, spec: dict[str, Any]) -> None:
    """The webinar belongs to a process, in a running phase (which allows registering) until
    the webinar ends."""
    from delaktig.participation import services as participation_services
    from delaktig.participation.models import Phase, Process

    process = Process.objects.get(slug=spec["slug"])
    module = participation_services.module_add(
        actor=official,
        process=process,
        kind="meeting",
        title=spec["module_title"],
        description=spec["module_description"],
    )
    Phase.objects.create(
        process=process,
        module=module,
        phase_type="events",
        name=spec["phase_name"],
        description=spec["phase_description"],
        starts_at=timezone.now() - timedelta(days=spec["started_days_ago"]),
        ends_at=webinar.ends_at,
    )
    Meeting.objects.filter(pk=webinar.pk).update(module=module)
    webinar.module = module
