"""The staff side of a consultation on a draft: where it stands and the next step, its settings,
the working copy of the next version (written in Markdown or imported from Word) and its
publication, the referral list, answering the comments alone, chosen together or by theme,
and the themes.

Every page is for staff (``staff_required``) allowed to manage the consultation
(``consultations.manage_consultation``) or answer its comments
(``consultations.answer_comment``). A module the person may not see is 404, one they may see
but not manage 403. A service's refusal is shown on its form (``form_errors``), or, for a bare
button, by the error middleware's page. The compilation's preview and publication are
``compilation_views.staff_compilation``.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.core.confirm import confirm_required
from delaktig.core.forms import form_errors, form_status, markdown_preview
from delaktig.core.params import id_param
from delaktig.participation.access import acting_user, visible_module
from delaktig.participation.models import ProcessModule

from . import drafts, selectors, services, staff_selectors
from .models import Answer, Consultation, Invitation, Theme
from .selectors import LAST_MOMENT
from .staff_forms import (
    AnswerForm,
    ChosenCommentsForm,
    FilterForm,
    InvitationForm,
    ProposeForm,
    SettingsForm,
    ThemeForm,
    WorkingCopyForm,
)
from .staff_selectors import Filters
from .workflow import STATUS_LABELS, ConsultationStatus

MANAGE = services.MANAGE
ANSWER = services.ANSWER


def _module(request: HttpRequest, module_pk: int, perm: str = MANAGE) -> ProcessModule:
    return visible_module(request, module_pk, "consultation", perm=perm)


def _consultation(request: HttpRequest, module_pk: int, perm: str = MANAGE) -> Consultation:
    module = _module(request, module_pk, perm)
    consultation = staff_selectors.consultation_of(module)
    if consultation is None:
        raise Http404
    consultation.module = module
    return consultation


def _url(name: str, module_pk: int, anchor: str = "") -> str:
    url = reverse(f"consultations:{name}", kwargs={"module_pk": module_pk})
    return f"{url}#{anchor}" if anchor else url


def _base(consultation: Consultation | None, module: ProcessModule) -> dict[str, Any]:
    status = ConsultationStatus(consultation.status) if consultation else None
    return {
        "module": module,
        "process": module.process,
        "consultation": consultation,
        "status_label": STATUS_LABELS[status] if status else "",
        "published": status == ConsultationStatus.PUBLISHED,
    }


def _same_page(request: HttpRequest, anchor: str = "") -> HttpResponseRedirect:
    """Back to the page posted to, its query string (the filters) kept."""
    path = request.get_full_path()
    if not url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
        path = "/"
    return HttpResponseRedirect(f"{path}#{anchor}" if anchor else path)


# --- The consultation's page and its settings --------------------------------------------------


@staff_required
def manage(request: HttpRequest, module_pk: int) -> HttpResponse:
    module = _module(request, module_pk)
    consultation = staff_selectors.consultation_of(module)
    context = _base(consultation, module)
    context["phases"] = module.phases.order_by("starts_at", "pk")
    if consultation is None:
        context["form"] = SettingsForm()
    else:
        consultation.module = module
        context["overview"] = staff_selectors.overview(consultation)
    return render(request, "consultations/staff_manage.html", context)


@staff_required
def settings(request: HttpRequest, module_pk: int) -> HttpResponse:
    module = _module(request, module_pk)
    consultation = staff_selectors.consultation_of(module)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_for(consultation))
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.consultation_configure(
                actor=acting_user(request), module=module, values=form.values()
            )
            messages.success(request, _("Inställningarna är sparade."))
            return redirect("consultations:manage", module_pk=module.pk)
    context = _base(consultation, module) | {"form": form}
    return render(request, "consultations/staff_settings.html", context, status=form_status(form))


# --- The next version ---------------------------------------------------------------------------


def _save_working_copy(
    request: HttpRequest, consultation: Consultation, form: WorkingCopyForm
) -> None:
    data = form.cleaned_data
    upload = data.get("docx")
    values = {"title": data.get("title", ""), "changes": data.get("changes", "")}
    if upload:
        # One byte more than allowed is enough for the service to refuse a file too large.
        services.version_import_docx(
            actor=acting_user(request),
            consultation=consultation,
            data=upload.read(drafts.MAX_DOCX_BYTES + 1),
            **values,
        )
    else:
        services.version_save(
            actor=acting_user(request),
            consultation=consultation,
            source=data.get("source", ""),
            **values,
        )


@staff_required
def working_copy(request: HttpRequest, module_pk: int) -> HttpResponse:
    consultation = _consultation(request, module_pk)
    working = services.working_copy(consultation)
    previous = services.current_version(consultation)
    form = WorkingCopyForm(
        request.POST or None,
        request.FILES or None,
        initial=WorkingCopyForm.initial_for(working, previous),
    )
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        with form_errors(form):
            _save_working_copy(request, consultation, form)
            messages.success(
                request,
                _("Utkastet är sparat. Kontrollera numreringen nedan innan du publicerar."),
            )
            return redirect(_url("working_copy", module_pk, "numbering"))
    number = working.number if working else (previous.number + 1 if previous else 1)
    context = _base(consultation, consultation.module) | {
        "form": form,
        "working": working,
        "previous": previous,
        "number": number,
        "rows": staff_selectors.working_copy_preview(working, previous) if working else [],
    }
    return render(
        request, "consultations/staff_working_copy.html", context, status=form_status(form)
    )


@staff_required
@require_POST
def publish_version(request: HttpRequest, module_pk: int) -> HttpResponse:
    consultation = _consultation(request, module_pk)
    working = services.working_copy(consultation)
    if working is None:
        messages.error(request, _("Det finns ingen ny version att publicera."))
        return redirect("consultations:manage", module_pk=module_pk)
    first = consultation.status == ConsultationStatus.DRAFT
    if first:
        consequence = _(
            "Versionen kan inte ändras efter publiceringen. Samrådet öppnas, och "
            "remissinstanserna på listan får sin inbjudan med e-post nu."
        )
    else:
        consequence = _(
            "Versionen kan inte ändras efter publiceringen. De som har lämnat synpunkter får "
            "e-post om den nya versionen. Synpunkterna följer med till de stycken de gäller."
        )
    page = confirm_required(
        request,
        question=_("Vill du publicera version %(number)d av ”%(title)s”?")
        % {"number": working.number, "title": consultation.title},
        consequence=consequence,
        cancel_url=_url("working_copy", module_pk),
        confirm_label=_("Publicera versionen"),
    )
    if page:
        return page
    version = services.version_publish(actor=acting_user(request), consultation=consultation)
    if first:
        messages.success(
            request,
            _("Version %(number)d är publicerad och samrådet är öppet.")
            % {"number": version.number},
        )
    else:
        messages.success(
            request, _("Version %(number)d är publicerad.") % {"number": version.number}
        )
    return redirect("consultations:manage", module_pk=module_pk)


# --- The referral list ---------------------------------------------------------------------------


def _invitation_remove(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation, pk=id_param(request.POST, "invitation") or 0, consultation=consultation
    )
    page = confirm_required(
        request,
        question=_("Vill du ta bort %(name)s från listan över remissinstanser?")
        % {"name": invitation.name},
        consequence=_(
            "Organisationen kan inte längre svara för sig själv i samrådet. En inbjudan som "
            "redan har skickats tas inte tillbaka."
        ),
        cancel_url=_url("invitations", consultation.module_id),
        confirm_label=_("Ta bort"),
    )
    if page:
        return page
    name = invitation.name
    services.invitation_remove(actor=acting_user(request), invitation=invitation)
    messages.success(request, _("%(name)s är borttagen från listan.") % {"name": name})
    return redirect(_url("invitations", consultation.module_id))


@staff_required
def invitations(request: HttpRequest, module_pk: int) -> HttpResponse:
    consultation = _consultation(request, module_pk)
    organisation = consultation.module.process.organisation
    if request.method == "POST" and request.POST.get("action") == "remove":
        return _invitation_remove(request, consultation)
    form = InvitationForm(
        request.POST or None, organisation=organisation, initial=_deadline(consultation)
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            added = services.invitation_add(
                actor=acting_user(request), consultation=consultation, values=form.values()
            )
            if added.invited_at is not None or consultation.status == ConsultationStatus.OPEN:
                said = _("%(name)s är tillagd och har fått en inbjudan med e-post.")
            else:
                said = _("%(name)s är tillagd. Inbjudan skickas när version 1 publiceras.")
            messages.success(request, said % {"name": added.name})
            return redirect(_url("invitations", module_pk))
    rows = staff_selectors.invitation_rows(consultation, timezone.localdate())
    context = _base(consultation, consultation.module) | {
        "form": form,
        "rows": rows,
        "summary": staff_selectors.invitation_summary(rows),
    }
    return render(
        request, "consultations/staff_invitations.html", context, status=form_status(form)
    )


def _deadline(consultation: Consultation) -> dict[str, Any]:
    """The last day of the comment period, the usual deadline."""
    phases = selectors.comment_phases(consultation.module)
    if not phases:
        return {}
    return {"deadline": timezone.localdate(max(p.ends_at for p in phases) - LAST_MOMENT)}


# --- Answering ----------------------------------------------------------------------------------


def _answer_chosen(
    request: HttpRequest, consultation: Consultation, form: ChosenCommentsForm
) -> HttpResponse | None:
    """The answering list's form: a theme for the ticked comments, or an answer to them."""
    action = request.POST.get("action")
    if action not in {"theme", "answer"} or not form.is_valid():
        return None
    ids = form.cleaned_data.get("comments") or []
    with form_errors(form):
        if action == "theme":
            count = services.comments_set_theme(
                actor=acting_user(request),
                consultation=consultation,
                comment_ids=ids,
                theme=form.cleaned_data.get("theme"),
            )
            messages.success(
                request,
                _("Temat är ändrat för 1 synpunkt.")
                if count == 1
                else _("Temat är ändrat för %(count)d synpunkter.") % {"count": count},
            )
        else:
            services.answer_save(
                actor=acting_user(request),
                consultation=consultation,
                text=form.text(),
                comment_ids=ids,
            )
            messages.success(
                request,
                _("Svaret är sparat för 1 synpunkt.")
                if len(ids) == 1
                else _("Svaret är sparat för de valda synpunkterna."),
            )
        return _same_page(request, "comments")
    return None


def _answer_theme(
    request: HttpRequest, consultation: Consultation, themes: list[Theme]
) -> tuple[HttpResponse | None, dict[int, AnswerForm]]:
    """A "whole theme" form: one answer to every comment of the theme."""
    chosen = id_param(request.POST, "answer_theme")
    theme = next((t for t in themes if t.pk == chosen), None)
    if theme is None:
        raise Http404
    form = AnswerForm(request.POST, prefix=f"tema-{theme.pk}")
    if form.is_valid():
        with form_errors(form):
            services.answer_save(
                actor=acting_user(request), consultation=consultation, text=form.text(), theme=theme
            )
            messages.success(
                request,
                _("Svaret är sparat för alla synpunkter i temat %(name)s.") % {"name": theme.name},
            )
            return _same_page(request, f"theme-{theme.pk}"), {}
    return None, {theme.pk: form}


@staff_required
def answering(request: HttpRequest, module_pk: int) -> HttpResponse:
    consultation = _consultation(request, module_pk, ANSWER)
    themes = staff_selectors.themes_with_counts(consultation)
    current = services.current_version(consultation)
    passages = staff_selectors.current_passages(current)
    form = ChosenCommentsForm(
        request.POST if request.POST.get("action") in {"theme", "answer"} else None,
        consultation=consultation,
    )
    theme_forms: dict[int, AnswerForm] = {}
    if request.method == "POST" and request.POST.get("action") == "theme_answer":
        done, theme_forms = _answer_theme(request, consultation, themes)
        if done:
            return done
    elif request.method == "POST" and (done := _answer_chosen(request, consultation, form)):
        return done
    filter_form = FilterForm(
        request.GET or None, sections=staff_selectors.sections(passages), themes=themes
    )
    filters = Filters(**filter_form.filters())
    rows = staff_selectors.comment_rows(consultation, filters, passages)
    figures = staff_selectors.comment_figures(consultation)
    blocks = [
        (theme, theme_forms.get(theme.pk) or AnswerForm(prefix=f"tema-{theme.pk}"))
        for theme in themes
        if theme.n  # type: ignore[attr-defined]
    ]
    context = _base(consultation, consultation.module) | {
        "form": form,
        "filter_form": filter_form,
        "filtered": any(filter_form.filters().values()),
        "rows": rows,
        "selected": set(form.cleaned_data.get("comments") or []) if form.is_bound else set(),
        "figures": figures,
        "theme_blocks": blocks,
        "latest": current.number if current else 0,
        "can_edit": consultation.status != ConsultationStatus.PUBLISHED,
    }
    bound = [form, *theme_forms.values()] if form.is_bound else list(theme_forms.values())
    status = max([form_status(f) for f in bound] + [form_status(filter_form), 200])
    return render(request, "consultations/staff_answering.html", context, status=status)


@staff_required
def answer_edit(request: HttpRequest, module_pk: int, answer_pk: int) -> HttpResponse:
    consultation = _consultation(request, module_pk, ANSWER)
    answer = get_object_or_404(
        Answer.objects.select_related("theme", "answered_by"),
        pk=answer_pk,
        consultation=consultation,
    )
    form = AnswerForm(request.POST or None, initial=AnswerForm.initial_for(answer))
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.answer_update(actor=acting_user(request), answer=answer, text=form.text())
            messages.success(request, _("Svaret är ändrat."))
            return redirect(_url("answering", module_pk))
    current = services.current_version(consultation)
    passages = staff_selectors.current_passages(current)
    rows = staff_selectors.comment_rows(consultation, Filters(), passages, answer=answer)
    context = _base(consultation, consultation.module) | {
        "answer": answer,
        "form": form,
        "rows": rows,
        "latest": current.number if current else 0,
    }
    return render(
        request, "consultations/staff_answer_edit.html", context, status=form_status(form)
    )


# --- Themes -------------------------------------------------------------------------------------


def _theme_action(
    request: HttpRequest, consultation: Consultation, themes: list[Theme]
) -> tuple[HttpResponse | None, dict[str, Any]]:
    """A POST on the themes page: add, rename, delete or propose. Returns the redirect, or
    the bound form to show again with its error."""
    action = request.POST.get("action")
    actor = acting_user(request)
    if action == "propose":
        propose = ProposeForm(request.POST)
        with form_errors(propose):
            created = services.themes_propose(actor=actor, consultation=consultation)
            messages.success(
                request,
                _("1 tema föreslogs. Byt namn på det så att det säger vad synpunkterna handlar om.")
                if len(created) == 1
                else _(
                    "%(count)d teman föreslogs. Byt namn på dem så att de säger vad synpunkterna "
                    "handlar om."
                )
                % {"count": len(created)},
            )
            return redirect(_url("themes", consultation.module_id)), {}
        return None, {"propose": propose}
    if action == "add":
        add = ThemeForm(request.POST, prefix="nytt")
        if add.is_valid():
            with form_errors(add):
                created_theme = services.theme_save(
                    actor=actor, consultation=consultation, name=add.cleaned_data["name"]
                )
                messages.success(
                    request, _("Temat %(name)s är skapat.") % {"name": created_theme.name}
                )
                return redirect(_url("themes", consultation.module_id)), {}
        return None, {"add": add}
    chosen = next((t for t in themes if t.pk == id_param(request.POST, "theme")), None)
    if chosen is None:
        raise Http404
    return _theme_change(request, consultation, chosen, action)


def _theme_change(
    request: HttpRequest, consultation: Consultation, theme: Theme, action: str | None
) -> tuple[HttpResponse | None, dict[str, Any]]:
    actor = acting_user(request)
    if action == "rename":
        rename = ThemeForm(request.POST, prefix=f"tema-{theme.pk}")
        if rename.is_valid():
            with form_errors(rename):
                services.theme_save(
                    actor=actor,
                    consultation=consultation,
                    name=rename.cleaned_data["name"],
                    theme=theme,
                )
                messages.success(request, _("Temat har fått ett nytt namn."))
                return redirect(_url("themes", consultation.module_id, f"theme-{theme.pk}")), {}
        return None, {"renamed": (theme.pk, rename)}
    if action == "delete":
        return _theme_delete(request, consultation, theme), {}
    raise Http404


def _theme_delete(request: HttpRequest, consultation: Consultation, theme: Theme) -> HttpResponse:
    page = confirm_required(
        request,
        question=_("Vill du ta bort temat %(name)s?") % {"name": theme.name},
        consequence=_(
            "Synpunkterna i temat blir utan tema. De behåller sina svar, och svaren finns kvar "
            "i samrådsredogörelsen."
        ),
        cancel_url=_url("themes", consultation.module_id),
        confirm_label=_("Ta bort temat"),
    )
    if page:
        return page
    services.theme_delete(actor=acting_user(request), theme=theme)
    messages.success(request, _("Temat är borttaget."))
    return redirect(_url("themes", consultation.module_id))


@staff_required
def themes(request: HttpRequest, module_pk: int) -> HttpResponse:
    consultation = _consultation(request, module_pk, ANSWER)
    found = staff_selectors.themes_with_counts(consultation)
    bound: dict[str, Any] = {}
    if request.method == "POST":
        done, bound = _theme_action(request, consultation, found)
        if done:
            return done
    renamed = bound.get("renamed")
    cards = [
        (
            theme,
            renamed[1]
            if renamed and renamed[0] == theme.pk
            else ThemeForm(prefix=f"tema-{theme.pk}", initial={"name": theme.name}),
        )
        for theme in found
    ]
    forms = [f for f in (bound.get("propose"), bound.get("add")) if f] + (
        [renamed[1]] if renamed else []
    )
    context = _base(consultation, consultation.module) | {
        "cards": cards,
        "add": bound.get("add") or ThemeForm(prefix="nytt"),
        "propose": bound.get("propose") or ProposeForm(),
        "without_theme": services.answerable_comments(consultation)
        .filter(theme__isnull=True)
        .count(),
    }
    status = max([form_status(f) for f in forms] + [200])
    return render(request, "consultations/staff_themes.html", context, status=status)
