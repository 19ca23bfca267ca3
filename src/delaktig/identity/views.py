from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.models import User
from delaktig.accounts.roles import is_administrator, staff_organisation_ids
from delaktig.core.errors import DelaktigError
from delaktig.organisations.models import Municipality

from . import services
from .forms import VerifyResidentForm


@staff_required
def verify_resident(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("identity.verify_resident", None):
        raise PermissionDenied
    municipalities = Municipality.objects.all()
    if not is_administrator(request.user):
        municipalities = municipalities.filter(
            organisations__in=staff_organisation_ids(request.user, ("official",))
        ).distinct()
    form = VerifyResidentForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = User.objects.filter(email__iexact=data["email"], is_active=True).first()
        if user is None:
            form.add_error("email", _("Det finns inget konto med den e-postadressen."))
        else:
            try:
                services.verification_by_official(
                    actor=request.user,
                    user=user,
                    identity_number=data["identity_number"],
                    municipality=data["municipality"],
                )
            except DelaktigError as error:
                form.add_error("identity_number", error.message)
            else:
                messages.success(request, _("Personen är verifierad."))
                return redirect("identity:verify")
    return render(
        request, "identity/verify.html", {"form": form}, status=400 if form.errors else 200
    )
