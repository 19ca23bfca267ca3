"""What the assessments app contributes to the platform (see `delaktig.core.contributions`).

Impact assessments are prepared, edited and signed off by officials: the authority's own
records, kept; the account they point at is anonymised when it is deleted.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import (
    ApiRouter,
    Contribution,
    DumpTable,
    InboxQueue,
    OpenDataset,
    WorkItem,
    contribute,
    staff_records,
)

from . import errors, selectors


def _signoff_items(user: Any) -> list[WorkItem]:
    return [
        WorkItem(
            title=a.title,
            url=a.get_staff_url(),
            detail=f"{a.get_kind_display()} · {a.organisation.name}",
            when=a.updated,
        )
        for a in selectors.signoff_waiting(viewer=user)
    ]


INBOX = (
    InboxQueue(
        key="assessments.signoff",
        name=_("Konsekvensanalyser att godkänna"),
        explanation=_(
            "Analyser som är markerade som klara. Någon annan än den som skrev dem granskar "
            "och godkänner, eller öppnar dem igen med ett skäl."
        ),
        items=_signoff_items,
        count=lambda user: selectors.signoff_waiting(viewer=user).count(),
        order=70,
    ),
)

# --- Open data (the API's endpoint and dataset live in api.py, imported when used) ---


def _router() -> object:
    from .api import router

    return router


def _api(name: str) -> Any:
    """A function of api.py, imported on first call so that reading the registry stays cheap."""

    def call(*args: Any) -> Any:
        from . import api

        return getattr(api, name)(*args)

    return call


# The dumps' columns: the API's output, flattened; tests check the rows against them.
ASSESSMENT_COLUMNS = (
    "id",
    "url",
    "organisation",
    "kind",
    "kind_name",
    "title",
    "decision_summary",
    "signed_off_at",
    "signoff_note",
    "template_version",
    "process",
    "activity",
    "activity_code",
)
SECTION_COLUMNS = ("assessment", "position", "key", "label", "field_type", "answer")

DATASETS = (
    OpenDataset(
        key="assessments.assessments",
        title=_("Konsekvensanalyser"),
        description=_(
            "Godkända och publicerade konsekvensanalyser: för barn, jämställdhet, miljö, "
            "tillgänglighet och nationella minoriteter, med svaren avsnitt för avsnitt."
        ),
        api_path="/api/v1/assessments/",
        tables=(
            DumpTable(
                name="assessments.csv", columns=ASSESSMENT_COLUMNS, rows=_api("assessment_rows")
            ),
            DumpTable(
                name="assessment_sections.csv", columns=SECTION_COLUMNS, rows=_api("section_rows")
            ),
        ),
        coverage=_api("coverage"),
        modified=_api("modified"),
        themes=("GOVE", "SOCI"),
        keywords=(_("konsekvensanalys"), _("barnrätt"), _("jämställdhet")),
        order=70,
    ),
)

contribute(
    Contribution(
        app_label="assessments",
        inbox=INBOX,
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
        api=(ApiRouter(key="assessments.api", prefix="assessments", router=_router, order=70),),
        datasets=DATASETS,
    )
)
