"""What screens and posters contribute to the platform (see `delaktig.core.contributions`).

Personal data: none shown. The official who last changed an organisation's screen settings
is kept as the authority's record.
"""

from delaktig.core.contributions import Contribution, contribute, staff_records

from . import errors

contribute(
    Contribution(
        app_label="screens",
        errors=errors.MESSAGES,
        personal_data=(
            staff_records(key="screens_staff", fields=("screens.ScreenSettings.updated_by",)),
        ),
    )
)
