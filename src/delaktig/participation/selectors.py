"""Reads for the public pages, each in a fixed number of queries."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q

from delaktig.accounts.types import Visitor
from delaktig.core.contributions import WorkItem
from delaktig.core.languages import SOURCE, content_language
from delaktig.translations.models import Translation

from .forms import ProcessFilterForm
from .models import Follow, Phase, Process, ProcessQuerySet, SdgTarget


def process_list(*, viewer: Visitor, form: ProcessFilterForm) -> ProcessQuerySet:
    qs = Process.objects.visible_to(viewer).public().for_list()
    if not form.is_valid():
        return qs
    data = form.cleaned_data
    if data.get("q"):
        term = data["q"]
        qs = qs.filter(
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(question__icontains=term)
            | Q(body__icontains=term)
            | _translated_match(term)
        )
    if data.get("step"):
        qs = qs.filter(ladder_step=data["step"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("organisation"):
        qs = qs.filter(organisation=data["organisation"])
    if data.get("municipality"):
        qs = qs.filter(municipalities=data["municipality"])
    if data.get("perspective"):
        qs = qs.filter(perspectives=data["perspective"])
    if data.get("goal"):
        qs = qs.filter(sdg_goals=data["goal"])
    if data.get("target_group"):
        qs = qs.filter(target_groups=data["target_group"])
    return qs.distinct()


def _translated_match(term: str) -> Q:
    """Processes whose reviewed translation into the reader's language holds ``term`` (a
    Sami reader searches in Sami). A stale translation may match: the page then shows the
    Swedish, which the reader reaches all the same."""
    code = content_language()
    if code == SOURCE:
        return Q()
    rows = Translation.objects.filter(
        content_type=ContentType.objects.get_for_model(Process),
        language=code,
        state=Translation.State.REVIEWED,
        field__in=("title", "summary", "question", "body"),
        text__icontains=term,
    )
    return Q(pk__in=rows.values("object_id"))


def process_for_page(*, viewer: Visitor, slug: str) -> Process | None:
    return (
        Process.objects.visible_to(viewer)
        .select_related("organisation", "responsible_body", "feedback", "cover")
        .prefetch_related(
            "municipalities",
            "perspectives",
            "sdg_goals",
            "target_groups",
            "modules",
            Prefetch("sdg_targets", queryset=SdgTarget.objects.select_related("goal")),
            Prefetch("phases", queryset=Phase.objects.select_related("module")),
            "transitions",
        )
        .filter(slug=slug)
        .first()
    )


def mine_following(*, viewer: Visitor) -> list[WorkItem]:
    """The processes the person follows, newest first: each links to the process, where the
    person can stop following it."""
    if not viewer.is_authenticated:
        return []
    follows = (
        Follow.objects.filter(user=viewer, process__in=Process.objects.visible_to(viewer))
        .select_related("process__organisation")
        .order_by("-created", "-pk")
    )
    return [
        WorkItem(
            title=follow.process.title,
            url=follow.process.get_absolute_url(),
            detail=f"{follow.process.organisation.name} · {follow.process.get_status_display()}",
            when=follow.created,
        )
        for follow in follows
    ]


def feedback_owed(*, viewer: Visitor) -> ProcessQuerySet:
    """Closed processes the viewer may edit whose feedback is not yet published (the staff
    inbox), the longest waiting first."""
    return (
        Process.objects.editable_by(viewer)
        .owing_feedback()
        .select_related("organisation")
        .order_by("updated", "pk")
    )
