from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import is_administrator, staff_organisation_ids
from delaktig.core.audit import audit_log
from delaktig.organisations.models import Organisation

from .forms import InitiativeForm, SignatureListForm, SignaturesForm
from .models import Initiative
from .services import LineError, initiative_count, signatures_register


def initiative_list(request: HttpRequest) -> HttpResponse:
    initiatives = Initiative.objects.select_related("organisation")
    rows = [(i, initiative_count(i)) for i in initiatives]
    can_add = request.user.has_perm("proposals.handle_proposal")
    return render(request, "initiatives/list.html", {"rows": rows, "can_add": can_add})


def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_object_or_404(Initiative.objects.select_related("organisation"), pk=pk)
    can_edit = request.user.has_perm("proposals.handle_proposal", initiative.organisation)
    list_form = SignatureListForm(prefix="list")
    signatures_form = SignaturesForm(prefix="sig")
    signatures_form.fields["signature_list"].queryset = initiative.lists.all()  # type: ignore[attr-defined]
    line_errors: list[LineError] = []
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("action") == "list":
            list_form = SignatureListForm(request.POST, prefix="list")
            if list_form.is_valid():
                signature_list = list_form.save(commit=False)
                signature_list.initiative = initiative
                signature_list.save()
                audit_log(
                    actor=request.user,
                    action="initiative.list",
                    target=initiative,
                    organisation=initiative.organisation,
                    data={"label": signature_list.label},
                )
                messages.success(request, _("Listan är registrerad."))
                return redirect(initiative)
        else:
            signatures_form = SignaturesForm(request.POST, prefix="sig")
            signatures_form.fields["signature_list"].queryset = initiative.lists.all()  # type: ignore[attr-defined]
            if signatures_form.is_valid():
                saved, line_errors = signatures_register(
                    actor=request.user,
                    signature_list=signatures_form.cleaned_data["signature_list"],
                    lines=signatures_form.cleaned_data["lines"],
                )
                if not line_errors:
                    messages.success(
                        request,
                        ngettext(
                            "%(n)s underskrift är registrerad.",
                            "%(n)s underskrifter är registrerade.",
                            saved,
                        )
                        % {"n": saved},
                    )
                    return redirect(initiative)
                signatures_form.add_error("lines", _("Rätta raderna nedan. Inget sparades."))
        status = 400
    return render(
        request,
        "initiatives/detail.html",
        {
            "initiative": initiative,
            "count": initiative_count(initiative),
            "lists": initiative.lists.all(),
            "can_edit": can_edit,
            "list_form": list_form,
            "signatures_form": signatures_form,
            "line_errors": line_errors,
        },
        status=status,
    )


@staff_required
def initiative_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("proposals.handle_proposal"):
        raise PermissionDenied
    organisations = Organisation.objects.all()
    if not is_administrator(request.user):
        organisations = organisations.filter(
            pk__in=staff_organisation_ids(request.user, ("official",))
        )
    form = InitiativeForm(request.POST or None)
    form.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        initiative = form.save(commit=False)
        initiative.created_by = request.user
        initiative.save()
        audit_log(
            actor=request.user,
            action="initiative.create",
            target=initiative,
            organisation=initiative.organisation,
        )
        return redirect(initiative)
    return render(
        request, "initiatives/form.html", {"form": form}, status=400 if form.errors else 200
    )
