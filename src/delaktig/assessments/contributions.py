"""What the assessments app contributes to the platform (see `delaktig.core.contributions`).

Impact assessments are prepared, edited and signed off by officials: the authority's own
records, kept; the account they point at is anonymised when it is deleted.
"""

from delaktig.core.contributions import Contribution, contribute, staff_records

from . import errors

contribute(
    Contribution(
        app_label="assessments",
        errors=errors.MESSAGES,
        personal_data=(
            staff_records(
                key="assessments_staff",
                fields=(
                    "assessments.ImpactAssessment.prepared_by",
                    "assessments.ImpactAssessment.last_edited_by",
                    "assessments.ImpactAssessment.signed_off_by",
                ),
            ),
        ),
    )
)
