from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from delaktig.core.errors import DelaktigError
from delaktig.organisations.models import Organisation
from delaktig.population.services import population_import


class Command(BaseCommand):
    help = "Import an SCB population table (JSON-stat2 or CSV from Statistikdatabasen)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", required=True, help="the organisation's slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--source", default="")
        parser.add_argument("--synthetic", action="store_true", help="the numbers are made up")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            organisation = Organisation.objects.get(slug=options["organisation"])
        except Organisation.DoesNotExist as error:
            raise CommandError(
                f"No organisation with the slug {options['organisation']!r}."
            ) from error
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            table = population_import(
                actor=None,
                organisation=organisation,
                name=options["name"],
                source=options["source"],
                is_synthetic=options["synthetic"],
                data=data,
                filename=path.name,
            )
        except DelaktigError as error:
            # The catalogue's message, in the language the command runs in.
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Imported {table.counts.count()} rows for {table.year} as table {table.pk}."
        )
