"""The staff workspace: create, run and close processes without touching code."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.core.errors import DelaktigError
from delaktig.core.http import no_store

from . import registry, services
from .forms import FeedbackForm, ModuleForm, PhaseForm, ProcessForm
from .models import Phase, Process
from .workflow import Action, Status, allowed_actions

ACTION_LABELS = {
    Action.PUBLISH: gettext_lazy("Publicera"),
    Action.OPEN: gettext_lazy("Öppna för deltagande"),
    Action.CLOSE: gettext_lazy("Stäng"),
    Action.PUBLISH_FEEDBACK: gettext_lazy("Publicera återkoppling"),
    Action.ARCHIVE: gettext_lazy("Arkivera"),
}


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
            "owing_feedback": by_status[Status.CLOSED.value],
            "by_status": [(s, by_status[s.value]) for s in Status],
            "module_links": module_links,
            "can_add": request.user.has_perm("participation.add_process"),
        },
    )


@staff_required
def process_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("participation.add_process"):
        raise PermissionDenied
    form = ProcessForm(request.POST or None, organisations=official_organisations(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            process = services.process_save(
                actor=request.user, process=form.save(commit=False), m2m=form.m2m_data()
            )
        except DelaktigError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Processen är sparad som utkast."))
            return redirect("staff:process", pk=process.pk)
    return render(
        request,
        "staff/process_form.html",
        {"form": form, "process": None},
        status=400 if form.errors else 200,
    )


@staff_required
def process_edit(request: HttpRequest, pk: int) -> HttpResponse:
    process = _editable_process(request, pk)
    form = ProcessForm(
        request.POST or None, instance=process, organisations=official_organisations(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.process_save(
                actor=request.user, process=form.save(commit=False), m2m=form.m2m_data()
            )
        except DelaktigError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Ändringarna är sparade."))
            return redirect("staff:process", pk=process.pk)
    return render(
        request,
        "staff/process_form.html",
        {"form": form, "process": process},
        status=400 if form.errors else 200,
    )


@staff_required
def process_manage(
    request: HttpRequest,
    pk: int,
    *,
    module_form: Any = None,
    phase_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    process = _editable_process(request, pk)
    actions = [(a.value, ACTION_LABELS[a]) for a in allowed_actions(process.status)]
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
            "exports": [(m, e) for m in modules for e in m.module_type.exports],
            "owes_feedback": process.status == Status.CLOSED.value,
        },
        status=status,
    )


@staff_required
@require_POST
def process_transition(request: HttpRequest, pk: int) -> HttpResponse:
    process = _editable_process(request, pk)
    try:
        action = Action(request.POST.get("action", ""))
        services.process_transition(actor=request.user, process=process, action=action)
    except ValueError:
        messages.error(request, _("Okänt steg."))
    except DelaktigError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Status ändrad: %(label)s.") % {"label": ACTION_LABELS[action]})
    return redirect("staff:process", pk=process.pk)


@staff_required
@require_POST
def module_add(request: HttpRequest, pk: int) -> HttpResponse:
    process = _editable_process(request, pk)
    form = ModuleForm(request.POST, organisation=process.organisation)
    if form.is_valid():
        try:
            services.module_add(actor=request.user, process=process, **form.cleaned_data)
        except DelaktigError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Deltagandeformen är tillagd."))
            return redirect("staff:process", pk=process.pk)
    return process_manage(request, pk, module_form=form, status=400)


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
            services.phase_delete(actor=request.user, phase=phase)
            messages.success(request, _("Fasen är borttagen."))
            return redirect("staff:process", pk=process.pk)
        if form.is_valid():
            try:
                services.phase_save(actor=request.user, phase=form.save(commit=False))
            except DelaktigError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Fasen är sparad."))
                return redirect("staff:process", pk=process.pk)
        if not phase_pk:
            return process_manage(request, pk, phase_form=form, status=400)
    return render(
        request,
        "staff/phase_form.html",
        {"form": form, "process": process, "phase": phase},
        status=400 if form.errors else 200,
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
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_save(actor=request.user, process=process, **form.cleaned_data)
            if request.POST.get("publish") and process.status == Status.CLOSED.value:
                services.process_publish_feedback(actor=request.user, process=process)
                messages.success(
                    request,
                    _(
                        "Återkopplingen är publicerad. "
                        "Alla som deltog eller följer processen får e-post."
                    ),
                )
            else:
                messages.success(request, _("Återkopplingen är sparad."))
        except DelaktigError as error:
            form.add_error(None, error.message)
        else:
            return redirect("staff:process", pk=process.pk)
    return render(
        request,
        "staff/feedback_form.html",
        {
            "form": form,
            "process": process,
            "published": bool(existing and existing.published_at),
            "can_publish": process.status == Status.CLOSED.value,
        },
        status=400 if form.errors else 200,
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
