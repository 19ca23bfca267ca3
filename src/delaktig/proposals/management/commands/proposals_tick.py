from typing import Any

from django.core.management.base import BaseCommand

from delaktig.proposals.services import case_reminders_send, proposals_expire


class Command(BaseCommand):
    help = "Close ended support periods and send deadline reminders. Run hourly (cron/timer)."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = proposals_expire()
        reminded = case_reminders_send()
        self.stdout.write(f"expired={expired} reminded={reminded}")
