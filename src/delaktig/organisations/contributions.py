"""What the organisations app contributes: the daily gallring job, and officials' records."""

from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import (
    ApiRouter,
    Contribution,
    DemoData,
    Job,
    contribute,
    staff_records,
)

from . import demo, errors
from .retention import retention_apply


def _router() -> object:
    from .api import router

    return router


contribute(
    Contribution(
        app_label="organisations",
        errors=errors.MESSAGES,
        personal_data=(
            staff_records(
                key="organisations_staff",
                fields=(
                    "organisations.AccessibilityStatement.updated_by",
                    "organisations.RetentionRule.updated_by",
                    "organisations.Branding.updated_by",
                ),
            ),
        ),
        jobs=(
            Job(
                key="retention",
                name=_("Gallra personuppgifter enligt organisationernas regler"),
                run=lambda now: retention_apply(now=now),
                every="day",
            ),
        ),
        demo=DemoData(load=demo.load, order=5),
        api=(ApiRouter(key="organisations.api", prefix="organisations", router=_router, order=10),),
    )
)
