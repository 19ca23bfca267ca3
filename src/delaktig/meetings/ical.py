"""iCalendar (RFC 5545) for meetings, built with the icalendar library."""

from collections.abc import Iterable

from django.conf import settings
from icalendar import Calendar, Event

from .models import Meeting


def calendar_for(meetings: Iterable[Meeting], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Delaktig//Meetings//SV")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@delaktig")
        event.add("summary", meeting.title)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("dtstamp", meeting.created)
        location = meeting.location or str(meeting.get_mode_display())
        event.add("location", location)
        url = settings.SITE_URL + meeting.get_absolute_url()
        event.add("url", url)
        description = [meeting.description] if meeting.description else []
        if meeting.remote_link:
            description.append(meeting.remote_link)
        description.append(url)
        event.add("description", "\n\n".join(description))
        calendar.add_component(event)
    return bytes(calendar.to_ical())
