from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from delaktig.core import contributions
from delaktig.core.jobs import Outcome, run_jobs


def shown(outcome: Outcome) -> str:
    """What one job did: its result, ``error``, ``busy`` (another tick is running it) or
    ``-`` (not due)."""
    if outcome.error:
        return "error"
    if outcome.ran:
        return str(outcome.result)
    return "busy" if outcome.busy else "-"


class Command(BaseCommand):
    help = (
        "Time-driven work; run hourly (cron or a systemd timer). Runs every job that the apps "
        "declare in the platform registry: hourly jobs once an hour, daily jobs once a day, "
        "each once however many ticks run at the same time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--job", help="run only this job, due or not")
        parser.add_argument("--list", action="store_true", help="list the jobs and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for job in contributions.jobs():
                self.stdout.write(f"{job.key} ({job.every}): {job.name}")
            return
        if options["job"] and options["job"] not in {j.key for j in contributions.jobs()}:
            raise CommandError(f"no job called {options['job']!r}")
        outcomes = run_jobs(only=options["job"])
        self.stdout.write(" ".join(f"{o.key}={shown(o)}" for o in outcomes))
        failed = [o for o in outcomes if o.error]
        if failed:
            raise CommandError("; ".join(f"{o.key}: {o.error}" for o in failed))
