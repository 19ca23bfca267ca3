"""``manage.py search_reindex [source …]``: bring the site search's index up to date now."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from delaktig.core.contributions import search_sources
from delaktig.search.index import reindex


class Command(BaseCommand):
    help = "Brings the site search's index up to date with what every source publishes."

    def add_arguments(self, parser: CommandParser) -> None:
        # No argparse choices: with nargs="*" Python 3.11 refuses an empty list as a choice.
        parser.add_argument(
            "sources", nargs="*", help="only these sources (keys such as proposals.proposals)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        known = [source.key for source in search_sources()]
        unknown = [key for key in options["sources"] if key not in known]
        if unknown:
            raise CommandError(f"unknown sources {unknown}; known: {', '.join(known)}")
        changed = reindex(keys=options["sources"])
        self.stdout.write(f"{changed} rows written or removed")
