"""The staff workspace: create, run and close processes without touching code."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.inbox import queue_counts
from delaktig.accounts.roles import official_organisations
from delaktig.accounts.types import User
from delaktig.core.confirm import confirm_required, is_confirmed, rehearse
from delaktig.core.forms import form_errors, form_status, markdown_preview, refusal
from delaktig.core.http import no_store
from delaktig.core.params import BadParameter, choice_param
from delaktig.organisations.forms import OrganisationSettingsForm
from delaktig.organisations.models import Organisation, OrganisationSettings
from delaktig.organisations.services import organisation_settings_save

from . import registry, services, templates_views
from .forms import FeedbackForm, ModuleForm, PhaseForm, ProcessCoverForm, ProcessForm
from .models import Phase, Process, ProcessCover
from .workflow import MACHINE, Action, Status

ACTION_LABELS = {
    Action.PUBLISH: gettext_lazy("Publicera"),
    Action.OPEN: gettext_lazy("Öppna för deltagande"),
    Action.CLOSE: gettext_lazy("Stäng"),
    Action.PUBLISH_FEEDBACK: gettext_lazy("Publicera återkoppling"),
    Action.ARCHIVE: gettext_lazy("Arkivera"),
}
# Asked before each step (core.confirm): none of them can be undone.
CONFIRM_QUESTIONS = {
    Action.PUBLISH: gettext_lazy("Vill du verkligen publicera processen ”%(title)s”?"),
    Action.OPEN: gettext_lazy("Vill du verkligen öppna processen ”%(title)s” för deltagande?"),
    Action.CLOSE: gettext_lazy("Vill du verkligen stänga processen ”%(title)s”?"),
    Action.PUBLISH_FEEDBACK: gettext_lazy(
        "Vill du verkligen publicera återkopplingen för ”%(title)s”?"
    ),
    Action.ARCHIVE: gettext_lazy("Vill du verkligen arkivera processen ”%(title)s”?"),
}
CONSEQUENCES = {
    Action.PUBLISH: gettext_lazy(
        "Processen blir synlig för alla och kan inte bli ett utkast igen."
    ),
    Action.OPEN: gettext_lazy(
        "Alla kan delta från och med nu, och processen kan inte bli bara publicerad igen."
    ),
    Action.CLOSE: gettext_lazy(
        "Ingen kan delta längre och processen kan inte öppnas igen. Därefter ska ni "
        "publicera återkoppling."
    ),
    Action.PUBLISH_FEEDBACK: gettext_lazy(
        "Återkopplingen blir synlig för alla, och alla som deltog eller följer processen "
        "får e-post."
    ),
    Action.ARCHIVE: gettext_lazy("Processen kan inte ändras längre."),
}
# What the flash message says after a step: the state the process is now in.
DONE_MESSAGES = {
    Status.PUBLISHED: gettext_lazy("Processen är publicerad."),
    Status.OPEN: gettext_lazy("Processen är öppen för deltagande."),
    Status.CLOSED: gettext_lazy("Processen är stängd."),
    Status.FEEDBACK_PUBLISHED: gettext_lazy("Återkopplingen är publicerad."),
    Status.ARCHIVED: gettext_lazy("Processen är arkiverad."),
}


def _actor(request: HttpRequest) -> User:
    """The person acting in the staff workspace: ``staff_required`` has logged them in."""
    return cast(User, request.user)


def _editable_process(request: HttpRequest, pk: int) -> Process:
    process = get_object_or_404(Process.objects.select_related("organisation"), pk=pk)
    if not request.user.has_perm("participation.change_process", process):
        raise PermissionDenied
    return process


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    processes = (
        Process.objects.editable_by(request.user)
        .select_related("organisation")
        .annotate(module_count=Count("modules", distinct=True))
        .order_by("status", "-updated")
    )
    by_status: dict[str, list[Process]] = {s.value: [] for s in Status}
    for process in processes:
        by_status[process.status].append(process)
    module_links = [
        link for module_type in registry.all_types() for link in module_type.staff_links
    ]
    return render(
        request,
        "staff/dashboard.html",
        {
            # What waits in each inbox queue; the closed processes that owe feedback are one.
            "queues": queue_counts(request.user),
            "by_status": [(s, by_status[s.value]) for s in Status],
            "module_links": module_links,
            "can_add": request.user.has_perm("participation.add_process"),
        },
    )


@staff_required
def process_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("participation.add_process"):
        raise PermissionDenied
    # First a template or an empty form ("?tom=1"); the empty form posts back here.
    if request.method == "GET" and "tom" not in request.GET:
        return templates_views.template_chooser(request)
    form = ProcessForm(request.POST or None, organisations=official_organisations(request.user))
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        with form_errors(form):
            process = services.process_create(actor=_actor(request), **form.cleaned_data)
            messages.success(request, _("Processen är sparad som utkast."))
            return redirect("staff:process", pk=process.pk)
    return render(
        request,
        "staff/process_form.html",
        {"form": form, "process": None},
        status=form_status(form),
    )


@staff_required
def process_edit(request: HttpRequest, pk: int) -> HttpResponse:
    process = _editable_process(request, pk)
    form = ProcessForm(
        request.POST or None, instance=process, organisations=official_organisations(request.user)
    )
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.process_update(actor=_actor(request), process=process, **form.cleaned_data)
            messages.success(request, _("Ändringarna är sparade."))
            return redirect("staff:process", pk=process.pk)
    return render(
        request,
        "staff/process_form.html",
        {"form": form, "process": process},
        status=form_status(form),
    )


@staff_required
def process_manage(
    request: HttpRequest,
    pk: int,
    *,
    module_form: ModuleForm | None = None,
    phase_form: PhaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    process = _editable_process(request, pk)
    actions = [(a.value, ACTION_LABELS[a]) for a in MACHINE.allowed_actions(process.status)]
    modules = list(process.modules.all())
    return render(
        request,
        "staff/process_manage.html",
        {
            "process": process,
            "actions": actions,
            "modules": modules,
            "phases": process.phases.select_related("module"),
            "transitions": process.transitions.select_related("actor"),
            "module_form": module_form or ModuleForm(organisation=process.organisation),
            "phase_form": phase_form or PhaseForm(process=process),
            "exports": [
                (m, e)
                for m in modules
                for e in m.module_type.exports
                if e.ready is None or e.ready(m)
            ],
            "owes_feedback": process.owes_feedback,
        },
        status=status,
    )


@staff_required
@require_POST
def process_transition(request: HttpRequest, pk: int) -> HttpResponse:
    process = _editable_process(request, pk)
    chosen = choice_param(request.POST, "action", Action)
    if chosen is None:
        raise BadParameter("action")
    action = Action(chosen)
    actor = _actor(request)
    MACHINE.require(Status(process.status), action)  # no question about a step not allowed

    def step() -> object:
        return services.process_transition(actor=actor, process=process, action=action)

    # A refusal (feedback not written yet) comes before the question, not after it.
    if not is_confirmed(request) and (refused := refusal(lambda: rehearse(step))):
        messages.error(request, refused.message)
        return redirect("staff:process", pk=process.pk)
    page = confirm_required(
        request,
        question=CONFIRM_QUESTIONS[action] % {"title": process.title},
        consequence=str(CONSEQUENCES[action]),
        cancel_url=reverse("staff:process", args=[process.pk]),
    )
    if page is not None:
        return page
    process = services.process_transition(actor=actor, process=process, action=action)
    messages.success(request, DONE_MESSAGES[Status(process.status)])
    return redirect("staff:process", pk=process.pk)


@staff_required
@require_POST
def module_add(request: HttpRequest, pk: int) -> HttpResponse:
    process = _editable_process(request, pk)
    form = ModuleForm(request.POST, organisation=process.organisation)
    if form.is_valid():
        with form_errors(form):
            services.module_add(actor=_actor(request), process=process, **form.cleaned_data)
            messages.success(request, _("Deltagandeformen är tillagd."))
            return redirect("staff:process", pk=process.pk)
    return process_manage(request, pk, module_form=form, status=form_status(form))


def _save_phase(request: HttpRequest, process: Process, phase: Phase, form: PhaseForm) -> None:
    if phase.pk:
        services.phase_update(actor=_actor(request), phase=phase, **form.cleaned_data)
    else:
        services.phase_create(actor=_actor(request), process=process, **form.cleaned_data)


@staff_required
def phase_edit(request: HttpRequest, pk: int, phase_pk: int | None = None) -> HttpResponse:
    process = _editable_process(request, pk)
    phase = (
        get_object_or_404(Phase, pk=phase_pk, process=process)
        if phase_pk
        else Phase(process=process)
    )
    form = PhaseForm(request.POST or None, instance=phase, process=process)
    if request.method == "POST":
        if request.POST.get("delete") and phase.pk:
            page = confirm_required(
                request,
                question=_("Vill du verkligen ta bort fasen ”%(name)s”?") % {"name": phase.name},
                consequence=_("Fasen och dess datum försvinner från processen."),
                cancel_url=reverse("staff:phase_edit", args=[process.pk, phase.pk]),
            )
            if page is not None:
                return page
            services.phase_delete(actor=_actor(request), phase=phase)
            messages.success(request, _("Fasen är borttagen."))
            return redirect("staff:process", pk=process.pk)
        if form.is_valid():
            with form_errors(form):
                _save_phase(request, process, phase, form)
                messages.success(request, _("Fasen är sparad."))
                return redirect("staff:process", pk=process.pk)
        if not phase_pk:
            return process_manage(request, pk, phase_form=form, status=form_status(form))
    return render(
        request,
        "staff/phase_form.html",
        {"form": form, "process": process, "phase": phase},
        status=form_status(form),
    )


@staff_required
def feedback_edit(request: HttpRequest, pk: int) -> HttpResponse:
    process = _editable_process(request, pk)
    existing = getattr(process, "feedback", None)
    initial = {}
    if existing:
        initial = {
            f: getattr(existing, f) for f in ("heard", "decided", "reasons", "decision_reference")
        }
    form = FeedbackForm(request.POST or None, initial=initial)
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        publishing = bool(request.POST.get("publish")) and process.owes_feedback
        page = publishing and confirm_required(
            request,
            question=CONFIRM_QUESTIONS[Action.PUBLISH_FEEDBACK] % {"title": process.title},
            consequence=str(CONSEQUENCES[Action.PUBLISH_FEEDBACK]),
            cancel_url=reverse("staff:feedback", args=[process.pk]),
        )
        if page:
            return page
        with form_errors(form):
            services.feedback_save(actor=_actor(request), process=process, **form.cleaned_data)
            if publishing:
                services.process_publish_feedback(actor=_actor(request), process=process)
                messages.success(
                    request,
                    _(
                        "Återkopplingen är publicerad. "
                        "Alla som deltog eller följer processen får e-post."
                    ),
                )
            else:
                messages.success(request, _("Återkopplingen är sparad."))
            return redirect("staff:process", pk=process.pk)
    return render(
        request,
        "staff/feedback_form.html",
        {
            "form": form,
            "process": process,
            "published": bool(existing and existing.published_at),
            "can_publish": process.owes_feedback,
        },
        status=form_status(form),
    )


@no_store
@staff_required
def module_export(request: HttpRequest, pk: int, module_pk: int, key: str) -> HttpResponse:
    process = get_object_or_404(Process, pk=pk)
    if not request.user.has_perm("participation.view_figures", process):
        raise PermissionDenied
    module = get_object_or_404(process.modules, pk=module_pk)
    export = next((e for e in module.module_type.exports if e.key == key), None)
    if export is None:
        raise PermissionDenied
    filename, content_type, content = export.build(module)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required
def organisation_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's settings: the participation modules it offers, its content languages
    and contact details. Here in the spine, not in organisations, because it lists the
    registered modules."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("organisations.change_organisation", organisation):
        raise PermissionDenied
    instance = OrganisationSettings.objects.filter(organisation=organisation).first()
    form = OrganisationSettingsForm(
        request.POST or None,
        instance=instance or OrganisationSettings(organisation=organisation),
        module_choices=registry.choices(),
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            organisation_settings_save(
                actor=cast(User, request.user), organisation=organisation, **form.cleaned_data
            )
            messages.success(request, _("Inställningarna är sparade."))
            return redirect("staff:organisation_settings", slug=organisation.slug)
    return render(
        request,
        "organisations/settings_form.html",
        {"form": form, "organisation": organisation},
        status=form_status(form),
    )


@staff_required
def process_cover(request: HttpRequest, pk: int) -> HttpResponse:
    """The process's cover image: upload, change its alternative text, or remove it."""
    process = _editable_process(request, pk)
    cover = ProcessCover.objects.filter(process=process).first()
    if request.method == "POST" and request.POST.get("remove") and cover is not None:
        if page := confirm_required(
            request,
            question=_("Vill du verkligen ta bort omslagsbilden för ”%(title)s”?")
            % {"title": process.title},
            consequence=_(
                "Bilden tas bort i alla storlekar. Vill du visa den igen laddar du upp den på nytt."
            ),
            cancel_url=reverse("staff:process_cover", args=[process.pk]),
            confirm_label=_("Ta bort omslagsbilden"),
        ):
            return page
        services.process_cover_remove(actor=_actor(request), process=process)
        messages.success(request, _("Omslagsbilden är borttagen."))
        return redirect("staff:process", pk=process.pk)
    initial = {"alt_text": cover.alt_text, "decorative": cover.decorative} if cover else None
    form = ProcessCoverForm(
        request.POST or None, request.FILES or None, initial=initial, has_image=cover is not None
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.process_cover_save(
                actor=_actor(request),
                process=process,
                image=form.cleaned_data["image"] or None,
                alt_text=form.cleaned_data["alt_text"],
                decorative=form.cleaned_data["decorative"],
            )
            messages.success(request, _("Omslagsbilden är sparad."))
            return redirect("staff:process", pk=process.pk)
    return render(
        request,
        "staff/process_cover.html",
        {"form": form, "process": process, "cover": cover},
        status=form_status(form),
    )
