"""Demo meetings: a fullmäktige meeting with an agenda, a webinar that is full, minutes."""

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from delaktig.organisations.models import Body

from . import services
from .models import AgendaItem, Meeting

AGENDA = [
    "Val av justerare",
    "Allmänhetens frågestund",
    "Budget 2027",
    "Rapport om oavslutade medborgarförslag",
    "Svar på medborgarförslag om tolk på samiska",
]


def _at(days: int, hour: int) -> datetime:
    return timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=days), time(hour))
    )


def load(region: Any, residents: list[Any]) -> None:
    official = region.roles.filter(kind="official").first()
    _assembly_with_question_time(region, residents, official.user if official else None)
    webinar = _webinar(region)
    if official is not None:
        _put_in_process(webinar, official.user)
    for person in residents[1:5]:
        services.registration_create(actor=person, meeting=webinar)
    _past_event_with_minutes(region)


def _assembly_with_question_time(region: Any, residents: list[Any], official: Any) -> None:
    assembly = Body.objects.get(organisation=region, kind="assembly")
    council = Meeting.objects.create(
        organisation=region,
        body=assembly,
        kind=Meeting.Kind.ASSEMBLY,
        title="Regionfullmäktige december",
        starts_at=_at(21, 9),
        ends_at=_at(21, 16),
        mode=Meeting.Mode.HYBRID,
        location="Regionens hus, Kyrkgatan 12, Östersund",
        accessibility_info="Hörslinga i salen. Entré utan trappsteg från Kyrkgatan.",
        remote_link="https://webbtv.demo.delaktig.se/fullmaktige",
        webcast_link="https://webbtv.demo.delaktig.se/fullmaktige",
        description="Sammanträdet är öppet för alla. Allmänhetens frågestund börjar 13.00.",
        question_time=True,
    )
    question = services.question_submit(
        actor=residents[3],
        meeting=council,
        asker_name=residents[3].display_name,
        text="Hur ska regionen se till att det finns ambulans i Funäsdalen under högsäsongen?",
    )
    if official is not None:
        services.question_accept(actor=official, question=question)
    for position, title in enumerate(AGENDA, start=1):
        AgendaItem.objects.create(meeting=council, position=position, title=title)


def _webinar(region: Any) -> Meeting:
    return Meeting.objects.create(
        organisation=region,
        kind=Meeting.Kind.WEBINAR,
        title="Webbinarium: så fungerar medborgarförslag",
        starts_at=_at(10, 18),
        ends_at=_at(10, 19),
        mode=Meeting.Mode.DIGITAL,
        remote_link="https://mote.demo.delaktig.se/webbinarium",
        capacity=3,
        registration_open=True,
        description="Vi går igenom hur du skriver ett förslag och vad som händer sedan. "
        "Textning finns. Säg till om du behöver teckenspråkstolk.",
    )


def _put_in_process(webinar: Meeting, official: Any) -> None:
    """The webinar belongs to the open dialogue on principles, in a running "Möten" phase
    (which allows registering) until the webinar ends."""
    from delaktig.participation import services as participation_services
    from delaktig.participation.models import Phase, Process

    process = Process.objects.get(slug="principer-for-medborgardialog")
    module = participation_services.module_add(
        actor=official,
        process=process,
        kind="meeting",
        title="Möten",
        description="Webbinarium om hur du kan delta.",
    )
    Phase.objects.create(
        process=process,
        module=module,
        phase_type="events",
        name="Möten",
        description="Anmäl dig till webbinariet.",
        starts_at=timezone.now() - timedelta(days=14),
        ends_at=webinar.ends_at,
    )
    Meeting.objects.filter(pk=webinar.pk).update(module=module)
    webinar.module = module


def _past_event_with_minutes(region: Any) -> None:
    Meeting.objects.create(
        organisation=region,
        kind=Meeting.Kind.PUBLIC_EVENT,
        title="Öppet möte om vården i Härjedalen",
        starts_at=_at(-30, 18),
        ends_at=_at(-30, 20),
        mode=Meeting.Mode.PHYSICAL,
        location="Folkets hus, Sveg",
        accessibility_info="Hörslinga. Fika utan gluten och laktos.",
        minutes="## Anteckningar\n\n- 42 personer deltog.\n- Frågor om jourtider och "
        "ambulansens väg till Funäsdalen.\n- Nämnden återkommer i februari.",
        minutes_published_at=timezone.now() - timedelta(days=28),
    )
