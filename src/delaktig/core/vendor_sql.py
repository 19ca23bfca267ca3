"""SQL a migration runs as written for each database (triggers, full-text indexes), where
Django's schema operations have no word for it."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import migrations


def _run(statements: Mapping[str, Sequence[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def by_vendor(
    forward: Mapping[str, Sequence[str]], reverse: Mapping[str, Sequence[str]]
) -> migrations.RunPython:
    """A migration step running ``forward[vendor]`` (and ``reverse[vendor]`` backwards), with
    ``vendor`` Django's name of the database: ``postgresql`` or ``sqlite``."""
    return migrations.RunPython(_run(forward), _run(reverse))
