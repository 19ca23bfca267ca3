"""Public pages: home, the process list, the process page, follow, feeds."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from delaktig.accounts.types import User
from delaktig.core.languages import content_language, language
from delaktig.core.paging import capped_count, page_number, window
from delaktig.core.sites import SCOPE_PARAM, list_scope, require_own_host
from delaktig.core.storage import stored_file_response
from delaktig.translations.access import prefetch

from . import selectors, services
from .forms import ProcessFilterForm
from .models import Feedback, Follow, LadderStep, Process
from .workflow import PUBLIC_STATUSES, Status


def home(request: HttpRequest) -> HttpResponse:
    public = Process.objects.visible_to(request.user).public().for_list()
    if (scope := list_scope(request)) is not None:
        public = public.filter(organisation=scope)
    today = timezone.localdate()
    open_processes = list(public.filter(status=Status.OPEN.value)[:6])
    upcoming = list(
        public.filter(
            status__in=[Status.OPEN.value, Status.CLOSED.value, Status.PUBLISHED.value],
            decision_expected__gte=today,
        ).order_by("decision_expected")[:5]
    )
    latest_feedback = list(
        Feedback.objects.filter(published_at__isnull=False, process__in=public)
        .select_related("process")
        .order_by("-published_at")[:4]
    )
    # The texts in the reader's language: one query per model, not one per card.
    prefetch([*open_processes, *upcoming, *latest_feedback, *(f.process for f in latest_feedback)])
    context = {
        "open_processes": open_processes,
        "upcoming_decisions": upcoming,
        "latest_feedback": latest_feedback,
        "ladder_steps": LadderStep.choices,
    }
    return render(request, "participation/home.html", context)


def _with_scope(request: HttpRequest) -> QueryDict:
    """The list's query, with the host's own organisation chosen while the query names none
    (``core.sites``): the organisation filter then shows it, and "Alla organisationer" (an
    empty value) lists every organisation's."""
    scope = list_scope(request)
    if scope is None:
        return request.GET
    query = request.GET.copy()
    query[SCOPE_PARAM] = str(scope.pk)
    return query


def process_list(request: HttpRequest) -> HttpResponse:
    form = ProcessFilterForm(_with_scope(request) or None)
    processes = selectors.process_list(viewer=request.user, form=form)
    # No COUNT over every process: a page and one row more, and a count up to a thousand.
    page = window(processes, page_number(request.GET), 20)
    count, more = capped_count(processes)
    template = "participation/process_list.html"
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        template = "participation/_process_results.html"
    shown = list(page.items)
    prefetch(shown)
    return render(
        request,
        template,
        {"form": form, "page": page, "processes": shown, "count": count, "more": more},
    )


def render_process_page(
    request: HttpRequest,
    process: Process,
    *,
    module_state: dict[int, dict[str, Any]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The process page. Modules may pass state back, e.g. a form with errors to show again."""
    module_state = module_state or {}
    feedback = getattr(process, "feedback", None)
    # The page's texts in the reader's language, loaded at once (the modules render first).
    prefetch([process, *process.phases.all(), *process.modules.all(), feedback])
    modules_html = [
        module.module_type.render_public(request, module, module_state.get(module.pk, {}))
        for module in process.modules.all()
    ]
    outcome_links = [
        link
        for module in process.modules.all()
        for link in module.module_type.outcome_links(module)
    ]
    following = (
        request.user.is_authenticated
        and Follow.objects.filter(user=request.user, process=process).exists()
    )
    return render(
        request,
        "participation/process_detail.html",
        {
            "process": process,
            "facts": selectors.process_facts(process),
            "modules_html": modules_html,
            "outcome_links": outcome_links,
            "following": following,
            "feedback": feedback if feedback and feedback.published_at else None,
            "can_edit": request.user.has_perm("participation.change_process", process),
        },
        status=status,
    )


def process_detail(request: HttpRequest, slug: str) -> HttpResponse:
    process = selectors.process_for_page(viewer=request.user, slug=slug)
    if process is None:
        raise Http404
    require_own_host(request, process.organisation)
    return render_process_page(request, process)


@require_POST
def process_follow(request: HttpRequest, slug: str) -> HttpResponse:
    process = selectors.process_for_page(viewer=request.user, slug=slug)
    if process is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(process.get_absolute_url())
    follow = request.POST.get("follow") == "1"
    services.follow_set(actor=cast(User, request.user), process=process, follow=follow)
    messages.success(
        request,
        _("Du följer nu processen och får e-post när återkopplingen publiceras.")
        if follow
        else _("Du följer inte längre processen."),
    )
    return redirect(process)


class TranslatedAtomFeed(Atom1Feed):
    """Atom whose entries say their language (``xml:lang``) where it is not the feed's."""

    def item_attributes(self, item: dict[str, Any]) -> dict[Any, Any]:
        attributes = dict(super().item_attributes(item))
        tag = item.get("language_tag")
        if tag and tag != self.feed["language"]:
            attributes["xml:lang"] = tag
        return attributes


def entry_language(item: Any, fields: tuple[str, ...]) -> str:
    """The language a feed entry is written in: the reader's where each of its texts is
    translated (reviewed and current), else the source, so that an entry is in one language."""
    code = content_language()
    if code != item.source_language() and all(
        item.translation(name, code) for name in fields if getattr(item, name)
    ):
        return code
    return str(item.source_language())


class ProcessFeed(Feed[Process, Any]):
    feed_type = TranslatedAtomFeed
    shown = ("title", "summary")
    title = gettext_lazy("Nya deltagandeprocesser")
    subtitle = gettext_lazy("Processer där du kan ta del, tycka till eller besluta.")

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """The host's own organisation, whose processes alone the feed lists (``core.sites``)."""
        return list_scope(request)

    def link(self) -> str:
        return reverse("participation:list")

    def items(self, obj: Any) -> Any:
        public = Process.objects.public()
        if obj is not None:
            public = public.filter(organisation=obj)
        items = list(public.select_related("organisation").order_by("-published_at")[:30])
        prefetch(items)
        return items

    def item_title(self, item: Process) -> str:
        title = item.tr("title", entry_language(item, self.shown))
        return f"{title} ({item.get_ladder_step_display()})"

    def item_description(self, item: Process) -> str:
        return item.tr("summary", entry_language(item, self.shown))

    def item_extra_kwargs(self, item: Process) -> dict[str, Any]:
        return {"language_tag": language(entry_language(item, self.shown)).tag}

    def item_pubdate(self, item: Process) -> Any:
        return item.published_at

    def item_updateddate(self, item: Process) -> Any:
        return item.updated


class FeedbackFeed(Feed[Feedback, Any]):
    feed_type = TranslatedAtomFeed
    title = gettext_lazy("Återkoppling: vad hände med synpunkterna")
    subtitle = gettext_lazy("Vad vi hörde, vad som beslutades och varför.")

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return list_scope(request)

    def link(self) -> str:
        return reverse("participation:list") + "?status=feedback_published"

    def items(self, obj: Any) -> Any:
        public = Process.objects.public()
        if obj is not None:
            public = public.filter(organisation=obj)
        items = list(
            Feedback.objects.filter(published_at__isnull=False, process__in=public)
            .select_related("process")
            .order_by("-published_at")[:30]
        )
        prefetch([*items, *(item.process for item in items)])
        return items

    def _language(self, item: Feedback) -> str:
        """The process's title and the decision, in one language."""
        if entry_language(item, ("decided",)) == entry_language(item.process, ("title",)):
            return entry_language(item, ("decided",))
        return str(item.source_language())

    def item_title(self, item: Feedback) -> str:
        return item.process.tr("title", self._language(item))

    def item_description(self, item: Feedback) -> str:
        return item.tr("decided", self._language(item))

    def item_extra_kwargs(self, item: Feedback) -> dict[str, Any]:
        return {"language_tag": language(self._language(item)).tag}

    def item_link(self, item: Feedback) -> str:
        return item.process.get_absolute_url() + "#feedback"

    def item_pubdate(self, item: Feedback) -> Any:
        return item.published_at


@require_GET
def process_cover_image(request: HttpRequest, slug: str, version: int, width: int) -> FileResponse:
    """One rendition of a process's cover image, to those who may see the process. An address
    names a version, so a public process's image may be kept for a year."""
    process = (
        Process.objects.visible_to(request.user).select_related("cover").filter(slug=slug).first()
    )
    cover = getattr(process, "cover", None) if process is not None else None
    rendition = next((r for r in cover.renditions if r["width"] == width), None) if cover else None
    if process is None or cover is None or rendition is None:
        raise Http404
    response = stored_file_response(rendition["name"], content_type="image/webp")
    current = version == cover.version
    if process.status in {s.value for s in PUBLIC_STATUSES} and current:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "private, max-age=300"
    return response
