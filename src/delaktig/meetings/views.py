from datetime import timedelta
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.core.audit import audit_log
from delaktig.core.errors import DelaktigError
from delaktig.core.params import id_param

from . import services
from .forms import AgendaItemForm, MeetingForm, RegistrationForm
from .ical import calendar_for
from .models import Meeting, Registration


def calendar(request: HttpRequest) -> HttpResponse:
    upcoming = (
        Meeting.objects.public()
        .filter(ends_at__gte=timezone.now())
        .select_related("organisation", "body")
    )
    months = [
        (month, list(items))
        for month, items in groupby(
            upcoming, key=lambda m: timezone.localtime(m.starts_at).strftime("%Y-%m")
        )
    ]
    recent_minutes = (
        Meeting.objects.public()
        .filter(minutes_published_at__isnull=False)
        .order_by("-minutes_published_at")[:5]
    )
    return render(
        request, "meetings/calendar.html", {"months": months, "recent_minutes": recent_minutes}
    )


def calendar_ics(request: HttpRequest) -> HttpResponse:
    meetings = Meeting.objects.public().filter(ends_at__gte=timezone.now() - timedelta(days=90))
    return HttpResponse(
        calendar_for(meetings, name=_("Delaktig: möten")),
        content_type="text/calendar; charset=utf-8",
    )


def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.public(), pk=pk)
    response = HttpResponse(
        calendar_for([meeting], name=meeting.title), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="mote-{meeting.pk}.ics"'
    return response


def meeting_detail(request: HttpRequest, pk: int, question_form: Any = None) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.public().select_related("organisation", "body").prefetch_related("agenda"),
        pk=pk,
    )
    mine = None
    if request.user.is_authenticated:
        mine = (
            meeting.registrations.exclude(status=Registration.Status.CANCELLED)
            .filter(user=request.user)
            .first()
        )
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(meeting.get_absolute_url())
        if form.is_valid():
            try:
                registration = services.registration_create(
                    user=request.user, meeting=meeting, **form.cleaned_data
                )
            except DelaktigError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Du är anmäld.")
                    if registration.status == "confirmed"
                    else _("Mötet är fullt. Du står på väntelistan."),
                )
                return redirect(meeting)
        status = 400
    confirmed = meeting.registrations.filter(status=Registration.Status.CONFIRMED).count()
    seats_left = None if meeting.capacity is None else max(0, meeting.capacity - confirmed)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "mine": mine,
            "form": form,
            "seats_left": seats_left,
            "can_register": meeting.registration_open and meeting.starts_at > timezone.now(),
            "can_edit": request.user.has_perm("participation.change_process", meeting.organisation),
            **(_question_context(request, meeting, question_form) if meeting.question_time else {}),
        },
        status=status,
    )


@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.public(), pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(meeting.get_absolute_url())
    services.registration_cancel(user=request.user, meeting=meeting)
    messages.success(request, _("Du är avanmäld."))
    return redirect(meeting)


@staff_required
def meeting_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk) if pk else None
    if meeting and not request.user.has_perm("participation.change_process", meeting.organisation):
        raise PermissionDenied
    if not meeting and not request.user.has_perm("participation.add_process"):
        raise PermissionDenied
    form = MeetingForm(
        request.POST or None, instance=meeting, organisations=official_organisations(request.user)
    )
    agenda_form = AgendaItemForm(prefix="agenda")
    if request.method == "POST":
        if request.POST.get("action") == "agenda" and meeting:
            agenda_form = AgendaItemForm(request.POST, prefix="agenda", meeting=meeting)
            if agenda_form.is_valid():
                item = agenda_form.save(commit=False)
                item.meeting = meeting
                item.save()
                return redirect("meetings:edit", pk=meeting.pk)
        elif form.is_valid():
            with transaction.atomic():
                saved = form.save(commit=False)
                if saved.minutes and not saved.minutes_published_at:
                    saved.minutes_published_at = timezone.now()
                saved.save()
                audit_log(
                    actor=request.user,
                    action="meeting.save",
                    target=saved,
                    organisation=saved.organisation,
                )
            messages.success(request, _("Mötet är sparat."))
            return redirect("meetings:edit", pk=saved.pk)
    registrations = (
        meeting.registrations.exclude(status="cancelled").select_related("user") if meeting else []
    )
    return render(
        request,
        "meetings/edit.html",
        {
            "form": form,
            "meeting": meeting,
            "agenda_form": agenda_form,
            "registrations": registrations,
        },
        status=400 if form.errors or agenda_form.errors else 200,
    )


def _question_context(request: HttpRequest, meeting: Meeting, form: Any = None) -> dict[str, Any]:
    from .forms import QuestionForm
    from .models import Question

    user = request.user
    return {
        "question_rules": services.question_rules_for(meeting),
        "question_deadline": services.question_deadline(meeting),
        "questions_open": timezone.now() <= services.question_deadline(meeting),
        "public_questions": meeting.questions.filter(
            status__in=[Question.Status.ACCEPTED, Question.Status.ANSWERED]
        ).select_related("asker"),
        "my_questions": meeting.questions.filter(asker=user) if user.is_authenticated else [],
        "question_form": form
        or QuestionForm(initial={"asker_name": getattr(user, "display_name", "")}),
    }


@require_POST
def question_submit(request: HttpRequest, pk: int) -> HttpResponse:
    from .forms import QuestionForm

    meeting = get_object_or_404(Meeting.objects.public(), pk=pk, question_time=True)
    if not request.user.is_authenticated:
        return redirect_to_login(meeting.get_absolute_url())
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_submit(asker=request.user, meeting=meeting, **form.cleaned_data)
        except DelaktigError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Tack! Din fråga har kommit in och granskas."))
            return redirect(f"{meeting.get_absolute_url()}#fragestund")
    request.method = "GET"
    response = meeting_detail(request, pk, question_form=form)
    response.status_code = 400
    return response


@staff_required
def questions_manage(request: HttpRequest, pk: int) -> HttpResponse:
    from .forms import AnswerForm, DeclineForm
    from .models import Question

    meeting = get_object_or_404(Meeting, pk=pk)
    if not request.user.has_perm("participation.change_process", meeting.organisation):
        raise PermissionDenied
    status = 200
    # The forms of the question that was sent, bound, so that a refused answer keeps its text.
    posted: dict[int, tuple[Any, Any]] = {}
    if request.method == "POST":
        question = get_object_or_404(
            Question, pk=id_param(request.POST, "question"), meeting=meeting
        )
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.question_accept(actor=request.user, question=question)
            elif action == "decline":
                form = DeclineForm(request.POST, prefix=f"d{question.pk}")
                posted[question.pk] = (form, AnswerForm(prefix=f"a{question.pk}"))
                if not form.is_valid():
                    raise services.ValidationFailed(_("Skriv ett skäl."))
                services.question_decline(
                    actor=request.user, question=question, **form.cleaned_data
                )
            elif action == "answer":
                answer_form = AnswerForm(request.POST, prefix=f"a{question.pk}")
                posted[question.pk] = (DeclineForm(prefix=f"d{question.pk}"), answer_form)
                if not answer_form.is_valid():
                    raise services.ValidationFailed(_("Skriv vem som svarade och svaret."))
                services.question_answer(
                    actor=request.user, question=question, **answer_form.cleaned_data
                )
            else:
                raise PermissionDenied
        except DelaktigError as error:
            messages.error(request, error.message)
            status = 400
        else:
            messages.success(request, _("Frågan är uppdaterad."))
            return redirect("meetings:questions", pk=meeting.pk)
    questions = [
        (q, *posted.get(q.pk, (DeclineForm(prefix=f"d{q.pk}"), AnswerForm(prefix=f"a{q.pk}"))))
        for q in meeting.questions.select_related("asker")
    ]
    return render(
        request,
        "meetings/questions.html",
        {"meeting": meeting, "questions": questions},
        status=status,
    )
