"""iCalendar (RFC 5545) for meetings, built with the icalendar library.

The texts are in the request's content language where a reviewed, current translation exists
(``?sprak=se`` on the feed's address, since calendar apps send no cookie), each marked with
its ``LANGUAGE`` where it is not Swedish; the rest stays Swedish.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import prefetch_related_objects
from icalendar import Calendar, Event

from delaktig.core.languages import SOURCE, language
from delaktig.core.sites import absolute_url
from delaktig.translations.access import prefetch

from .models import Meeting


def _text(meeting: Meeting, field: str) -> tuple[str, dict[str, Any]]:
    """The text of ``field`` and its parameters: ``LANGUAGE`` where it is not Swedish."""
    shown = getattr(meeting.t, field)
    if shown.language == SOURCE:
        return str(shown), {}
    return str(shown), {"LANGUAGE": language(shown.language).tag}


def calendar_for(meetings: Iterable[Meeting], *, name: str) -> bytes:
    meetings = list(meetings)
    prefetch(meetings)
    # Each event links to the meeting on its organisation's own host where it has one.
    prefetch_related_objects(meetings, "organisation")
    calendar = Calendar()
    calendar.add("prodid", "-//Delaktig//Meetings//SV")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@delaktig")
        title, title_params = _text(meeting, "title")
        event.add("summary", title, parameters=title_params)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("dtstamp", meeting.created)
        location, location_params = _text(meeting, "location")
        if location:
            event.add("location", location, parameters=location_params)
        else:
            event.add("location", str(meeting.get_mode_display()))
        url = absolute_url(meeting.get_absolute_url(), meeting.organisation)
        event.add("url", url)
        description, description_params = _text(meeting, "description")
        parts = [description] if description else []
        if meeting.remote_link:
            parts.append(meeting.remote_link)
        parts.append(url)
        event.add("description", "\n\n".join(parts), parameters=description_params)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
