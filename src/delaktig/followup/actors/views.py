"""Pages for joining a strategy, reporting actors' activities and networks of actors.

Public pages show actors by name and kind only: contact persons are never shown publicly.
Members-only documents are served by ``network_document`` after a permission check, never
from a public media URL.
"""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations_or_403
from delaktig.accounts.types import User
from delaktig.core.confirm import confirm_required
from delaktig.core.errors import DelaktigError, require_perm
from delaktig.core.forms import form_errors, form_status, markdown_preview
from delaktig.core.storage import stored_file_response
from delaktig.moderation.checks import explain_record
from delaktig.translations.access import prefetch

from .. import selectors
from ..models import (
    ActorActivity,
    Commitment,
    Network,
    NetworkDocument,
    NetworkMeeting,
    NetworkMember,
    Strategy,
)
from ..status import COMMITMENT_MACHINE
from . import services
from .forms import (
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

CHANGE = services.CHANGE


def _visible_strategy(request: HttpRequest, slug: str) -> Strategy:
    return get_object_or_404(selectors.visible_strategies(request.user), slug=slug)


# --- Public: who has joined, joining, reporting ---


def joined(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _visible_strategy(request, slug)
    commitments = list(selectors.joined_commitments(strategy))
    for commitment in commitments:
        commitment.strategy = strategy  # the permission check reads its organisation
    prefetch([strategy, *(goal for c in commitments for goal in c.goals.all())])
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
    form.ask_for_rules(user=request.user, organisation=strategy.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The form comes back with everything that was typed when the request is refused.
        with form_errors(form):
            commitment = services.commitment_request(
                actor=cast(User, request.user),
                strategy=strategy,
                actor_name=data["actor_name"],
                actor_kind=data["actor_kind"],
                organisation_number=data["organisation_number"],
                municipality=data["municipality"],
                commitment=data["commitment"],
                goals=data["goals"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                **form.screening_flags(),
            )
            messages.success(request, _received(request, commitment))
            return redirect("followup:join", slug=strategy.slug)
    return render(
        request,
        "followup/actors/join.html",
        {
            "strategy": strategy,
            "form": form,
            "mine": selectors.own_commitments(request.user, strategy),
        },
        status=form_status(form),
    )


def _received(request: HttpRequest, commitment: Commitment) -> str:
    """What the person is told about their request: where the decision will go."""
    names = {"actor": commitment.actor.name, "email": commitment.contact_email}
    if commitment.contact_confirmed_at is not None:
        return (
            _(
                "Tack! Ansökan om att %(actor)s ska ansluta sig är mottagen. En "
                "tjänsteperson granskar den, och besked kommer till %(email)s."
            )
            % names
        )
    if own := selectors.verified_address(request.user.pk):
        return _(
            "Tack! Ansökan om att %(actor)s ska ansluta sig är mottagen. Vi har skickat "
            "en länk till %(email)s: när den har använts kommer beskedet dit, annars "
            "till din egen e-post %(own)s."
        ) % {**names, "own": own}
    return (
        _(
            "Tack! Ansökan om att %(actor)s ska ansluta sig är mottagen. Vi har skickat "
            "en länk till %(email)s: när den har använts kommer beskedet dit."
        )
        % names
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
        commitment = services.commitment_confirm_contact(commitment=commitment, token=token)
        confirmed = True
    return render(
        request,
        "followup/actors/contact_confirm.html",
        {
            "commitment": commitment if valid else None,
            "error": None if valid else DelaktigError("followup.invalid_confirmation").message,
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
    require_perm(request.user, services.REPORT, commitment)
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
        with form_errors(form):
            services.actor_activity_report(
                actor=cast(User, request.user),
                commitment=commitment,
                activity=activity,
                title=data["title"],
                description=data["description"],
                year=data["year"],
                status=data["status"],
                goals=data["goals"],
            )
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
        status=form_status(form),
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
            "documents": selectors.visible_documents(user, network),
            "is_member": selectors.is_network_member(user, network),
            "sees_internal": user.has_perm(services.VIEW_DOCUMENTS, network),
            "can_add": can_add,
            "form": form,
        },
        status=form_status(form) if form is not None else 200,
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
    require_perm(request.user, services.ADD_DOCUMENT, item)
    form = NetworkDocumentForm(request.POST, request.FILES, allow_public=False)
    if form.is_valid():
        with form_errors(form, "file"):
            services.network_document_add(
                actor=cast(User, request.user),
                network=item,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
            messages.success(request, _("Dokumentet är delat med nätverkets medlemmar."))
            return redirect(item)
    return _network_page(request, item, form)


def network_document(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    item = _visible_network(request, slug)
    document = get_object_or_404(NetworkDocument, pk=pk, network=item)
    if not document.public:
        # An anonymous person is sent to log in (core.middleware.DelaktigErrorMiddleware).
        require_perm(request.user, services.VIEW_DOCUMENTS, item)
    extension = document.file.name.rsplit(".", 1)[-1] if "." in document.file.name else ""
    filename = f"{slugify(document.title)[:80] or 'dokument'}.{extension}".rstrip(".")
    response = stored_file_response(
        document.file,
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
    services.network_document_delete(actor=cast(User, request.user), document=document)
    messages.success(request, _("Dokumentet är borttaget."))
    if request.POST.get("next") == "staff" and request.user.has_perm(CHANGE, item):
        return redirect("followup_staff:network_documents", pk=item.pk)
    return redirect(item)


# --- Staff: commitments ---


def _editable_strategy(request: HttpRequest, pk: int) -> Strategy:
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), pk=pk)
    require_perm(request.user, CHANGE, strategy)
    return strategy


@staff_required
def actors(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, pk)
    return render(
        request,
        "followup/actors/staff_commitments.html",
        {"strategy": strategy, "commitments": selectors.commitments_for_review(strategy)},
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
        with form_errors(form):
            commitment = services.commitment_register(
                actor=cast(User, request.user),
                strategy=strategy,
                **_actor_fields(data),
                commitment=data["commitment"],
                goals=data["goals"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                joined_on=data["joined_on"],
            )
            messages.success(
                request,
                _("%(actor)s är registrerad som ansluten.") % {"actor": commitment.actor.name},
            )
            return redirect("followup_staff:actors", pk=strategy.pk)
    return render(
        request,
        "followup/actors/staff_commitment_add.html",
        {"strategy": strategy, "form": form},
        status=form_status(form),
    )


def _decide(request: HttpRequest, commitment: Commitment, action: str, form: Any) -> str:
    """Carry out the official's decision; what they are told."""
    data = form.cleaned_data
    if action == "approve":
        services.commitment_approve(
            actor=cast(User, request.user), commitment=commitment, joined_on=data["joined_on"]
        )
        return _("Anslutningen är godkänd.")
    if action == "decline":
        services.commitment_decline(
            actor=cast(User, request.user), commitment=commitment, reason=data["reason"]
        )
        return _("Anslutningen är inte godkänd.")
    services.commitment_end(
        actor=cast(User, request.user), commitment=commitment, reason=data["reason"]
    )
    return _("Anslutningen är avslutad.")


@staff_required
def commitment_review(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_object_or_404(
        Commitment.objects.select_related(
            "strategy", "strategy__organisation", "actor", "actor__municipality", "contact_user"
        ),
        pk=pk,
    )
    require_perm(request.user, CHANGE, commitment.strategy)
    action = request.POST.get("action") or ""
    forms_by_action: dict[str, Any] = {
        "approve": ApproveForm(request.POST if action == "approve" else None, prefix="approve"),
        "decline": DeclineForm(request.POST if action == "decline" else None, prefix="decline"),
        "end": EndForm(request.POST if action == "end" else None, prefix="end"),
    }
    form = forms_by_action.get(action)
    if request.method == "POST":
        if form is None:
            return HttpResponse(status=400)
        if form.is_valid():
            with form_errors(form):
                messages.success(request, _decide(request, commitment, action, form))
                return redirect("followup_staff:commitment_review", pk=commitment.pk)
            # Decided meanwhile by someone else: show the page as it is now, and say why
            # where the form that was used is no longer offered.
            commitment.refresh_from_db()
            if action not in COMMITMENT_MACHINE.allowed_actions(commitment.status):
                for error in form.non_field_errors():
                    messages.error(request, error)
    return render(
        request,
        "followup/actors/staff_commitment.html",
        {
            "strategy": commitment.strategy,
            "commitment": commitment,
            "goals": commitment.goals.all(),
            "activities": commitment.activities.prefetch_related("goals"),
            "decision_recipient": selectors.decision_recipient(commitment),
            "screening_findings": [explain_record(f) for f in commitment.screening_findings],
            "allowed": {
                str(allowed): True
                for allowed in COMMITMENT_MACHINE.allowed_actions(commitment.status)
            },
            "approve_form": forms_by_action["approve"],
            "decline_form": forms_by_action["decline"],
            "end_form": forms_by_action["end"],
        },
        status=form_status(form) if form is not None else 200,
    )


# --- Staff: networks ---


def _editable_network(request: HttpRequest, pk: int) -> Network:
    network = get_object_or_404(Network.objects.select_related("organisation", "strategy"), pk=pk)
    require_perm(request.user, CHANGE, network)
    return network


@staff_required
def networks_staff(request: HttpRequest) -> HttpResponse:
    organisations = official_organisations_or_403(request.user)
    items = (
        Network.objects.filter(organisation__in=organisations)
        .select_related("organisation", "strategy")
        .order_by("name")
    )
    return render(request, "followup/actors/staff_networks.html", {"networks": items})


@staff_required
def network_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    organisations = official_organisations_or_403(request.user)
    network = _editable_network(request, pk) if pk is not None else None
    form = NetworkForm(request.POST or None, instance=network, organisations=organisations)
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form):
            saved = services.network_save(
                actor=cast(User, request.user),
                organisation=network.organisation if network else data["organisation"],
                network=network,
                name=data["name"],
                slug=data["slug"],
                description=data["description"],
                strategy=data["strategy"],
                published=data["published"],
            )
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
        status=form_status(form),
    )


@staff_required
def network_members(request: HttpRequest, pk: int) -> HttpResponse:
    network = _editable_network(request, pk)
    form = NetworkMemberForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form):
            member = services.network_member_add(
                actor=cast(User, request.user),
                network=network,
                **_actor_fields(data),
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
            )
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
        status=form_status(form),
    )


@staff_required
@require_POST
def network_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    network = _editable_network(request, pk)
    member = get_object_or_404(
        NetworkMember.objects.select_related("actor", "network"), pk=member_pk, network=network
    )
    page = confirm_required(
        request,
        question=_("Vill du verkligen ta bort %(actor)s ur nätverket?")
        % {"actor": member.actor.name},
        consequence=_("Aktören är inte längre medlem och måste läggas till på nytt."),
        cancel_url=reverse("followup_staff:network_members", args=[network.pk]),
    )
    if page is not None:
        return page
    services.network_member_remove(actor=cast(User, request.user), member=member)
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
        with form_errors(form):
            services.network_meeting_save(
                actor=cast(User, request.user),
                network=network,
                meeting=meeting,
                title=data["title"],
                starts_at=data["starts_at"],
                place=data["place"],
                agenda=data["agenda"],
                notes=data["notes"],
            )
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
        status=form_status(form),
    )


@staff_required
def network_documents(request: HttpRequest, pk: int) -> HttpResponse:
    network = _editable_network(request, pk)
    form = NetworkDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form, "file"):
            services.network_document_add(
                actor=cast(User, request.user),
                network=network,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                public=form.cleaned_data["public"],
            )
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
        status=form_status(form),
    )
