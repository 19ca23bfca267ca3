"""What the population app contributes to the platform (see `delaktig.core.contributions`).

Population tables are imported by officials: who imported a table is the authority's record,
kept; the account it points at is anonymised when it is deleted. The SCB file parser's error
messages are in the one catalogue (`errors.MESSAGES`).
"""

from delaktig.core.contributions import Contribution, contribute, staff_records

from . import errors

contribute(
    Contribution(
        app_label="population",
        personal_data=(
            staff_records(
                key="population_staff", fields=("population.PopulationTable.imported_by",)
            ),
        ),
        errors=errors.MESSAGES,
    )
)
