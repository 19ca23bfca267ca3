from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.core import exports
from delaktig.core.errors import DelaktigError
from delaktig.core.http import no_store
from delaktig.core.params import id_param
from delaktig.meetings.ical import calendar_for
from delaktig.organisations.models import Organisation

from . import services
from .forms import HowUsedForm, ReferralForm, ResponseForm
from .models import Council, Referral


def council_list(request: HttpRequest) -> HttpResponse:
    councils = Council.objects.select_related("organisation")
    return render(request, "councils/list.html", {"councils": councils})


def council_detail(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_object_or_404(Council.objects.select_related("organisation"), slug=slug)
    from .models import CompensationModel

    today = timezone.localdate()
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
            "referrals": council.referrals.order_by("-deadline")[:20],
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
    mine = services.member_councils(request.user, referral)
    form = ResponseForm(request.POST or None, councils=mine)
    how_form = HowUsedForm(request.POST or None, initial={"how_used": referral.how_used})
    can_handle = request.user.has_perm("participation.change_process", referral.organisation)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "how_used":
                if not can_handle:
                    raise PermissionDenied
                if how_form.is_valid():
                    services.referral_record_use(
                        actor=request.user, referral=referral, **how_form.cleaned_data
                    )
                    messages.success(request, _("Återkopplingen till råden är sparad."))
                    return redirect(referral)
            elif form.is_valid():
                services.referral_respond(
                    author=request.user, referral=referral, **form.cleaned_data
                )
                messages.success(request, _("Ert svar är lämnat."))
                return redirect(referral)
        except DelaktigError as error:
            form.add_error(None, error.message)
        status = 400
    return render(
        request,
        "councils/referral.html",
        {
            "referral": referral,
            "responses": referral.responses.select_related("council", "author"),
            "mine": mine,
            "form": form,
            "how_form": how_form,
            "can_handle": can_handle,
            "overdue": referral.deadline < timezone.localdate(),
        },
        status=status,
    )


@staff_required
def referrals_dashboard(request: HttpRequest) -> HttpResponse:
    organisations = official_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    councils = Council.objects.filter(organisation__in=organisations)
    form = ReferralForm(request.POST or None, councils=councils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = data["councils"][0].organisation
        try:
            referral = services.referral_create(
                actor=request.user,
                organisation=organisation,
                title=data["title"],
                question=data["question"],
                body=data["body"],
                deadline=data["deadline"],
                councils=list(data["councils"]),
                module=data["module"],
            )
        except DelaktigError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Remissen är skickad till råden."))
            return redirect(referral)
    return render(
        request,
        "councils/referrals.html",
        {
            "form": form,
            "overdue": services.overdue_referrals(organisations.values("pk")),
            "open": Referral.objects.filter(
                organisation__in=organisations, deadline__gte=timezone.localdate()
            ).prefetch_related("councils"),
        },
        status=400 if form.errors else 200,
    )


@staff_required
def attendance(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    from delaktig.meetings.models import Meeting

    from .compensation import owed
    from .forms import AttendanceForm
    from .models import Attendance, CompensationModel

    meeting = get_object_or_404(
        Meeting.objects.select_related("council", "organisation"),
        pk=meeting_pk,
        council__isnull=False,
    )
    if not request.user.has_perm("participation.change_process", meeting.organisation):
        raise PermissionDenied
    assert meeting.council is not None  # noqa: S101 - filtered above
    members = list(
        meeting.council.memberships.filter(
            term_start__lte=meeting.starts_at.date(), term_end__gte=meeting.starts_at.date()
        )
    )
    existing = {a.membership_id: a for a in Attendance.objects.filter(meeting=meeting)}
    model = CompensationModel.objects.filter(organisation=meeting.organisation).first()
    data = request.POST if request.method == "POST" else None
    forms = []
    for member in members:
        record = existing.get(member.pk)
        initial = (
            {
                f: getattr(record, f)
                for f in ("present", "half_days", "lost_earnings", "travel_km", "travel_cost")
            }
            if record
            else {}
        )
        forms.append(
            (member, record, AttendanceForm(data, prefix=f"m{member.pk}", initial=initial))
        )
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve":
                services.attendance_approve(actor=request.user, meeting=meeting)
                messages.success(request, _("Ersättningarna är godkända."))
                return redirect("councils:attendance", meeting_pk=meeting.pk)
            if all(form.is_valid() for _m, _r, form in forms):
                services.attendance_record(
                    actor=request.user,
                    meeting=meeting,
                    rows=[
                        {"membership": member, **form.cleaned_data} for member, _r, form in forms
                    ],
                )
                messages.success(request, _("Närvaron är sparad."))
                return redirect("councils:attendance", meeting_pk=meeting.pk)
            status = 400
        except DelaktigError as error:
            messages.error(request, error.message)
            status = 400
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
        },
        status=status,
    )


@no_store
@staff_required
def payroll_csv(request: HttpRequest, slug: str) -> HttpResponse:
    import io

    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("participation.change_process", organisation):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("manad", "").split("-"))
    except ValueError:
        year, month = today.year, today.month
    out = io.StringIO()
    fields = [
        "name",
        "nominated_by",
        "council",
        "meeting_date",
        "fee",
        "lost_earnings",
        "travel",
        "total",
    ]
    writer = exports.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    writer.writerows(services.payroll_rows(organisation=organisation, year=year, month=month))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="ersattning-{organisation.slug}-{year}-{month:02d}.csv"'
    )
    return response


@staff_required
def compensation_model_edit(request: HttpRequest, slug: str) -> HttpResponse:
    from .forms import CompensationModelForm
    from .models import CompensationModel

    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("participation.change_process", organisation):
        raise PermissionDenied
    instance = CompensationModel.objects.filter(
        organisation=organisation
    ).first() or CompensationModel(organisation=organisation)
    form = CompensationModelForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ersättningsmodellen är sparad."))
        return redirect("councils:compensation", slug=organisation.slug)
    return render(
        request,
        "councils/compensation.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


@staff_required
def council_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    from django.db import transaction

    from delaktig.core.audit import audit_log

    from .forms import CouncilForm, MembershipForm
    from .models import Membership

    council = get_object_or_404(Council, slug=slug) if slug else None
    organisations = official_organisations(request.user)
    if council and not request.user.has_perm("participation.change_process", council.organisation):
        raise PermissionDenied
    if not organisations.exists():
        raise PermissionDenied
    form = CouncilForm(
        request.POST if request.POST.get("action") == "council" else None,
        instance=council,
        organisations=organisations,
    )
    member_form = MembershipForm(
        request.POST if request.POST.get("action") == "member" else None, prefix="member"
    )
    if request.method == "POST":
        with transaction.atomic():
            if request.POST.get("action") == "council" and form.is_valid():
                saved = form.save()
                audit_log(
                    actor=request.user,
                    action="council.save",
                    target=saved,
                    organisation=saved.organisation,
                )
                messages.success(request, _("Rådet är sparat."))
                return redirect("councils:edit", slug=saved.slug)
            if request.POST.get("action") == "member" and council and member_form.is_valid():
                membership = member_form.save(commit=False)
                membership.council = council
                membership.user = member_form.cleaned_data.get("user")
                membership.save()
                audit_log(
                    actor=request.user,
                    action="council.member_add",
                    target=council,
                    organisation=council.organisation,
                    data={"name": membership.name},
                )
                messages.success(request, _("Ledamoten är tillagd."))
                return redirect("councils:edit", slug=council.slug)
            if request.POST.get("action") == "end_term" and council:
                ended = Membership.objects.filter(
                    council=council,
                    pk=id_param(request.POST, "pk") or 0,  # 0: none
                ).update(term_end=timezone.localdate())
                if ended:
                    audit_log(
                        actor=request.user,
                        action="council.member_end",
                        target=council,
                        organisation=council.organisation,
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
        status=400 if form.errors or member_form.errors else 200,
    )
