from typing import Any

from django.core.management.base import BaseCommand

from delaktig.demo.region import DEMO_PASSWORD, load_demo_region
from delaktig.organisations.models import Organisation


class Command(BaseCommand):
    help = "Load the demo region (once) and print demo log-ins for each role."

    def handle(self, *args: Any, **options: Any) -> None:
        if Organisation.objects.exists():
            self.stdout.write("The demo region is already loaded.")
            logins = None
        else:
            logins = load_demo_region()
            self.stdout.write(self.style.SUCCESS("Loaded the demo region."))
        self.stdout.write(f"\nDemo log-ins (password for all: {DEMO_PASSWORD}):")
        for role, email in (
            [
                ("administratör", "admin@demo.delaktig.se"),
                ("tjänsteperson (regionen)", "tjansteperson@demo.delaktig.se"),
                ("tjänsteperson (Östersunds kommun)", "kommun@demo.delaktig.se"),
                ("moderator", "moderator@demo.delaktig.se"),
                ("invånare", "invanare@demo.delaktig.se"),
                ("ung invånare (14 år)", "ung@demo.delaktig.se"),
            ]
            if logins is None
            else [(login.role, login.email) for login in logins]
        ):
            self.stdout.write(f"  {role:36} {email}")
        hosts = Organisation.objects.exclude(host="").order_by("name")
        if hosts:
            self.stdout.write("\nOrganisations with their own host name (same port):")
            for organisation in hosts:
                self.stdout.write(f"  {organisation.name:36} {organisation.host}")
