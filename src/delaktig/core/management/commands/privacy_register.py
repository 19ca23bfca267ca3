from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from delaktig.core import contributions


def register_markdown() -> str:
    """The register of personal data (GDPR art. 30) as a Markdown table in English, built
    from the registry; docs/privacy.md holds it and a test keeps the two the same."""
    with translation.override("en"):
        header = (
            "| key | data | purpose | legal basis | on account deletion | kept for |\n"
            "|---|---|---|---|---|---|\n"
        )
        rows = []
        for data in contributions.personal_data():
            if data.retention is not None:
                rule = data.retention
                kept = f"{rule.default_days} days by default ({rule.starts}); `{rule.key}`"
            else:
                kept = str(data.kept_for)
            cells = [
                f"`{data.key}`",
                str(data.name),
                str(data.purpose),
                str(data.legal_basis),
                data.on_erasure,
                kept,
            ]
            rows.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
        return header + "\n".join(rows) + "\n"


class Command(BaseCommand):
    help = "Print the register of personal data that the apps declare, as a Markdown table."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(register_markdown(), ending="")
