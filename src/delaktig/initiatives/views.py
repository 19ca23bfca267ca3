from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.accounts.types import User
from delaktig.core.forms import form_errors, form_status
from delaktig.core.paging import page_number
from delaktig.core.sites import list_scope, require_own_host

from . import selectors, services
from .forms import InitiativeForm, SignatureListForm, SignaturesForm
from .models import Initiative, SignatureList


def initiative_list(request: HttpRequest) -> HttpResponse:
    page = selectors.initiatives_page(list_scope(request), number=page_number(request.GET))
    can_add = request.user.has_perm("initiatives.add_initiative")
    return render(
        request, "initiatives/list.html", {"rows": page.items, "page": page, "can_add": can_add}
    )


def _signatures_form(initiative: Initiative, request: HttpRequest | None = None) -> SignaturesForm:
    form = SignaturesForm(request.POST if request else None, prefix="sig")
    form.fields["signature_list"].queryset = initiative.lists.all()  # type: ignore[attr-defined]
    return form


def _add_list(request: HttpRequest, initiative: Initiative, form: SignatureListForm) -> None:
    data = form.cleaned_data
    services.signature_list_add(
        actor=cast(User, request.user),
        initiative=initiative,
        kind=SignatureList.Kind(data["kind"]),
        label=data["label"],
        received_on=data["received_on"],
    )
    messages.success(request, _("Listan är registrerad."))


def _register(request: HttpRequest, form: SignaturesForm) -> list[services.LineError]:
    """Register the pasted lines; the errors line by line if nothing was saved."""
    saved, line_errors = services.signatures_register(
        actor=cast(User, request.user),
        signature_list=form.cleaned_data["signature_list"],
        lines=form.cleaned_data["lines"],
    )
    if line_errors:
        form.add_error("lines", _("Rätta raderna nedan. Inget sparades."))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s underskrift är registrerad.",
                "%(n)s underskrifter är registrerade.",
                saved,
            )
            % {"n": saved},
        )
    return line_errors


def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_object_or_404(Initiative.objects.select_related("organisation"), pk=pk)
    require_own_host(request, initiative.organisation)
    can_edit = request.user.has_perm("initiatives.change_initiative", initiative)
    list_form = SignatureListForm(prefix="list")
    signatures_form = _signatures_form(initiative)
    line_errors: list[services.LineError] = []
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("action") == "list":
            list_form = SignatureListForm(request.POST, prefix="list")
            if list_form.is_valid():
                with form_errors(list_form):
                    _add_list(request, initiative, list_form)
                    return redirect(initiative)
        else:
            signatures_form = _signatures_form(initiative, request)
            if signatures_form.is_valid():
                with form_errors(signatures_form):
                    line_errors = _register(request, signatures_form)
                    if not line_errors:
                        return redirect(initiative)
    return render(
        request,
        "initiatives/detail.html",
        {
            "initiative": initiative,
            "count": selectors.initiative_count(initiative=initiative),
            "lists": initiative.lists.all(),
            "can_edit": can_edit,
            "list_form": list_form,
            "signatures_form": signatures_form,
            "line_errors": line_errors,
        },
        status=max(form_status(list_form), form_status(signatures_form)),
    )


@staff_required
def initiative_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("initiatives.add_initiative"):
        raise PermissionDenied
    form = InitiativeForm(request.POST or None)
    form.fields["organisation"].queryset = official_organisations(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form):
            initiative = services.initiative_create(
                actor=cast(User, request.user),
                organisation=data["organisation"],
                title=data["title"],
                question=data["question"],
                initiators=data["initiators"],
                submitted_on=data["submitted_on"],
                entitled_voters=data["entitled_voters"],
                case_number=data["case_number"],
            )
            return redirect(initiative)
    return render(request, "initiatives/form.html", {"form": form}, status=form_status(form))
