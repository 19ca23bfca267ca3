"""Changing what an organisation's waiting-room screen shows."""

from django.db import transaction

from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import ValidationFailed, require_perm
from delaktig.organisations.models import Organisation

from .models import SECONDS_MAX, SECONDS_MIN, ScreenSettings


def screen_settings_save(
    *,
    actor: User,
    organisation: Organisation,
    seconds: int,
    show_processes: bool,
    show_meetings: bool,
    show_proposals: bool,
) -> ScreenSettings:
    require_perm(actor, "screens.change_screensettings", organisation)
    if not SECONDS_MIN <= seconds <= SECONDS_MAX:
        raise ValidationFailed(
            "screens.seconds_out_of_range", field="seconds", low=SECONDS_MIN, high=SECONDS_MAX
        )
    if not (show_processes or show_meetings or show_proposals):
        raise ValidationFailed("screens.nothing_to_show")
    values = {
        "seconds": seconds,
        "show_processes": show_processes,
        "show_meetings": show_meetings,
        "show_proposals": show_proposals,
    }
    with transaction.atomic():
        screen, _created = ScreenSettings.objects.select_for_update().update_or_create(
            organisation=organisation, defaults={**values, "updated_by": actor}
        )
        audit_log(
            actor=actor,
            action="screens.settings_save",
            target=screen,
            organisation=organisation,
            data=values,
        )
    return screen
