from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.models import User
from delaktig.accounts.roles import is_administrator, staff_organisation_ids
from delaktig.core.forms import form_errors, form_status
from delaktig.organisations.models import Municipality

from . import services
from .forms import IdentityCheckForm, RedeemCodeForm, VerifyResidentForm


def _verifiable_municipalities(request: HttpRequest) -> QuerySet[Municipality]:
    if not request.user.has_perm("identity.verify_resident", None):
        raise PermissionDenied
    municipalities = Municipality.objects.all()
    if not is_administrator(request.user):
        municipalities = municipalities.filter(
            organisations__in=staff_organisation_ids(request.user, ("official",))
        ).distinct()
    return municipalities


@staff_required
def verify_resident(request: HttpRequest) -> HttpResponse:
    municipalities = _verifiable_municipalities(request)
    form = VerifyResidentForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = User.objects.filter(email__iexact=data["email"], is_active=True).first()
        if user is None:
            form.add_error("email", _("Det finns inget konto med den e-postadressen."))
        else:
            with form_errors(form, "identity_number"):
                services.verification_by_official(
                    actor=cast(User, request.user),
                    user=user,
                    identity_number=data["identity_number"],
                    municipality=data["municipality"],
                )
                messages.success(request, _("Personen är verifierad."))
                return redirect("identity:verify")
    return render(request, "identity/verify.html", {"form": form}, status=form_status(form))


@staff_required
def issue_code(request: HttpRequest) -> HttpResponse:
    """Give someone without e-ID a one-time code after checking their identity in person."""
    form = IdentityCheckForm(
        request.POST or None, municipalities=_verifiable_municipalities(request)
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form, "identity_number"):
            issued, code = services.verification_code_issue(
                actor=cast(User, request.user),
                identity_number=form.cleaned_data["identity_number"],
                municipality=form.cleaned_data["municipality"],
            )
            # Shown once, never stored in clear: the page is not cached and not redirected to.
            response = render(
                request, "identity/code_issued.html", {"issued": issued, "code": code}
            )
            add_never_cache_headers(response)
            return response
    return render(request, "identity/issue_code.html", {"form": form}, status=form_status(form))


@login_required
def redeem_code(request: HttpRequest) -> HttpResponse:
    """A person enters the code an official gave them, and their account becomes verified."""
    form = RedeemCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form, "code"):
            verification = services.verification_code_redeem(
                actor=cast(User, request.user), code=form.cleaned_data["code"]
            )
            messages.success(
                request,
                _("Du är verifierad och folkbokförd i %(municipality)s.")
                % {"municipality": verification.municipality},
            )
            return redirect("accounts:profile")
    return render(request, "identity/redeem_code.html", {"form": form}, status=form_status(form))
