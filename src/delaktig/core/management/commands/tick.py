from typing import Any

from django.core.management.base import BaseCommand

from delaktig.meetings.services import meeting_reminders_send
from delaktig.proposals.services import case_reminders_send, proposals_expire


class Command(BaseCommand):
    help = (
        "Time-driven work; run hourly (cron or a systemd timer): close ended support periods, "
        "remind officials of case deadlines, remind people registered for tomorrow's meetings."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        expired = proposals_expire()
        case_reminders = case_reminders_send()
        meeting_reminders = meeting_reminders_send()
        self.stdout.write(
            f"expired={expired} case_reminders={case_reminders} "
            f"meeting_reminders={meeting_reminders}"
        )
