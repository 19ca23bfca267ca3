"""What the budgeting app contributes to the platform (see `delaktig.core.contributions`).

Personal data: a person's ideas (a public document once sent in: deleting the account takes
the name off them), and the register's row that they have voted (the keyed hash of their
personnummer, kept while the vote can still be changed and erased when the result is
published). A ballot holds nothing about its voter and is not personal data.
"""

from typing import Any

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from delaktig.accounts.types import User
from delaktig.core.contributions import (
    ApiRouter,
    Contribution,
    DemoData,
    DumpTable,
    InboxQueue,
    LegalBasis,
    MineSection,
    ModeratedKind,
    OpenDataset,
    PersonalData,
    TranslatableKind,
    WorkItem,
    contribute,
    staff_records,
)
from delaktig.identity.models import Verification

from . import errors, services, staff_selectors
from .models import PROJECT_KIND, Budget, Category, Project, Voter
from .workflow import BUDGET_STATUS_LABELS, PROJECT_STATUS_LABELS, BudgetStatus, ProjectStatus


def _export_ideas(user: User) -> list[dict[str, Any]]:
    ideas = Project.objects.filter(author=user).select_related("budget__module__process")
    return [
        {
            "process": p.budget.module.process.title,
            "title": p.title,
            "description": p.description,
            "location": p.location,
            "cost_estimate": p.cost_estimate,
            "status": p.status,
            "created": p.created.isoformat(),
        }
        for p in ideas.order_by("pk")
    ]


def _erase_ideas(user: User) -> None:
    # The idea is a public document and stays; the name is taken off it.
    Project.objects.filter(author=user).update(author=None, author_name="")


def _voter_rows(user: User) -> Any:
    verification = Verification.objects.filter(user=user).first()
    if verification is None or not verification.identity_hash:
        return Voter.objects.none()
    return Voter.objects.filter(identity_hash=verification.identity_hash)


def _export_votes(user: User) -> list[dict[str, Any]]:
    rows = _voter_rows(user).select_related("budget__module__process").order_by("pk")
    return [
        {
            "process": v.budget.module.process.title,
            "voted_on": v.voted_on.isoformat(),
            "channel": v.channel,
            "how_you_voted": str(_("Uppgiften finns inte: röstsedeln är inte kopplad till dig.")),
        }
        for v in rows
    ]


def _erase_votes(user: User) -> None:
    # The register row is kept until the result is published, so that the same person cannot
    # vote a second time with a new account; then its hash is erased for everyone.
    return None


def _mine(user: User) -> list[WorkItem]:
    """The person's ideas and the budgets they have voted in (that they voted, never how)."""
    items = []
    ideas = Project.objects.filter(author=user).select_related("budget__module__process")
    for idea in ideas.order_by("-created")[:50]:
        items.append(
            WorkItem(
                title=idea.title,
                url=_project_url(idea),
                detail=f"{idea.budget.module.process.title} · "
                f"{PROJECT_STATUS_LABELS[ProjectStatus(idea.status)]}",
                when=idea.created,
            )
        )
    voted = _voter_rows(user).select_related("budget__module__process").order_by("-voted_on")
    for row in voted[:50]:
        budget = row.budget
        status = BudgetStatus(budget.status)
        open_now = status == BudgetStatus.BALLOT_FIXED
        items.append(
            WorkItem(
                title=str(_("Du har röstat: %(title)s") % {"title": budget.module.process.title}),
                url=reverse(
                    "budgeting:vote" if open_now else "budgeting:page",
                    kwargs={"module_pk": budget.module_id},
                ),
                detail=BUDGET_STATUS_LABELS[status],
                when=row.voted_on,
            )
        )
    return items


MINE = (
    MineSection(
        key="budgeting.mine",
        name=_("Medborgarbudgetar"),
        items=_mine,
        empty=_("Du har inte lämnat förslag eller röstat i någon medborgarbudget."),
        start=_("Se öppna processer"),
        start_url=reverse_lazy("participation:list"),
        order=55,
    ),
)


def _budget_url(module_id: int) -> str:
    return reverse("budgeting:page", kwargs={"module_pk": module_id})


def _project_url(project: Project) -> str:
    return reverse(
        "budgeting:project",
        kwargs={"module_pk": project.budget.module_id, "project_pk": project.pk},
    )


# --- Ideas waiting for an official's review (the staff inbox) ---


def _idea_items(user: Any) -> list[WorkItem]:
    items = []
    for idea in staff_selectors.ideas_to_review(viewer=user):
        module = idea.budget.module
        items.append(
            WorkItem(
                title=idea.title,
                url=reverse(
                    "budgeting:review", kwargs={"module_pk": module.pk, "project_pk": idea.pk}
                ),
                detail=f"{module.process.title} – {module.title}",
                when=idea.created,
            )
        )
    return items


INBOX = (
    InboxQueue(
        key="budgeting.ideas",
        name=_("Förslag att bedöma i medborgarbudgetar"),
        explanation=_(
            "Nya förslag till medborgarbudgetar. Bedöm kostnad och genomförbarhet och besluta "
            "om förslaget går till omröstning; ett förslag som inte går vidare får ett "
            "offentligt skäl."
        ),
        items=_idea_items,
        count=lambda user: staff_selectors.ideas_to_review(viewer=user).count(),
        order=40,
    ),
)


PROJECTS = ModeratedKind(
    key=PROJECT_KIND,
    name=_("Förslag till medborgarbudget"),
    module=_("Medborgarbudget"),
    model=Project,
    text=lambda p: f"{p.title}\n\n{p.description}",
    author=lambda p: p.author,
    organisation_id=lambda p: p.budget.module.process.organisation_id,
    url=_project_url,
    withhold=services.project_withhold,
    release=services.project_release,
)

TRANSLATABLE = (
    TranslatableKind(
        key="budgeting.budget",
        name=_("Medborgarbudget"),
        model=Budget,
        organisation="module__process__organisation_id",
        url=lambda b: _budget_url(b.module_id),
        scope=lambda query: query.select_related("module__process").exclude(rules_text=""),
        label=lambda b: f"{b.module.process.title} – {b.module.title}",
        order=60,
    ),
    TranslatableKind(
        key="budgeting.category",
        name=_("Kategori i en medborgarbudget"),
        model=Category,
        organisation="budget__module__process__organisation_id",
        url=lambda c: _budget_url(c.budget.module_id),
        scope=lambda query: query.select_related("budget__module"),
        label=lambda c: f"{c.budget.module.title} – {c.name}",
        order=61,
    ),
    TranslatableKind(
        key="budgeting.project",
        name=_("Förslag i en medborgarbudget"),
        model=Project,
        organisation="budget__module__process__organisation_id",
        url=_project_url,
        # Ideas on the ballot are the ones everybody reads before voting.
        scope=lambda query: query.select_related("budget__module").filter(number__isnull=False),
        label=lambda p: f"{p.budget.module.title} – {p.title}",
        order=62,
    ),
)


def _load_demo(context: Any) -> None:
    from . import demo

    demo.load(context)


# --- Open data (the API and the dataset; the code in api.py, imported when used) ---------------


def _router() -> object:
    from .api import router

    return router


def _api(name: str) -> Any:
    def call(organisation: Any) -> Any:
        from . import api

        return getattr(api, name)(organisation)

    return call


DATASETS = (
    OpenDataset(
        key="budgeting.budgets",
        title=_("Medborgarbudgetar"),
        description=_(
            "Förslagen till medborgarbudgetar med tjänstepersonernas bedömning och skälen när "
            "ett förslag inte gick till omröstning, och de publicerade resultaten: röster per "
            "förslag, plats och vilka förslag som får pengar. De anonyma röstsedlarna finns "
            "som en fil per budget."
        ),
        api_path="/api/v1/budgets/",
        tables=(
            DumpTable(
                name="projects.csv",
                columns=(
                    "id",
                    "budget_id",
                    "number",
                    "lot",
                    "title",
                    "description",
                    "location",
                    "area_code",
                    "area",
                    "category",
                    "status",
                    "reason",
                    "cost_estimate",
                    "cost",
                    "feasibility",
                    "author_name",
                    "url",
                ),
                rows=_api("project_rows"),
            ),
            DumpTable(
                name="results.csv",
                columns=(
                    "budget_id",
                    "method",
                    "project_id",
                    "number",
                    "title",
                    "votes",
                    "place",
                    "funded",
                    "activity_id",
                    "activity_status",
                ),
                rows=_api("result_rows"),
            ),
        ),
        coverage=_api("coverage"),
        modified=_api("modified"),
        themes=("GOVE", "ECON"),
        keywords=(_("medborgarbudget"), _("medborgardialog"), _("omröstning")),
        order=70,
    ),
)


contribute(
    Contribution(
        app_label="budgeting",
        inbox=INBOX,
        moderated=(PROJECTS,),
        mine=MINE,
        translatable=TRANSLATABLE,
        personal_data=(
            PersonalData(
                key="budget_ideas",
                name=_("Förslag du lämnat till medborgarbudgetar"),
                purpose=_("Att förslagen kan bedömas, visas och röstas om."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("budgeting.Project.author", "budgeting.Project"),
                export=_export_ideas,
                erase=_erase_ideas,
                on_erasure="de-personalised",
                kept_for=_(
                    "Förslaget är en allmän handling och finns kvar. Tar du bort kontot tas "
                    "ditt namn bort från det."
                ),
            ),
            PersonalData(
                key="budget_votes",
                name=_("Att du har röstat i en medborgarbudget"),
                purpose=_(
                    "Att varje person röstar en gång. Röstlängden visar att du har röstat, "
                    "aldrig hur: röstsedeln kopplas inte till dig."
                ),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("budgeting.Voter",),
                export=_export_votes,
                erase=_erase_votes,
                on_erasure="kept",
                kept_for=_(
                    "Tills resultatet publiceras. Då raderas kopplingen till ditt "
                    "personnummer, och kvar finns bara att någon har röstat."
                ),
            ),
            staff_records(
                key="budgeting_staff",
                fields=(
                    "budgeting.Project.reviewed_by",
                    "budgeting.Budget.published_by",
                    "budgeting.Voter.registered_by",
                    "budgeting.PaperBatch.created_by",
                    "budgeting.PaperEntry.entered_by",
                ),
            ),
        ),
        demo=DemoData(load=_load_demo, order=70),
        errors=errors.MESSAGES,
        api=(
            ApiRouter(
                key="budgeting.api",
                prefix="budgets",
                router=_router,
                published_names=("budgeting.Project.author_name",),
                order=70,
            ),
        ),
        datasets=DATASETS,
    )
)
