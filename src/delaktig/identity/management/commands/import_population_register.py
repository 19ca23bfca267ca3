from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from delaktig.core.errors import DelaktigError
from delaktig.identity.register import problem_messages, read_register, register_replace


class Command(BaseCommand):
    help = (
        "Replace the population register used to prove folkbokföring with an extract "
        "(lines of personnummer;kommunkod). Numbers are hashed on import and never stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = read_register(options["file"].read_bytes())
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {options['file']}: {error}") from error
        except DelaktigError as error:
            said = " ".join([error.message, *problem_messages(error)[:10]])
            raise CommandError(f"nothing imported: {said}") from error
        count = register_replace(rows=rows)
        self.stdout.write(f"{count} people in the register")
