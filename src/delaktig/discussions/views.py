from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.types import User
from delaktig.core.forms import form_errors, form_status
from delaktig.moderation.models import Decision
from delaktig.moderation.services import latest_decision
from delaktig.participation.models import ProcessModule
from delaktig.participation.views import render_process_page

from . import services
from .forms import CommentForm, HideForm, ReportForm
from .models import Comment
from .selectors import moderation_queue, page_of


@require_POST
def comment_create(request: HttpRequest, module_pk: int) -> HttpResponse:
    module = get_object_or_404(
        ProcessModule.objects.select_related("process"), pk=module_pk, kind="discussion"
    )
    if not request.user.is_authenticated:
        return redirect_to_login(module.process.get_absolute_url())
    form = CommentForm(request.POST, module_pk=module.pk, prefix=f"m{module.pk}")
    if form.is_valid():
        with form_errors(form):
            comment = services.comment_create(
                actor=request.user,
                module=module,
                body=form.cleaned_data["body"],
                parent=form.cleaned_data["parent"],
                **form.screening_flags(),
            )
            return _published(request, module, comment)
    if request.headers.get("HX-Request"):
        # htmx swaps only successful responses: the fragment carries the errors instead.
        return HttpResponse(module.module_type.render_public(request, module, {"form": form}))
    # Re-render the whole page with the typed text kept and the errors summarised.
    return render_process_page(
        request, module.process, module_state={module.pk: {"form": form}}, status=form_status(form)
    )


def _published(request: HttpRequest, module: ProcessModule, comment: Comment) -> HttpResponse:
    """After a comment: the module again (htmx), or the process page at the comment."""
    said = (
        _(
            "Tack. Din kommentar granskas av en moderator innan den publiceras. Du får besked "
            "med e-post."
        )
        if comment.is_held
        else _("Din kommentar är publicerad.")
    )
    if request.headers.get("HX-Request"):
        return HttpResponse(module.module_type.render_public(request, module, {"announce": said}))
    messages.success(request, said)
    if comment.is_held:
        return redirect(f"{module.process.get_absolute_url()}#m{module.pk}")
    query = ""
    if comment.parent is not None:
        page = page_of(comment=comment.parent)
        query = f"?kommentarer-{module.pk}={page}" if page > 1 else ""
    return redirect(f"{module.process.get_absolute_url()}{query}#comment-{comment.pk}")


def comment_report(request: HttpRequest, comment_pk: int) -> HttpResponse:
    # Only a comment in the thread as everyone sees it: a held or hidden text is not quoted.
    comment = get_object_or_404(
        Comment.objects.shown().filter(hidden_at=None).select_related("module__process"),
        pk=comment_pk,
    )
    process = comment.module.process
    if not process.is_public:
        raise DjangoPermissionDenied
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.comment_report(
                actor=request.user,
                comment=comment,
                reason=form.cleaned_data["reason"],
                explanation=form.cleaned_data["explanation"],
            )
            messages.success(request, _("Tack. En moderator tittar på kommentaren."))
            return redirect(f"{process.get_absolute_url()}#comment-{comment.pk}")
    return render(
        request,
        "discussions/report.html",
        {"comment": comment, "process": process, "form": form},
        status=form_status(form),
    )


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("discussions.moderate_comment"):
        raise DjangoPermissionDenied
    queue = moderation_queue(viewer=request.user)
    return render(
        request,
        "discussions/moderation.html",
        {"reported": queue.reported, "hidden": queue.hidden, "hide_form": HideForm()},
    )


@login_required
def comment_moderate(request: HttpRequest, comment_pk: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("module__process", "author"), pk=comment_pk
    )
    if not request.user.has_perm("discussions.moderate_comment", comment):
        raise DjangoPermissionDenied
    actor = cast(User, request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    form = HideForm(request.POST if action == "hide" else None)
    if action == "hide" and form.is_valid():
        with form_errors(form):
            services.comment_hide(actor=actor, comment=comment, **form.cleaned_data)
            messages.success(
                request,
                _("Kommentaren är dold. Skälet visas i dess ställe. Den som skrev den får veta."),
            )
            return redirect("discussions:moderation")
    elif action == "restore":
        services.comment_restore(actor=actor, comment=comment)
        messages.success(request, _("Kommentaren visas igen."))
        return redirect("discussions:moderation")
    elif action == "dismiss":
        services.reports_dismiss(actor=actor, comment=comment)
        messages.success(request, _("Anmälningarna är hanterade. Kommentaren visas."))
        return redirect("discussions:moderation")
    return render(
        request,
        "discussions/moderate.html",
        {
            "comment": comment,
            "form": form,
            "decision": _latest_decision(comment),
            # What those who reported it said (not who they are).
            "reports": comment.reports.filter(resolved_at__isnull=True).order_by("pk"),
        },
        status=form_status(form),
    )


def _latest_decision(comment: Comment) -> Decision | None:
    return latest_decision(kind=services.COMMENT, object_id=comment.pk)


@login_required
def comment_decision(request: HttpRequest, comment_pk: int) -> HttpResponse:
    """The latest moderation decision about a comment: its statement of reasons, where the
    author asks for a review (linked from the hidden comment in the thread)."""
    comment = get_object_or_404(Comment, pk=comment_pk)
    decision = _latest_decision(comment)
    if decision is None:
        raise Http404
    return redirect("moderation:decision", decision.pk)
