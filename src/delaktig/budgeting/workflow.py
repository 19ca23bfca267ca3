"""The life of a budget and of an idea in it: two tables of allowed transitions. No models.

A budget::

    draft ── fix_ballot ──▶ ballot_fixed ── count ──▶ counted ── publish ──▶ published
      ▲                        │                        │  ▲
      └──── reopen_ballot ─────┘                        └──┘ count (a recount, e.g. after a
                                                             late batch of paper ballots)

While the budget is a draft, ideas come in and are reviewed. Fixing the ballot numbers the
ideas that go to the vote and draws their lots (the published tie-break order); it can be
undone only while nobody has voted. Votes are cast while the ballot is fixed and a voting
phase of the module runs. Counting cuts the last link between a voter and a ballot and
stores the result for staff; publishing shows it to everyone and cannot be undone.

An idea::

    submitted ── put_on_ballot ──▶ on_ballot
        │  ▲                          │
        │  └──── return_to_review ────┘ (and from not_on_ballot)
        └── leave_off_ballot ──▶ not_on_ballot   (always with a public reason)

    submitted ── withhold ──▶ held ── release ──▶ submitted   (the moderation service)
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from delaktig.core.workflow import StateMachine


class BudgetStatus(StrEnum):
    DRAFT = "draft"
    BALLOT_FIXED = "ballot_fixed"
    COUNTED = "counted"
    PUBLISHED = "published"


class BudgetAction(StrEnum):
    FIX_BALLOT = "fix_ballot"
    REOPEN_BALLOT = "reopen_ballot"
    COUNT = "count"
    PUBLISH = "publish"


BUDGET_STATUS_LABELS = {
    BudgetStatus.DRAFT: _("Förslag och granskning"),
    BudgetStatus.BALLOT_FIXED: _("Röstsedeln är fastställd"),
    BudgetStatus.COUNTED: _("Rösterna är räknade"),
    BudgetStatus.PUBLISHED: _("Resultatet är publicerat"),
}

BUDGET_MACHINE: StateMachine[BudgetStatus, BudgetAction] = StateMachine(
    {
        (BudgetStatus.DRAFT, BudgetAction.FIX_BALLOT): BudgetStatus.BALLOT_FIXED,
        (BudgetStatus.BALLOT_FIXED, BudgetAction.REOPEN_BALLOT): BudgetStatus.DRAFT,
        (BudgetStatus.BALLOT_FIXED, BudgetAction.COUNT): BudgetStatus.COUNTED,
        (BudgetStatus.COUNTED, BudgetAction.COUNT): BudgetStatus.COUNTED,
        (BudgetStatus.COUNTED, BudgetAction.PUBLISH): BudgetStatus.PUBLISHED,
    }
)


class ProjectStatus(StrEnum):
    SUBMITTED = "submitted"
    ON_BALLOT = "on_ballot"
    NOT_ON_BALLOT = "not_on_ballot"
    HELD = "held"


class ProjectAction(StrEnum):
    PUT_ON_BALLOT = "put_on_ballot"
    LEAVE_OFF_BALLOT = "leave_off_ballot"
    RETURN_TO_REVIEW = "return_to_review"
    WITHHOLD = "withhold"
    RELEASE = "release"


PROJECT_STATUS_LABELS = {
    ProjectStatus.SUBMITTED: _("Inlämnat, granskas"),
    ProjectStatus.ON_BALLOT: _("Går till omröstning"),
    ProjectStatus.NOT_ON_BALLOT: _("Går inte till omröstning"),
    ProjectStatus.HELD: _("Granskas av en moderator"),
}

PROJECT_MACHINE: StateMachine[ProjectStatus, ProjectAction] = StateMachine(
    {
        (ProjectStatus.SUBMITTED, ProjectAction.PUT_ON_BALLOT): ProjectStatus.ON_BALLOT,
        (ProjectStatus.SUBMITTED, ProjectAction.LEAVE_OFF_BALLOT): ProjectStatus.NOT_ON_BALLOT,
        (ProjectStatus.ON_BALLOT, ProjectAction.RETURN_TO_REVIEW): ProjectStatus.SUBMITTED,
        (ProjectStatus.NOT_ON_BALLOT, ProjectAction.RETURN_TO_REVIEW): ProjectStatus.SUBMITTED,
        (ProjectStatus.SUBMITTED, ProjectAction.WITHHOLD): ProjectStatus.HELD,
        (ProjectStatus.HELD, ProjectAction.RELEASE): ProjectStatus.SUBMITTED,
    }
)

# What the public sees of an idea: everything but a text held for a moderator.
PUBLIC_PROJECT_STATUSES = (
    ProjectStatus.SUBMITTED,
    ProjectStatus.ON_BALLOT,
    ProjectStatus.NOT_ON_BALLOT,
)
