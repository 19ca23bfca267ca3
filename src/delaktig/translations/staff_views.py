"""The translators' workbench: what is missing or stale per organisation and language, the
side-by-side editor, files for translation agencies, and who translates (see
docs/translations.md)."""

from itertools import groupby
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.models import Role
from delaktig.accounts.types import User
from delaktig.core.contributions import TranslatableKind, translatable_kinds
from delaktig.core.forms import form_errors, form_status
from delaktig.core.http import no_store
from delaktig.core.languages import Language, language
from delaktig.organisations.models import Organisation

from . import files, selectors, services
from .compare import word_diff
from .forms import ImportForm, TranslationForm, TranslatorForm, TranslatorLanguagesForm
from .models import source_hash

STATE_LABELS = {
    "todo": gettext_lazy("Att göra"),
    "missing": gettext_lazy("Saknas"),
    "stale": gettext_lazy("Inaktuella"),
    "draft": gettext_lazy("Utkast"),
    "reviewed": gettext_lazy("Granskade"),
}
SKIP_LABELS = {
    services.SKIP_CHANGED: gettext_lazy("Svenska texten har ändrats"),
    services.SKIP_OTHER_ORGANISATION: gettext_lazy("Hör till en annan organisation"),
    services.SKIP_UNKNOWN: gettext_lazy("Okänd text"),
}
PAGE_SIZE = 50


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("translations.change_translation", organisation):
        raise PermissionDenied
    return organisation


def _workbench(request: HttpRequest, slug: str, code: str) -> tuple[Organisation, Language]:
    """The organisation and language of a workbench page: 404 for a language the
    organisation does not offer, 403 for one the person does not translate into."""
    organisation = _organisation(request, slug)
    if code not in selectors.languages_of(organisation):
        raise Http404
    if code not in selectors.workbench_languages(request.user, organisation):
        raise PermissionDenied
    return organisation, language(code)


def _kind(key: str) -> TranslatableKind:
    kind = selectors.kind_for(key)
    if kind is None:
        raise Http404
    return kind


def _list_url(organisation: Organisation, code: str) -> str:
    return reverse("translations_staff:list", kwargs={"slug": organisation.slug, "code": code})


def _edit_url(organisation: Organisation, code: str, kind: TranslatableKind, pk: int) -> str:
    kwargs = {"slug": organisation.slug, "code": code, "kind": kind.key, "pk": pk}
    return reverse("translations_staff:edit", kwargs=kwargs)


def _language_row(
    counts: selectors.LanguageCounts,
) -> tuple[Language, selectors.LanguageCounts, list[tuple[str, Any, int]]]:
    cells = [(name, STATE_LABELS[name], counts.counts[name]) for name in selectors.STATES]
    return language(counts.code), counts, cells


@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    entries = selectors.overview(request.user)
    if not entries and not request.user.has_perm("translations.change_translation"):
        raise PermissionDenied
    return render(
        request,
        "translations/staff/overview.html",
        {
            "entries": [
                (organisation, [_language_row(c) for c in counts])
                for organisation, counts in entries
            ],
            "states": [(name, STATE_LABELS[name]) for name in selectors.STATES],
            "kinds": translatable_kinds(),
            "may_manage": request.user.has_perm("accounts.manage_roles"),
        },
    )


@staff_required
def object_list(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    organisation, target = _workbench(request, slug, code)
    show = request.GET.get("visa", "todo")
    if show not in STATE_LABELS:
        show = "todo"
    kinds = translatable_kinds()
    chosen = next((k for k in kinds if k.key == request.GET.get("typ")), None)
    statuses = [
        entry
        for kind in ([chosen] if chosen else kinds)
        for entry in selectors.status(kind, selectors.kind_objects(kind, organisation), code)
    ]
    totals = {n: 0 for n in selectors.STATES} | selectors.counts(statuses)
    totals["todo"] = sum(totals[n] for n in selectors.TO_DO)
    page = Paginator(selectors.filtered(statuses, show), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    groups = [
        (kind, [(entry, _edit_url(organisation, code, kind, entry.obj.pk)) for entry in entries])
        for kind, entries in groupby(page.object_list, key=lambda entry: entry.kind)
    ]
    return render(
        request,
        "translations/staff/list.html",
        {
            "organisation": organisation,
            "language": target,
            "show": show,
            "tabs": [(name, label, totals[name]) for name, label in STATE_LABELS.items()],
            "kinds": kinds,
            "chosen": chosen,
            "page": page,
            "groups": groups,
            "show_label": STATE_LABELS[show],
        },
    )


def _editor_rows(
    entry: selectors.ObjectStatus, form: TranslationForm, names: dict[int, str]
) -> list[dict[str, Any]]:
    model = entry.kind.model
    rows = []
    for name in entry.fields:
        source = str(getattr(entry.obj, name) or "")
        row = entry.rows.get(name)
        state = next(s for s in selectors.STATES if name in getattr(entry, s))
        rows.append(
            {
                "name": name,
                "label": model._meta.get_field(name).verbose_name,
                "source": source,
                "markdown": name in model.markdown_fields,
                "seen": source_hash(source),
                # The translation the page shows, so that a save does not undo another's.
                "was": source_hash(row.text.strip() if row is not None else ""),
                "state": state,
                "state_label": STATE_LABELS[state],
                "diff": word_diff(row.source_text, source)
                if state == "stale" and row is not None and row.source_text
                else "",
                "old_source": row.source_text if state == "stale" and row is not None else "",
                "field": form[name],
                "row": row,
                "translator": names.get(row.translator_id or 0, "") if row else "",
                "reviewer": names.get(row.reviewed_by_id or 0, "") if row else "",
            }
        )
    return rows


def _changes(
    request: HttpRequest, entry: selectors.ObjectStatus, form: TranslationForm, reviewed: bool
) -> list[services.Change]:
    """The fields to save: those whose text was changed; with *granskad* also the current
    drafts kept as they are; a stale one kept as it is only when the translator says it still
    holds (so a save never marks an old translation current by accident)."""
    changes = []
    for name in entry.fields:
        text = str(form.cleaned_data.get(name) or "")
        row = entry.rows.get(name)
        before = row.text if row is not None else ""
        # The translation the page was loaded with (another may have saved one since).
        was: str | None = request.POST.get(f"{name}-was") or None
        if was is None:
            edited = text.strip() != before.strip()
        else:
            edited = source_hash(text.strip()) != was
        confirmed = name in entry.stale and f"{name}-confirm" in request.POST
        keep = reviewed and bool(text.strip()) and name in entry.draft
        if edited or confirmed or keep:
            seen = request.POST.get(f"{name}-seen", "")
            changes.append(services.Change(field=name, text=text, seen=seen, was=was))
    return changes


@staff_required
def edit(request: HttpRequest, slug: str, code: str, kind: str, pk: int) -> HttpResponse:
    organisation, target = _workbench(request, slug, code)
    translatable = _kind(kind)
    obj = selectors.kind_object(translatable, organisation, pk)
    if obj is None:
        raise Http404
    entry = selectors.object_status(translatable, obj, code)
    model = translatable.model
    fields = [
        (name, str(model._meta.get_field(name).verbose_name), name in model.markdown_fields)
        for name in entry.fields
    ]
    initial = {name: row.text for name, row in entry.rows.items()}
    form = TranslationForm(request.POST or None, initial=initial, fields=fields, code=code)
    if request.method == "POST" and form.is_valid():
        reviewed = "granskad" in request.POST
        changes = _changes(request, entry, form, reviewed)
        with form_errors(form):
            count = services.translations_save(
                actor=cast(User, request.user),
                obj=obj,
                language=code,
                changes=changes,
                reviewed=reviewed,
            )
            if not count:
                messages.info(request, _("Inget var ändrat, så inget sparades."))
            elif reviewed:
                messages.success(request, _("Översättningen är sparad och granskad."))
            else:
                messages.success(request, _("Översättningen är sparad som utkast."))
            return redirect(_edit_url(organisation, code, translatable, pk))
    names = selectors.people_names(entry.rows.values())
    return render(
        request,
        "translations/staff/edit.html",
        {
            "organisation": organisation,
            "language": target,
            "kind": translatable,
            "obj": obj,
            "entry": entry,
            "form": form,
            "rows": _editor_rows(entry, form, names),
            "public_url": f"{translatable.url(obj)}?sprak={code}",
            "may_review": bool(entry.draft),
            "list_url": _list_url(organisation, code),
        },
        status=form_status(form),
    )


@staff_required
@require_POST
def review(request: HttpRequest, slug: str, code: str, kind: str, pk: int) -> HttpResponse:
    organisation, _target = _workbench(request, slug, code)
    translatable = _kind(kind)
    obj = selectors.kind_object(translatable, organisation, pk)
    if obj is None:
        raise Http404
    count = services.translations_review(actor=cast(User, request.user), obj=obj, language=code)
    messages.success(request, _("%(count)s texter är markerade som granskade.") % {"count": count})
    return redirect(_edit_url(organisation, code, translatable, pk))


@staff_required
@no_store
def export(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    organisation, _target = _workbench(request, slug, code)
    everything = request.GET.get("alla") == "1"
    units = selectors.export_units(organisation, code, everything=everything)
    name = f"{organisation.slug}-{code}"
    if request.GET.get("format") == "po":
        data, suffix, kind = files.write_po(units, code), "po", "text/x-gettext-translation"
    else:
        data, suffix, kind = files.write_xliff(units, code), "xlf", "application/x-xliff+xml"
    response = HttpResponse(data, content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{suffix}"'
    return response


@staff_required
def import_file(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    organisation, target = _workbench(request, slug, code)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"organisation": organisation, "language": target, "form": form}
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            result = services.translations_import(
                actor=cast(User, request.user),
                organisation=organisation,
                language=code,
                data=form.cleaned_data["file"].read(),
                reviewed=form.cleaned_data["reviewed"],
            )
            skipped = [(uid, note, SKIP_LABELS[reason]) for uid, note, reason in result.skipped]
            context |= {"result": result, "skipped": skipped}
            return render(request, "translations/staff/import_result.html", context)
    return render(request, "translations/staff/import.html", context, status=form_status(form))


def _manage(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("accounts.manage_roles"):
        raise PermissionDenied
    return organisation


@staff_required
def translators(request: HttpRequest, slug: str) -> HttpResponse:
    """Administrators: who translates the organisation's texts, into which languages."""
    organisation = _manage(request, slug)
    codes = selectors.languages_of(organisation)
    form = TranslatorForm(request.POST or None, codes=codes)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            person = selectors.account_by_email(form.cleaned_data["email"])
            services.translator_role_save(
                actor=cast(User, request.user),
                organisation=organisation,
                user=person,
                languages=form.cleaned_data["languages"],
            )
            messages.success(request, _("%(name)s är översättare.") % {"name": person.email})
            return redirect("translations_staff:translators", slug=organisation.slug)
    roles = [
        (role, TranslatorLanguagesForm(initial={"languages": role.languages}, codes=codes))
        for role in selectors.translators(organisation)
    ]
    return render(
        request,
        "translations/staff/translators.html",
        {"organisation": organisation, "form": form, "roles": roles, "codes": codes},
        status=form_status(form),
    )


@staff_required
@require_POST
def translator_change(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _manage(request, slug)
    role = get_object_or_404(Role, pk=pk, organisation=organisation, kind="translator")
    actor = cast(User, request.user)
    if "ta-bort" in request.POST:
        services.translator_role_remove(actor=actor, role=role)
        messages.success(request, _("%(name)s är inte längre översättare.") % {"name": role.user})
        return redirect("translations_staff:translators", slug=organisation.slug)
    codes = selectors.languages_of(organisation)
    form = TranslatorLanguagesForm(request.POST, codes=codes)
    if form.is_valid():
        with form_errors(form):
            services.translator_role_save(
                actor=actor,
                organisation=organisation,
                user=cast(User, role.user),
                languages=form.cleaned_data["languages"],
            )
            messages.success(request, _("Språken är sparade."))
            return redirect("translations_staff:translators", slug=organisation.slug)
    return render(
        request,
        "translations/staff/translator_form.html",
        {"organisation": organisation, "role": role, "form": form},
        status=form_status(form),
    )
