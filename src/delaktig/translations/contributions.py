"""What the translations app contributes: its error messages, and the translators' and
reviewers' names on each translation (the authority's own records). The demo's translator is
one of the demo region's people (``demo/demo_data.toml``)."""

from delaktig.core.contributions import Contribution, contribute, staff_records

from . import errors

contribute(
    Contribution(
        app_label="translations",
        errors=errors.MESSAGES,
        personal_data=(
            staff_records(
                key="translations_staff",
                fields=(
                    "translations.Translation.translator",
                    "translations.Translation.reviewed_by",
                ),
            ),
        ),
    )
)
