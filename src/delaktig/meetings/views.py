from datetime import timedelta
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.accounts.types import User
from delaktig.core.forms import form_errors, form_status, markdown_preview
from delaktig.core.languages import SOURCE, content_language
from delaktig.core.paging import page_number
from delaktig.core.params import id_param
from delaktig.core.sites import list_scope, require_own_host
from delaktig.translations.access import prefetch

from . import selectors, services
from .forms import (
    AgendaItemForm,
    AnswerForm,
    DeclineForm,
    MeetingForm,
    QuestionForm,
    RegistrationForm,
)
from .ical import calendar_for
from .models import Meeting, Question, Registration
from .workflow import QuestionAction


def _calendar_query() -> str:
    """``?sprak=<code>`` for an iCalendar link, so that a calendar app (which sends no cookie)
    gets the meetings in the language the page was read in."""
    code = content_language()
    return "" if code == SOURCE else f"?sprak={code}"


def calendar(request: HttpRequest) -> HttpResponse:
    scope = list_scope(request)
    months, page = selectors.upcoming_by_month(
        now=timezone.now(), organisation=scope, number=page_number(request.GET)
    )
    return render(
        request,
        "meetings/calendar.html",
        {
            "months": months,
            "page": page,
            "recent_minutes": selectors.recent_minutes(organisation=scope),
            "calendar_query": _calendar_query(),
        },
    )


# The most meetings a feed holds: the nearest from 90 days back, in order; a national
# installation's hundreds of organisations would otherwise put every meeting planned for years
# into every calendar that subscribes (an organisation's own host gives its own).
CALENDAR_LIMIT = 1000


def calendar_ics(request: HttpRequest) -> HttpResponse:
    meetings = Meeting.objects.public().filter(ends_at__gte=timezone.now() - timedelta(days=90))
    if (scope := list_scope(request)) is not None:
        meetings = meetings.filter(organisation=scope)
    meetings = meetings.order_by("starts_at", "pk")[:CALENDAR_LIMIT]
    return HttpResponse(
        calendar_for(meetings, name=_("Delaktig: möten")),
        content_type="text/calendar; charset=utf-8",
    )


def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.public(), pk=pk)
    response = HttpResponse(
        calendar_for([meeting], name=meeting.tr("title")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="mote-{meeting.pk}.ics"'
    return response


def meeting_detail(
    request: HttpRequest, pk: int, question_form: QuestionForm | None = None
) -> HttpResponse:
    """The meeting's page; a POST registers the person for it."""
    meeting = get_object_or_404(
        Meeting.objects.public().select_related("organisation", "body").prefetch_related("agenda"),
        pk=pk,
    )
    require_own_host(request, meeting.organisation)
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(meeting.get_absolute_url())
        if form.is_valid():
            with form_errors(form):
                registration = services.registration_create(
                    actor=request.user, meeting=meeting, **form.cleaned_data
                )
                messages.success(
                    request,
                    _("Du är anmäld.")
                    if registration.status == Registration.Status.CONFIRMED
                    else _("Mötet är fullt. Du står på väntelistan."),
                )
                return redirect(meeting)
    agenda = list(meeting.agenda.all())
    context: dict[str, Any] = {
        "meeting": meeting,
        "agenda": agenda,
        "calendar_query": _calendar_query(),
        "mine": selectors.registration_of(meeting=meeting, viewer=request.user),
        "form": form,
        "seats_left": selectors.seats_left(meeting=meeting),
        "can_register": selectors.registration_is_open(meeting=meeting),
        "can_edit": request.user.has_perm("meetings.change_meeting", meeting),
    }
    if meeting.question_time:
        context |= _question_context(request, meeting, question_form)
    # The page's texts in the reader's language, one query per model.
    prefetch(
        [meeting, *agenda, *context.get("public_questions", ()), context.get("question_rules")]
    )
    return render(request, "meetings/detail.html", context, status=form_status(form))


@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.public(), pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(meeting.get_absolute_url())
    services.registration_cancel(actor=request.user, meeting=meeting)
    messages.success(request, _("Du är avanmäld."))
    return redirect(meeting)


@staff_required
def meeting_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk) if pk else None
    if meeting and not request.user.has_perm("meetings.change_meeting", meeting):
        raise PermissionDenied
    if not meeting and not request.user.has_perm("meetings.add_meeting"):
        raise PermissionDenied
    posting = request.method == "POST"
    adding_item = posting and request.POST.get("action") == "agenda" and meeting is not None
    form = MeetingForm(
        request.POST if posting and not adding_item else None,
        instance=meeting,
        organisations=official_organisations(request.user),
    )
    agenda_form = AgendaItemForm(
        request.POST if adding_item else None, prefix="agenda", meeting=meeting
    )
    if adding_item and meeting is not None and agenda_form.is_valid():
        with form_errors(agenda_form):
            services.agenda_item_add(
                actor=cast(User, request.user), meeting=meeting, **agenda_form.cleaned_data
            )
            return redirect("meetings:edit", pk=meeting.pk)
    elif form.is_bound and not markdown_preview(request, form) and form.is_valid():
        with form_errors(form):
            saved = services.meeting_save(
                actor=cast(User, request.user), meeting=meeting, **form.cleaned_data
            )
            messages.success(request, _("Mötet är sparat."))
            return redirect("meetings:edit", pk=saved.pk)
    return render(
        request,
        "meetings/edit.html",
        {
            "form": form,
            "meeting": meeting,
            "agenda_form": agenda_form,
            "registrations": selectors.registrations_for_staff(meeting=meeting) if meeting else [],
        },
        status=max(form_status(form), form_status(agenda_form)),
    )


def _question_context(
    request: HttpRequest, meeting: Meeting, form: QuestionForm | None = None
) -> dict[str, Any]:
    user = request.user
    deadline = selectors.question_deadline(meeting=meeting)
    form = form or QuestionForm(initial={"asker_name": getattr(user, "display_name", "")})
    form.ask_for_rules(user=user, organisation=meeting.organisation)
    return {
        "question_rules": selectors.question_rules_for(meeting=meeting),
        "question_deadline": deadline,
        "questions_open": timezone.now() <= deadline,
        "public_questions": list(selectors.public_questions(meeting=meeting)),
        "my_questions": selectors.with_decisions(
            selectors.questions_of(meeting=meeting, viewer=user)
        ),
        "question_form": form,
    }


@require_POST
def question_submit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.public(), pk=pk, question_time=True)
    if not request.user.is_authenticated:
        return redirect_to_login(meeting.get_absolute_url())
    form = QuestionForm(request.POST)
    if form.is_valid():
        with form_errors(form):
            services.question_submit(
                actor=request.user,
                meeting=meeting,
                text=form.cleaned_data["text"],
                asker_name=form.cleaned_data["asker_name"],
                **form.screening_flags(),
            )
            messages.success(request, _("Tack! Din fråga har kommit in och granskas."))
            return redirect(f"{meeting.get_absolute_url()}#fragestund")
    request.method = "GET"
    response = meeting_detail(request, pk, question_form=form)
    response.status_code = form_status(form)
    return response


@staff_required
def questions_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff accept, decline and answer the questions for a meeting's question time."""
    meeting = get_object_or_404(Meeting, pk=pk)
    if not request.user.has_perm("meetings.handle_question", meeting):
        raise PermissionDenied
    # The forms of the question that was sent, bound, so that a refused answer keeps its text.
    posted: dict[int, tuple[DeclineForm, AnswerForm]] = {}
    status = 200
    if request.method == "POST":
        question = get_object_or_404(
            Question, pk=id_param(request.POST, "question"), meeting=meeting
        )
        action = request.POST.get("action")
        if action == QuestionAction.ACCEPT:
            services.question_accept(actor=cast(User, request.user), question=question)
            return _question_updated(request, meeting)
        if action not in (QuestionAction.DECLINE, QuestionAction.ANSWER):
            raise PermissionDenied
        form, posted[question.pk] = _question_forms(request, question, QuestionAction(action))
        if not markdown_preview(request, form) and form.is_valid():
            with form_errors(form):
                _question_handle(request, question, QuestionAction(action), form)
                return _question_updated(request, meeting)
        status = form_status(form)
    questions = [
        (q, *posted.get(q.pk, (DeclineForm(prefix=f"d{q.pk}"), AnswerForm(prefix=f"a{q.pk}"))))
        for q in selectors.with_decisions(meeting.questions.select_related("asker"))
    ]
    return render(
        request,
        "meetings/questions.html",
        {"meeting": meeting, "questions": questions},
        status=status,
    )


def _question_forms(
    request: HttpRequest, question: Question, action: QuestionAction
) -> tuple[forms.Form, tuple[DeclineForm, AnswerForm]]:
    """The form that was sent for ``action``, and both forms of the question to show."""
    declining = action == QuestionAction.DECLINE
    decline = DeclineForm(request.POST if declining else None, prefix=f"d{question.pk}")
    answer = AnswerForm(None if declining else request.POST, prefix=f"a{question.pk}")
    return (decline if declining else answer), (decline, answer)


def _question_handle(
    request: HttpRequest, question: Question, action: QuestionAction, form: forms.Form
) -> None:
    if action == QuestionAction.DECLINE:
        services.question_decline(
            actor=cast(User, request.user),
            question=question,
            rule=form.cleaned_data["rule"],
            reason=form.cleaned_data["reason"],
        )
    else:
        services.question_answer(
            actor=cast(User, request.user),
            question=question,
            answered_by=form.cleaned_data["answered_by"],
            answer=form.cleaned_data["answer"],
        )


def _question_updated(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    messages.success(request, _("Frågan är uppdaterad."))
    return redirect("meetings:questions", pk=meeting.pk)
