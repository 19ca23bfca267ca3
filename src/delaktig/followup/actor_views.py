"""Pages for joining a strategy, reporting actors' activities and networks of actors.

Public pages show actors by name and kind only: contact persons are never shown publicly.
Members-only documents are served by ``network_document`` after a permission check, never
from a public media URL.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.core.errors import DelaktigError

from . import actor_services as services
from . import selectors
from .actor_forms import (
    ActorActivityForm,
    ApproveForm,
    DeclineForm,
    EndForm,
    JoinForm,
    NetworkDocumentForm,
    NetworkForm,
    NetworkMeetingForm,
    NetworkMemberForm,
    RegisterCommitmentForm,
)
from .models import (
    ActorActivity,
    Commitment,
    Network,
    NetworkDocument,
    NetworkMeeting,
    NetworkMember,
    Strategy,
)

CHANGE = services.CHANGE


def _status(form: Any, *more: Any) -> int:
    return 400 if any(f is not None and f.errors for f in (form, *more)) else 200


def _visible_strategy(request: HttpRequest, slug: str) -> Strategy:
    return get_object_or_404(selectors.visible_strategies(request.user), slug=slug)


# --- Public: who has joined, joining, reporting ---


def joined(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _visible_strategy(request, slug)
    commitments = list(services.joined_commitments(strategy))
    for commitment in commitments:
        commitment.strategy = strategy  # the permission check reads its organisation
    reportable = set()
    if request.user.is_authenticated:
        reportable = {c.pk for c in commitments if request.user.has_perm(services.REPORT, c)}
    return render(
        request,
        "followup/actors/joined.html",
        {
            "strategy": strategy,
            "commitments": commitments,
            "reportable": reportable,
            "networks": strategy.networks.filter(published=True),
        },
    )


def join(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _visible_strategy(request, slug)
    if not (strategy.published and strategy.joinable):
        raise Http404
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(request, "followup/actors/join.html", {"strategy": strategy, "form": None})
    initial = {"contact_email": getattr(request.user, "email", "")}
    form = JoinForm(request.POST or None, strategy=strategy, initial=initial)
    status = 0
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment = services.commitment_request(
                user=request.user,
                strategy=strategy,
                actor_name=data["actor_name"],
                actor_kind=data["actor_kind"],
                organisation_number=data["organisation_number"],
                municipality=data["municipality"],
                commitment=data["commitment"],
                goals=data["goals"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
            )
        except DelaktigError as error:
            # The form comes back with everything that was typed.
            form.add_error(None, error.message)
            if error.status == 429:
                status = 429
        else:
            if commitment.contact_confirmed_at is not None:
                message = _(
                    "Tack! Ansökan om att %(actor)s ska ansluta sig är mottagen. En "
                    "tjänsteperson granskar den, och besked kommer till %(email)s."
                ) % {"actor": commitment.actor.name, "email": commitment.contact_email}
            elif own := services.verified_address(request.user.pk):
                message = _(
                    "Tack! Ansökan om att %(actor)s ska ansluta sig är mottagen. Vi har skickat "
                    "en länk till %(email)s: när den har använts kommer beskedet dit, annars "
                    "till din egen e-post %(own)s."
                ) % {"actor": commitment.actor.name, "email": commitment.contact_email, "own": own}
            else:
                message = _(
                    "Tack! Ansökan om att %(actor)s ska ansluta sig är mottagen. Vi har skickat "
                    "en länk till %(email)s: när den har använts kommer beskedet dit."
                ) % {"actor": commitment.actor.name, "email": commitment.contact_email}
            messages.success(request, message)
            return redirect("followup:join", slug=strategy.slug)
    mine = (
        Commitment.objects.filter(
            Q(contact_user=request.user) | Q(requested_by=request.user), strategy=strategy
        )
        .select_related("actor")
        .order_by("created")
    )
    return render(
        request,
        "followup/actors/join.html",
        {"strategy": strategy, "form": form, "mine": mine},
        status=status or _status(form),
    )


def contact_confirm(request: HttpRequest, slug: str, pk: int, token: str) -> HttpResponse:
    """The page the confirmation link in the contact's e-mail opens: a button that confirms
    (a POST, so that mail scanners following the link confirm nothing). Nothing about the
    request is shown unless the link is valid."""
    commitment = get_object_or_404(
        Commitment.objects.select_related("strategy", "actor"), pk=pk, strategy__slug=slug
    )
    valid = services.contact_confirmation_valid(commitment, token)
    confirmed = False
    if request.method == "POST" and valid:
        try:
            commitment = services.commitment_confirm_contact(commitment=commitment, token=token)
        except DelaktigError:
            valid = False
        else:
            confirmed = True
    return render(
        request,
        "followup/actors/contact_confirm.html",
        {
            "commitment": commitment if valid else None,
            "error": None if valid else services.InvalidConfirmation().message,
            "confirmed": confirmed or (valid and commitment.contact_confirmed_at is not None),
            "token": token,
        },
        status=200 if valid else 400,
    )


def _reportable_commitment(request: HttpRequest, slug: str, pk: int) -> Commitment:
    commitment = get_object_or_404(
        Commitment.objects.select_related("strategy", "strategy__organisation", "actor"),
        pk=pk,
        strategy__slug=slug,
    )
    if not request.user.has_perm(services.REPORT, commitment):
        raise PermissionDenied
    return commitment


def _report_page(
    request: HttpRequest, commitment: Commitment, activity: ActorActivity | None
) -> HttpResponse:
    strategy = commitment.strategy
    initial: dict[str, Any] = {"year": timezone.localdate().year}
    if activity is not None:
        initial = {
            "title": activity.title,
            "description": activity.description,
            "year": activity.year,
            "status": activity.status,
            "goals": list(activity.goals.all()),
        }
    form = ActorActivityForm(request.POST or None, strategy=strategy, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.actor_activity_report(
                user=request.user,
                commitment=commitment,
                activity=activity,
                title=data["title"],
                description=data["description"],
                year=data["year"],
                status=data["status"],
                goals=data["goals"],
            )
        except DelaktigError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Aktiviteten är sparad."))
            return redirect("followup:commitment_report", slug=strategy.slug, pk=commitment.pk)
    activities = commitment.activities.prefetch_related("goals").order_by("-year", "title")
    return render(
        request,
        "followup/actors/report.html",
        {
            "strategy": strategy,
            "commitment": commitment,
            "activity": activity,
            "activities": activities,
            "form": form,
        },
        status=_status(form),
    )


def commitment_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    commitment = _reportable_commitment(request, slug, pk)
    return _report_page(request, commitment, None)


def actor_activity_edit(request: HttpRequest, slug: str, pk: int, activity_pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    commitment = _reportable_commitment(request, slug, pk)
    activity = get_object_or_404(commitment.activities, pk=activity_pk)
    return _report_page(request, commitment, activity)


# --- Public: networks ---


def _visible_network(request: HttpRequest, slug: str) -> Network:
    network = get_object_or_404(
        Network.objects.select_related("organisation", "strategy"), slug=slug
    )
    if not network.published and not request.user.has_perm(services.VIEW_DOCUMENTS, network):
        raise Http404
    return network


def _network_page(request: HttpRequest, network: Network, form: Any = None) -> HttpResponse:
    user = request.user
    can_add = user.is_authenticated and user.has_perm(services.ADD_DOCUMENT, network)
    if form is None and can_add:
        form = NetworkDocumentForm(allow_public=False)
    now = timezone.now()
    meetings = network.meetings.all()
    strategy = network.strategy
    if strategy is not None and not strategy.published:
        strategy = None
    return render(
        request,
        "followup/actors/network.html",
        {
            "network": network,
            "strategy": strategy,
            "members": network.members.select_related("actor").order_by("actor__name"),
            "upcoming": meetings.filter(starts_at__gte=now).order_by("starts_at"),
            "past": meetings.filter(starts_at__lt=now).order_by("-starts_at"),
            "documents": services.visible_documents(user, network),
            "is_member": services.is_network_member(user, network),
            "sees_internal": user.has_perm(services.VIEW_DOCUMENTS, network),
            "can_add": can_add,
            "form": form,
        },
        status=_status(form),
    )


def networks(request: HttpRequest) -> HttpResponse:
    items = Network.objects.filter(published=True).select_related("organisation", "strategy")
    return render(request, "followup/actors/networks.html", {"networks": items})


def network(request: HttpRequest, slug: str) -> HttpResponse:
    item = _visible_network(request, slug)
    if request.method != "POST":
        return _network_page(request, item)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(services.ADD_DOCUMENT, item):
        raise PermissionDenied
    form = NetworkDocumentForm(request.POST, request.FILES, allow_public=False)
    if form.is_valid():
        try:
            services.network_document_add(
                user=request.user,
                network=item,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except DelaktigError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("Dokumentet är delat med nätverkets medlemmar."))
            return redirect(item)
    return _network_page(request, item, form)


def network_document(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    item = _visible_network(request, slug)
    document = get_object_or_404(NetworkDocument, pk=pk, network=item)
    if not document.public and not request.user.has_perm(services.VIEW_DOCUMENTS, item):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    extension = document.file.name.rsplit(".", 1)[-1] if "." in document.file.name else ""
    filename = f"{slugify(document.title)[:80] or 'dokument'}.{extension}".rstrip(".")
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=not document.content_type.startswith("image/"),
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not document.public:
        response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def network_document_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    item = _visible_network(request, slug)
    document = get_object_or_404(
        NetworkDocument.objects.select_related("network"), pk=pk, network=item
    )
    try:
        services.network_document_delete(user=request.user, document=document)
    except DelaktigError as error:
        raise PermissionDenied(error.message) from error
    messages.success(request, _("Dokumentet är borttaget."))
    if request.POST.get("next") == "staff" and request.user.has_perm(CHANGE, item):
        return redirect("followup_staff:network_documents", pk=item.pk)
    return redirect(item)


# --- Staff: commitments ---


def _editable_strategy(request: HttpRequest, pk: int) -> Strategy:
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), pk=pk)
    if not request.user.has_perm(CHANGE, strategy):
        raise PermissionDenied
    return strategy


@staff_required
def actors(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, pk)
    return render(
        request,
        "followup/actors/staff_commitments.html",
        {"strategy": strategy, "commitments": services.commitments_for_review(strategy)},
    )


def _actor_fields(data: dict[str, Any]) -> dict[str, Any]:
    """An existing actor, or the details of a new one, as the services take them."""
    names = ("existing_actor", "actor_name", "actor_kind", "organisation_number", "municipality")
    return {name: data[name] for name in names}


@staff_required
def commitment_add(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, pk)
    form = RegisterCommitmentForm(request.POST or None, strategy=strategy)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment = services.commitment_register(
                actor=request.user,
                strategy=strategy,
                **_actor_fields(data),
                commitment=data["commitment"],
                goals=data["goals"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                joined_on=data["joined_on"],
            )
        except DelaktigError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(actor)s är registrerad som ansluten.") % {"actor": commitment.actor.name},
            )
            return redirect("followup_staff:actors", pk=strategy.pk)
    return render(
        request,
        "followup/actors/staff_commitment_add.html",
        {"strategy": strategy, "form": form},
        status=_status(form),
    )


@staff_required
def commitment_review(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_object_or_404(
        Commitment.objects.select_related(
            "strategy", "strategy__organisation", "actor", "actor__municipality", "contact_user"
        ),
        pk=pk,
    )
    if not request.user.has_perm(CHANGE, commitment.strategy):
        raise PermissionDenied
    action = request.POST.get("action")
    approve_form = ApproveForm(request.POST if action == "approve" else None, prefix="approve")
    decline_form = DeclineForm(request.POST if action == "decline" else None, prefix="decline")
    end_form = EndForm(request.POST if action == "end" else None, prefix="end")
    status = 200
    if request.method == "POST":
        forms_by_action: dict[str, Any] = {
            "approve": approve_form,
            "decline": decline_form,
            "end": end_form,
        }
        form = forms_by_action.get(action or "")
        if form is None:
            return HttpResponse(status=400)
        if form.is_valid():
            try:
                if action == "approve":
                    services.commitment_approve(
                        actor=request.user,
                        commitment=commitment,
                        joined_on=form.cleaned_data["joined_on"],
                    )
                    messages.success(request, _("Anslutningen är godkänd."))
                elif action == "decline":
                    services.commitment_decline(
                        actor=request.user,
                        commitment=commitment,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Anslutningen är inte godkänd."))
                else:
                    services.commitment_end(
                        actor=request.user,
                        commitment=commitment,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Anslutningen är avslutad."))
            except DelaktigError as error:
                # Shown at the top: the form it came from may no longer be on the page.
                messages.error(request, error.message)
                status = error.status
            else:
                return redirect("followup_staff:commitment_review", pk=commitment.pk)
        if form.errors and status == 200:
            status = 400
        commitment.refresh_from_db()
    return render(
        request,
        "followup/actors/staff_commitment.html",
        {
            "strategy": commitment.strategy,
            "commitment": commitment,
            "goals": commitment.goals.all(),
            "activities": commitment.activities.prefetch_related("goals"),
            "decision_recipient": services.decision_recipient(commitment),
            "approve_form": approve_form,
            "decline_form": decline_form,
            "end_form": end_form,
        },
        status=status,
    )


# --- Staff: networks ---


def _official_organisations(request: HttpRequest) -> Any:
    organisations = official_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    return organisations


def _editable_network(request: HttpRequest, pk: int) -> Network:
    network = get_object_or_404(Network.objects.select_related("organisation", "strategy"), pk=pk)
    if not request.user.has_perm(CHANGE, network):
        raise PermissionDenied
    return network


@staff_required
def networks_staff(request: HttpRequest) -> HttpResponse:
    organisations = _official_organisations(request)
    items = (
        Network.objects.filter(organisation__in=organisations)
        .select_related("organisation", "strategy")
        .order_by("name")
    )
    return render(request, "followup/actors/staff_networks.html", {"networks": items})


@staff_required
def network_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    organisations = _official_organisations(request)
    network = _editable_network(request, pk) if pk is not None else None
    form = NetworkForm(request.POST or None, instance=network, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.network_save(
                actor=request.user,
                organisation=network.organisation if network else data["organisation"],
                network=network,
                name=data["name"],
                slug=data["slug"],
                description=data["description"],
                strategy=data["strategy"],
                published=data["published"],
            )
        except DelaktigError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Nätverket är sparat."))
            return redirect("followup_staff:network_edit", pk=saved.pk)
    if network is not None:
        network = _editable_network(request, network.pk)  # unsaved form changes left out
    return render(
        request,
        "followup/actors/staff_network.html",
        {
            "network": network,
            "form": form,
            "counts": (
                {
                    "members": network.members.count(),
                    "meetings": network.meetings.count(),
                    "documents": network.documents.count(),
                }
                if network
                else {}
            ),
        },
        status=_status(form),
    )


@staff_required
def network_members(request: HttpRequest, pk: int) -> HttpResponse:
    network = _editable_network(request, pk)
    form = NetworkMemberForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.network_member_add(
                actor=request.user,
                network=network,
                **_actor_fields(data),
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
            )
        except DelaktigError as error:
            form.add_error(None, error.message)
        else:
            if member.user_id:
                text = _("%(actor)s är medlem. Kontaktpersonens konto är kopplat.")
            elif member.contact_email:
                text = _(
                    "%(actor)s är medlem. Det finns inget konto med kontaktpersonens e-post, "
                    "så inget konto är kopplat."
                )
            else:
                text = _("%(actor)s är medlem.")
            messages.success(request, text % {"actor": member.actor.name})
            return redirect("followup_staff:network_members", pk=network.pk)
    return render(
        request,
        "followup/actors/staff_network_members.html",
        {
            "network": network,
            "members": network.members.select_related("actor", "user").order_by("actor__name"),
            "form": form,
        },
        status=_status(form),
    )


@staff_required
@require_POST
def network_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    network = _editable_network(request, pk)
    member = get_object_or_404(
        NetworkMember.objects.select_related("actor", "network"), pk=member_pk, network=network
    )
    services.network_member_remove(actor=request.user, member=member)
    messages.success(request, _("%(actor)s är inte längre medlem.") % {"actor": member.actor.name})
    return redirect("followup_staff:network_members", pk=network.pk)


@staff_required
def network_meetings(request: HttpRequest, pk: int, meeting_pk: int | None = None) -> HttpResponse:
    network = _editable_network(request, pk)
    meeting = (
        get_object_or_404(NetworkMeeting, pk=meeting_pk, network=network) if meeting_pk else None
    )
    form = NetworkMeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.network_meeting_save(
                actor=request.user,
                network=network,
                meeting=meeting,
                title=data["title"],
                starts_at=data["starts_at"],
                place=data["place"],
                agenda=data["agenda"],
                notes=data["notes"],
            )
        except DelaktigError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Träffen är sparad."))
            return redirect("followup_staff:network_meetings", pk=network.pk)
    return render(
        request,
        "followup/actors/staff_network_meetings.html",
        {
            "network": network,
            "meeting": meeting,
            "meetings": network.meetings.order_by("-starts_at"),
            "form": form,
        },
        status=_status(form),
    )


@staff_required
def network_documents(request: HttpRequest, pk: int) -> HttpResponse:
    network = _editable_network(request, pk)
    form = NetworkDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.network_document_add(
                user=request.user,
                network=network,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                public=form.cleaned_data["public"],
            )
        except DelaktigError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("Dokumentet är uppladdat."))
            return redirect("followup_staff:network_documents", pk=network.pk)
    return render(
        request,
        "followup/actors/staff_network_documents.html",
        {
            "network": network,
            "documents": network.documents.select_related("uploaded_by"),
            "form": form,
        },
        status=_status(form),
    )
