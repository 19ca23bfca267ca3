"""The meetings' part of the site search: published meetings with their agendas."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import SearchSource, SearchText
from delaktig.core.markdown import plain_text

from .models import Meeting


def _text(meeting: Meeting) -> SearchText:
    agenda = " ".join(f"{item.title} {item.description}" for item in meeting.agenda.all())
    return SearchText(
        title=meeting.title,
        body=f"{plain_text(meeting.description, markdown=True)} {meeting.location} {agenda}",
    )


def _meeting_of(item: Any) -> list[int]:
    return [item.meeting_id]


SOURCE = SearchSource(
    key="meetings.meetings",
    name=_("Möten"),
    kind=_("Möte"),
    model="meetings.Meeting",
    public=lambda: Meeting.objects.public().prefetch_related("agenda"),
    text=_text,
    date=lambda meeting: meeting.starts_at,
    translated=("title", "description"),
    depends=(("meetings.AgendaItem", _meeting_of),),
    order=40,
)
