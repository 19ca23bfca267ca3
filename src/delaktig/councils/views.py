import io
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations_or_403
from delaktig.accounts.types import User
from delaktig.core import exports
from delaktig.core.confirm import confirm_required
from delaktig.core.forms import form_errors, form_status, markdown_preview
from delaktig.core.http import no_store
from delaktig.core.paging import page_number, window
from delaktig.core.params import id_param
from delaktig.core.sites import list_scope, require_own_host
from delaktig.meetings.ical import calendar_for
from delaktig.meetings.models import Meeting
from delaktig.organisations.models import Organisation
from delaktig.translations.access import prefetch

from . import selectors, services
from .compensation import Claim, owed
from .forms import (
    AttendanceForm,
    CompensationModelForm,
    CouncilForm,
    HowUsedForm,
    MembershipForm,
    ReferralForm,
    ResponseForm,
)
from .models import Attendance, CompensationModel, Council, Membership, Referral

COUNCILS_PER_PAGE = 50


def council_list(request: HttpRequest) -> HttpResponse:
    listed = Council.objects.select_related("organisation")
    if (scope := list_scope(request)) is not None:
        listed = listed.filter(organisation=scope)
    # By name (an index), not by organisation: a sort over every council of the country.
    page = window(listed.order_by("name", "id"), page_number(request.GET), COUNCILS_PER_PAGE)
    councils = list(page.items)
    prefetch(councils)
    return render(request, "councils/list.html", {"councils": councils, "page": page})


def council_detail(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_object_or_404(Council.objects.select_related("organisation"), slug=slug)
    require_own_host(request, council.organisation)
    today = timezone.localdate()
    referrals = list(council.referrals.order_by("-deadline")[:20])
    prefetch([council, *referrals])
    return render(
        request,
        "councils/detail.html",
        {
            "council": council,
            "compensation": CompensationModel.objects.filter(
                organisation=council.organisation
            ).first(),
            "members": council.memberships.filter(
                term_start__lte=today, term_end__gte=today
            ).select_related("user"),
            "upcoming": council.meetings.public().filter(ends_at__gte=timezone.now()),
            "minutes": council.meetings.public()
            .filter(minutes_published_at__isnull=False)
            .order_by("-starts_at")[:10],
            "referrals": referrals,
        },
    )


def council_ics(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_object_or_404(Council, slug=slug)
    return HttpResponse(
        calendar_for(council.meetings.public(), name=council.name),
        content_type="text/calendar; charset=utf-8",
    )


def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.select_related("organisation"), pk=pk)
    mine = selectors.member_councils(viewer=request.user, referral=referral)
    can_answer = request.user.has_perm("councils.answer_referral", referral)
    can_handle = request.user.has_perm("councils.change_referral", referral)
    posted = request.POST if request.method == "POST" else None
    handling = request.POST.get("action") == "how_used"
    form = ResponseForm(None if handling else posted, councils=mine)
    how_form = HowUsedForm(posted if handling else None, initial={"how_used": referral.how_used})
    if handling and not can_handle:
        raise PermissionDenied
    if handling and not markdown_preview(request, how_form) and how_form.is_valid():
        with form_errors(how_form):
            services.referral_record_use(
                actor=cast(User, request.user), referral=referral, **how_form.cleaned_data
            )
            messages.success(request, _("Återkopplingen till råden är sparad."))
            return redirect(referral)
    elif not handling and form.is_valid():
        with form_errors(form):
            services.referral_answer(
                actor=cast(User, request.user), referral=referral, **form.cleaned_data
            )
            messages.success(request, _("Ert svar är lämnat."))
            return redirect(referral)
    councils = list(referral.councils.all())
    responses = list(referral.responses.select_related("council", "author"))
    prefetch([referral, *councils, *(response.council for response in responses)])
    return render(
        request,
        "councils/referral.html",
        {
            "referral": referral,
            "councils": councils,
            "responses": responses,
            "mine": mine,
            "can_answer": can_answer,
            "form": form,
            "how_form": how_form,
            "can_handle": can_handle,
            "overdue": referral.deadline < timezone.localdate(),
        },
        status=max(form_status(form), form_status(how_form)),
    )


@staff_required
def referrals_dashboard(request: HttpRequest) -> HttpResponse:
    organisations = official_organisations_or_403(request.user)
    councils = Council.objects.filter(organisation__in=organisations)
    form = ReferralForm(request.POST or None, councils=councils)
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        page = confirm_required(
            request,
            question=_("Vill du verkligen skicka remissen ”%(title)s” till råden?")
            % {"title": data["title"]},
            consequence=_("Råden får remissen direkt, och den kan inte dras tillbaka."),
            cancel_url=reverse("councils:referrals"),
        )
        if page is not None:
            return page
        with form_errors(form):
            referral = services.referral_create(
                actor=cast(User, request.user),
                organisation=data["councils"][0].organisation,
                title=data["title"],
                question=data["question"],
                body=data["body"],
                deadline=data["deadline"],
                councils=list(data["councils"]),
                module=data["module"],
            )
            messages.success(request, _("Remissen är skickad till råden."))
            return redirect(referral)
    return render(
        request,
        "councils/referrals.html",
        {
            "form": form,
            "overdue": selectors.overdue_referrals(organisation_ids=organisations.values("pk")),
            "open": Referral.objects.filter(
                organisation__in=organisations, deadline__gte=timezone.localdate()
            ).prefetch_related("councils"),
        },
        status=form_status(form),
    )


AttendanceRow = tuple[Membership, Attendance | None, AttendanceForm]


def _attendance_forms(
    sheet: selectors.AttendanceSheet, data: QueryDict | None
) -> list[AttendanceRow]:
    """One form per member, filled in with what is recorded."""
    rows = []
    for member in sheet.members:
        record = sheet.records.get(member.pk)
        initial = (
            {
                "present": record.present,
                "half_days": record.half_days,
                "lost_earnings": record.lost_earnings,
                "travel_km": record.travel_km,
                "travel_cost": record.travel_cost,
            }
            if record
            else {}
        )
        rows.append((member, record, AttendanceForm(data, prefix=f"m{member.pk}", initial=initial)))
    return rows


def _claim(form: AttendanceForm) -> Claim:
    data = form.cleaned_data
    return Claim(
        present=data["present"],
        half_days=data["half_days"],
        lost_earnings=data["lost_earnings"],
        travel_km=data["travel_km"],
        travel_cost=data["travel_cost"],
    )


@staff_required
def attendance(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.select_related("council", "organisation"),
        pk=meeting_pk,
        council__isnull=False,
    )
    if not request.user.has_perm("councils.record_attendance", meeting):
        raise PermissionDenied
    sheet = selectors.attendance_sheet(meeting=meeting)
    forms = _attendance_forms(sheet, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        actor = cast(User, request.user)
        if request.POST.get("action") == "approve":
            services.attendance_approve(actor=actor, meeting=meeting)
            messages.success(request, _("Ersättningarna är godkända."))
            return redirect("councils:attendance", meeting_pk=meeting.pk)
        if all(form.is_valid() for _m, _r, form in forms):
            claims = [(member, _claim(form)) for member, _r, form in forms]
            services.attendance_record(actor=actor, meeting=meeting, rows=claims)
            messages.success(request, _("Närvaron är sparad."))
            return redirect("councils:attendance", meeting_pk=meeting.pk)
        status = 400
    model = sheet.model
    rows = [
        (
            member,
            record,
            form,
            owed(model.rules(), record.claim() if record else None) if model else None,
        )
        for member, record, form in forms
    ]
    return render(
        request,
        "councils/attendance.html",
        {
            "meeting": meeting,
            "rows": rows,
            "model": model,
            "unapproved": any(r and r.approved_at is None for _m, r, _f in forms),
            "held": meeting.starts_at <= timezone.now(),
            "invalid": status == 400,
        },
        status=status,
    )


@no_store
@staff_required
def payroll_csv(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("councils.export_payroll", organisation):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("manad", "").split("-"))
    except ValueError:
        year, month = today.year, today.month
    out = io.StringIO()
    writer = exports.DictWriter(out, fieldnames=selectors.PAYROLL_FIELDS)
    writer.writeheader()
    writer.writerows(selectors.payroll_rows(organisation=organisation, year=year, month=month))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="ersattning-{organisation.slug}-{year}-{month:02d}.csv"'
    )
    return response


@staff_required
def compensation_model_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("councils.change_compensationmodel", organisation):
        raise PermissionDenied
    instance = CompensationModel.objects.filter(
        organisation=organisation
    ).first() or CompensationModel(organisation=organisation)
    form = CompensationModelForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.compensation_model_save(
                actor=cast(User, request.user), organisation=organisation, **form.cleaned_data
            )
            messages.success(request, _("Ersättningsmodellen är sparad."))
            return redirect("councils:compensation", slug=organisation.slug)
    return render(
        request,
        "councils/compensation.html",
        {"form": form, "organisation": organisation},
        status=form_status(form),
    )


def _save_council(request: HttpRequest, council: Council | None, form: CouncilForm) -> Council:
    data = form.cleaned_data
    saved = services.council_save(
        actor=cast(User, request.user),
        council=council,
        organisation=data["organisation"],
        kind=data["kind"],
        minority=data["minority"],
        name=data["name"],
        slug=data["slug"],
        mandate=data["mandate"],
        secretary=data["secretary"],
    )
    messages.success(request, _("Rådet är sparat."))
    return saved


def _add_member(request: HttpRequest, council: Council, form: MembershipForm) -> None:
    data = form.cleaned_data
    services.membership_add(
        actor=cast(User, request.user),
        council=council,
        name=data["name"],
        nominated_by=data["nominated_by"],
        role=data["role"],
        term_start=data["term_start"],
        term_end=data["term_end"],
        user=data.get("user"),
    )
    messages.success(request, _("Ledamoten är tillagd."))


@staff_required
def council_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    council = get_object_or_404(Council, slug=slug) if slug else None
    if council and not request.user.has_perm("councils.change_council", council):
        raise PermissionDenied
    organisations = official_organisations_or_403(request.user)
    action = request.POST.get("action")
    form = CouncilForm(
        request.POST if action == "council" else None,
        instance=council,
        organisations=organisations,
    )
    member_form = MembershipForm(request.POST if action == "member" else None, prefix="member")
    if action == "council" and not markdown_preview(request, form) and form.is_valid():
        with form_errors(form):
            saved = _save_council(request, council, form)
            return redirect("councils:edit", slug=saved.slug)
    if action == "member" and council and member_form.is_valid():
        with form_errors(member_form):
            _add_member(request, council, member_form)
            return redirect("councils:edit", slug=council.slug)
    if action == "end_term" and council:
        membership = get_object_or_404(
            Membership, pk=id_param(request.POST, "pk") or 0, council=council
        )
        page = confirm_required(
            request,
            question=_("Vill du verkligen avsluta uppdraget för %(name)s i dag?")
            % {"name": membership.staff_name},
            consequence=_("Ledamoten lämnar rådet från och med i dag."),
            cancel_url=reverse("councils:edit", args=[council.slug]),
        )
        if page is not None:
            return page
        services.membership_end(
            actor=cast(User, request.user),
            council=council,
            membership_id=id_param(request.POST, "pk"),
        )
        return redirect("councils:edit", slug=council.slug)
    today = timezone.localdate()
    return render(
        request,
        "councils/edit.html",
        {
            "council": council,
            "form": form,
            "member_form": member_form,
            "members": council.memberships.filter(term_end__gte=today) if council else [],
            "councils": Council.objects.filter(organisation__in=organisations),
        },
        status=max(form_status(form), form_status(member_form)),
    )
