from typing import Any

from django.core.management.base import BaseCommand

from delaktig.participation.demo import templates_load


class Command(BaseCommand):
    help = (
        "Load (or update, by key) the process templates the platform ships, "
        "participation/process_templates.toml, as templates for the whole platform."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for template in templates_load():
            self.stdout.write(f"  {template.key}: {template.name}")
        self.stdout.write(self.style.SUCCESS("Loaded the platform's process templates."))
