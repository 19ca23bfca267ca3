"""What the spine holds about a person: the processes they follow, and officials' actions."""

from typing import Any

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from delaktig.accounts.types import User
from delaktig.core.contributions import (
    ApiRouter,
    Contribution,
    DemoContext,
    DemoData,
    InboxQueue,
    LegalBasis,
    MineSection,
    NotificationKind,
    PersonalData,
    SearchSource,
    SearchText,
    TranslatableKind,
    WorkItem,
    contribute,
    staff_records,
)
from delaktig.core.markdown import plain_text

from . import demo_covers, errors, opendata, selectors
from .models import Feedback, Follow, Phase, Process, ProcessModule


def _export(user: User) -> list[dict[str, Any]]:
    return [
        {"process": f.process.title, "since": f.created.isoformat()}
        for f in Follow.objects.filter(user=user).select_related("process")
    ]


def _load_demo(context: DemoContext) -> None:
    """The process templates the platform ships (process_templates.toml), the covers, and
    the demo processes' English translations (demo_data.toml)."""
    from .demo import templates_load, translations_load

    templates_load()
    demo_covers.load(context)
    _demo_follows(context)
    translations_load(actor=context.official)


# The demo resident (invanare@) follows these, so that Mina sidor has something to show.
DEMO_FOLLOWS = ("principer-for-medborgardialog", "ersattningsmodell-for-delaktighet")


def _demo_follows(context: DemoContext) -> None:
    from .models import Process
    from .services import follow_set

    for process in Process.objects.filter(slug__in=DEMO_FOLLOWS):
        follow_set(actor=context.residents[0], process=process, follow=True)


def _router() -> object:
    from .api import router

    return router


def _erase(user: User) -> None:
    Follow.objects.filter(user=user).delete()


def _feedback_items(user: User) -> list[WorkItem]:
    return [
        WorkItem(
            title=p.title,
            url=reverse("staff:feedback", args=[p.pk]),
            detail=p.organisation.name,
            when=p.updated,
        )
        for p in selectors.feedback_owed(viewer=user)
    ]


INBOX = (
    InboxQueue(
        key="participation.feedback",
        name=_("Väntar på återkoppling"),
        explanation=_(
            "Stängda processer utan publicerad återkoppling. Invånarna väntar på att få veta "
            "vad ni hörde, vad som beslutades och varför."
        ),
        items=_feedback_items,
        count=lambda user: selectors.feedback_owed(viewer=user).count(),
        order=80,
    ),
)


MINE = (
    MineSection(
        key="participation.following",
        name=_("Processer du följer"),
        items=lambda user: selectors.mine_following(viewer=user),
        empty=_(
            "Du följer inga processer ännu. Följ en process så får du e-post när den berättar "
            "vad som hände med synpunkterna."
        ),
        start=_("Hitta en process att följa"),
        start_url=reverse_lazy("participation:list"),
        order=10,
    ),
)


def _in_process(name: str) -> Any:
    """A label for a part of a process: the process's title and the part's name."""
    return lambda part: f"{part.process.title} – {getattr(part, name)}"


# The public texts of processes, for the translators' workbench. Drafts are included, and
# so is feedback not yet published: a translation made before the process (or its feedback)
# is published is there on the day residents first read it. Archived processes stay public,
# so they stay too.
TRANSLATABLE = (
    TranslatableKind(
        key="participation.process",
        name=_("Process"),
        model=Process,
        organisation="organisation_id",
        url=lambda process: process.get_absolute_url(),
        order=10,
    ),
    TranslatableKind(
        key="participation.phase",
        name=_("Fas i en process"),
        model=Phase,
        organisation="process__organisation_id",
        url=lambda phase: phase.process.get_absolute_url() + "#phases-title",
        scope=lambda query: query.select_related("process"),
        label=_in_process("name"),
        order=11,
    ),
    TranslatableKind(
        key="participation.module",
        name=_("Deltagandeform i en process"),
        model=ProcessModule,
        organisation="process__organisation_id",
        url=lambda module: module.process.get_absolute_url() + f"#module-{module.pk}",
        scope=lambda query: query.select_related("process"),
        label=_in_process("title"),
        order=12,
    ),
    TranslatableKind(
        key="participation.feedback",
        name=_("Återkoppling"),
        model=Feedback,
        organisation="process__organisation_id",
        url=lambda feedback: feedback.process.get_absolute_url() + "#feedback",
        scope=lambda query: query.select_related("process"),
        order=13,
    ),
)


contribute(
    Contribution(
        app_label="participation",
        mine=MINE,
        inbox=INBOX,
        translatable=TRANSLATABLE,
        # The site search (delaktig.search): public processes.
        search=(
            SearchSource(
                key="participation.processes",
                name=_("Deltagandeprocesser"),
                kind=_("Deltagandeprocess"),
                model="participation.Process",
                public=lambda: Process.objects.public(),
                text=lambda process: SearchText(
                    title=process.title,
                    body=f"{process.summary} {plain_text(process.body, markdown=True)}",
                ),
                date=lambda process: process.published_at,
                translated=("title", "summary", "body"),
                order=10,
            ),
        ),
        notifications=(
            NotificationKind(
                key="participation.feedback",
                order=10,
                name=_("Återkoppling från processer"),
                description=_(
                    "När en process du följer eller deltagit i publicerar vad som hände med "
                    "synpunkterna."
                ),
            ),
        ),
        errors=errors.MESSAGES,
        personal_data=(
            PersonalData(
                key="follows",
                name=_("Processer du följer"),
                purpose=_("Att skicka e-post när något händer i processen."),
                legal_basis=LegalBasis.CONSENT,
                covers=("participation.Follow.user",),
                export=_export,
                erase=_erase,
                kept_for=_("Tills du slutar följa processen eller tar bort kontot."),
            ),
            staff_records(
                key="participation_staff",
                fields=(
                    "participation.Process.created_by",
                    "participation.ProcessTransition.actor",
                    "participation.Feedback.author",
                    "participation.ProcessCover.updated_by",
                    "participation.ProcessTemplate.created_by",
                ),
            ),
        ),
        demo=DemoData(load=_load_demo, order=6),
        # The open-data API (``/api/v1/processes/``) and the dataset it serves (opendata.py).
        api=(
            ApiRouter(key="participation.processes", prefix="processes", router=_router, order=20),
        ),
        datasets=(opendata.DATASET,),
    )
)
