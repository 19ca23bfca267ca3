"""What the meetings app contributes to the platform (see `delaktig.core.contributions`).

Personal data: registrations for meetings, the needs stated when registering (interpreter,
hearing loop, diet, other needs; often health-related), and questions for allmänhetens
frågestund, which are public records and are kept de-personalised.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import (
    ApiRouter,
    Contribution,
    DemoData,
    DumpTable,
    InboxQueue,
    Job,
    LegalBasis,
    MineSection,
    ModeratedKind,
    NotificationKind,
    OpenDataset,
    PersonalData,
    Retention,
    TranslatableKind,
    WorkItem,
    contribute,
)

from . import demo, errors, search, selectors, services
from .models import AgendaItem, Meeting, Question, QuestionTimeRules, Registration

NEEDS_DEFAULT_DAYS = 30
REGISTRATIONS_DEFAULT_DAYS = 365
_NO_NEEDS: dict[str, Any] = {
    "interpreter": "",
    "hearing_loop": False,
    "diet": "",
    "other_needs": "",
}
_HAS_NEEDS = ~Q(interpreter="") | Q(hearing_loop=True) | ~Q(diet="") | ~Q(other_needs="")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# --- Registrations ---


def _export_registrations(user: Any) -> list[dict[str, Any]]:
    registrations = Registration.objects.filter(user=user).select_related("meeting")
    return [
        {
            "meeting": r.meeting.title,
            "starts_at": r.meeting.starts_at.isoformat(),
            "status": r.status,
            "registered": r.created.isoformat(),
            "promoted_from_waiting_list": _iso(r.promoted_at),
            "reminded": _iso(r.reminded_at),
        }
        for r in registrations.order_by("created", "pk")
    ]


def _erase_registrations(user: Any) -> None:
    """Cancel what is still ahead (so the waiting list moves up), then delete every row."""
    ahead = (
        Registration.objects.filter(user=user, meeting__starts_at__gt=timezone.now())
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("meeting")
    )
    for registration in ahead:
        services.registration_cancel(actor=user, meeting=registration.meeting)
    Registration.objects.filter(user=user).delete()


def _registrations_apply(organisation: Any, days: int, now: datetime) -> int:
    """Delete registrations for the organisation's meetings that ended ``days`` ago."""
    due = Registration.objects.filter(
        meeting__organisation=organisation, meeting__ends_at__lte=now - timedelta(days=days)
    )
    deleted, _by_model = due.delete()
    return deleted


# --- Needs stated when registering ---


def _export_needs(user: Any) -> list[dict[str, Any]]:
    registrations = (
        Registration.objects.filter(user=user).filter(_HAS_NEEDS).select_related("meeting")
    )
    return [
        {
            "meeting": r.meeting.title,
            "starts_at": r.meeting.starts_at.isoformat(),
            "interpreter": r.interpreter,
            "hearing_loop": r.hearing_loop,
            "diet": r.diet,
            "other_needs": r.other_needs,
        }
        for r in registrations.order_by("created", "pk")
    ]


def _erase_needs(user: Any) -> None:
    Registration.objects.filter(user=user).filter(_HAS_NEEDS).update(**_NO_NEEDS)


def _needs_apply(organisation: Any, days: int, now: datetime) -> int:
    """Clear the stated needs for the organisation's meetings that ended ``days`` ago."""
    return (
        Registration.objects.filter(
            meeting__organisation=organisation, meeting__ends_at__lte=now - timedelta(days=days)
        )
        .filter(_HAS_NEEDS)
        .update(**_NO_NEEDS)
    )


# --- Questions for allmänhetens frågestund ---


def _export_questions(user: Any) -> list[dict[str, Any]]:
    questions = Question.objects.filter(asker=user).select_related("meeting")
    return [
        {
            "meeting": q.meeting.title,
            "meeting_starts_at": q.meeting.starts_at.isoformat(),
            "submitted": q.created.isoformat(),
            "name_shown": q.asker_name,
            "question": q.text,
            "status": q.status,
            "decline_reason": q.decline_reason or None,
            "answer": q.answer or None,
            "answered_at": _iso(q.answered_at),
        }
        for q in questions.order_by("created", "pk")
    ]


def _erase_questions(user: Any) -> None:
    """The question is a public record and stays; the name typed to be shown with it goes."""
    Question.objects.filter(asker=user).exclude(asker_name="").update(asker_name="")


# --- Questions for question time waiting for an official (the staff inbox) ---


def _question_items(user: Any) -> list[WorkItem]:
    now = timezone.now()
    items = []
    for q in selectors.questions_waiting(viewer=user):
        meeting = q.meeting
        state = (
            gettext("Ska godkännas eller avvisas")
            if q.status == Question.Status.SUBMITTED
            else gettext("Ska besvaras")
        )
        items.append(
            WorkItem(
                title=" ".join(q.text.split())[:80],
                url=reverse("meetings:questions", kwargs={"pk": meeting.pk}),
                detail=gettext("%(state)s · %(meeting)s %(date)s")
                % {
                    "state": state,
                    "meeting": meeting.title,
                    "date": date_format(timezone.localtime(meeting.starts_at), "j F Y"),
                },
                when=q.created,
                # The meeting has begun and the question is still not accepted or declined.
                urgent=q.status == Question.Status.SUBMITTED and meeting.starts_at <= now,
            )
        )
    return items


INBOX = (
    InboxQueue(
        key="meetings.questions",
        name=_("Frågor till allmänhetens frågestund"),
        explanation=_(
            "Godkänn eller avvisa (med skäl) inlämnade frågor före mötet, och publicera svaret "
            "när frågan är besvarad. Den som frågade får e-post vid varje steg."
        ),
        items=_question_items,
        count=lambda user: selectors.questions_waiting(viewer=user).count(),
        order=40,
    ),
)


MINE = (
    MineSection(
        key="meetings.registrations",
        name=_("Möten du är anmäld till"),
        items=lambda user: selectors.mine_registrations(viewer=user),
        empty=_("Du är inte anmäld till något kommande möte."),
        start=_("Se kalendern"),
        start_url=reverse_lazy("meetings:calendar"),
        order=30,
    ),
    MineSection(
        key="meetings.questions",
        name=_("Dina frågor till frågestunden"),
        items=lambda user: selectors.mine_questions(viewer=user),
        empty=_(
            "Du har inte ställt någon fråga. Möten med allmänhetens frågestund tar emot frågor "
            "på mötets sida."
        ),
        start=_("Se kommande möten"),
        start_url=reverse_lazy("meetings:calendar"),
        order=35,
    ),
)


def _question_url(question: Question) -> str:
    return f"{question.meeting.get_absolute_url()}#fragestund"


# Questions are reviewed before they are accepted: a hold by screening only records what it
# found; a moderator's rejection declines the question (see services.question_withhold).
QUESTIONS = ModeratedKind(
    key="meetings.question",
    name=_("Fråga"),
    module=_("Allmänhetens frågestund"),
    model=Question,
    text=lambda q: q.text,
    author=lambda q: q.asker,
    organisation_id=lambda q: q.meeting.organisation_id,
    url=_question_url,
    withhold=services.question_withhold,
    release=services.question_release,
    public_on_release=False,
    permission="meetings.handle_question",
)


# How long after a meeting its texts stay on the translators' lists.
TRANSLATE_AFTER_DAYS = 30


def _not_long_over(query: Any, prefix: str = "") -> Any:
    """Meetings still ahead or just over, published or not: a meeting is worth translating
    before it is published, and its invitation is rarely read once it is long over (a
    translation made stays on its page)."""
    since = timezone.now() - timedelta(days=TRANSLATE_AFTER_DAYS)
    return query.filter(**{f"{prefix}ends_at__gte": since})


def _rules_url(rules: QuestionTimeRules) -> str:
    """The rules are shown on each meeting with question time: the next such meeting's page,
    or the calendar."""
    meeting = (
        Meeting.objects.public()
        .filter(organisation_id=rules.organisation_id, question_time=True)
        .filter(ends_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )
    return meeting.get_absolute_url() + "#fragestund" if meeting else reverse("meetings:calendar")


# The public texts of meetings, for the translators' workbench. A question is the resident's
# own words and is not translated; the official's published answer is.
TRANSLATABLE = (
    TranslatableKind(
        key="meetings.meeting",
        name=_("Möte"),
        model=Meeting,
        organisation="organisation_id",
        url=lambda meeting: meeting.get_absolute_url(),
        scope=_not_long_over,
        order=20,
    ),
    TranslatableKind(
        key="meetings.agenda_item",
        name=_("Punkt på dagordningen"),
        model=AgendaItem,
        organisation="meeting__organisation_id",
        url=lambda item: item.meeting.get_absolute_url() + "#agenda-title",
        scope=lambda query: _not_long_over(query.select_related("meeting"), "meeting__"),
        label=lambda item: f"{item.meeting.title} – {item}",
        order=21,
    ),
    TranslatableKind(
        key="meetings.answer",
        name=_("Svar på en fråga till frågestunden"),
        model=Question,
        organisation="meeting__organisation_id",
        url=lambda question: question.meeting.get_absolute_url() + "#fragestund",
        scope=lambda query: query.filter(status=Question.Status.ANSWERED).select_related("meeting"),
        label=lambda question: f"{question.meeting.title} – {question}",
        order=22,
    ),
    TranslatableKind(
        key="meetings.question_rules",
        name=_("Regler för allmänhetens frågestund"),
        model=QuestionTimeRules,
        organisation="organisation_id",
        url=_rules_url,
        label=lambda rules: gettext("Regler för allmänhetens frågestund"),
        order=23,
    ),
)


# --- The open-data API and the dataset (meetings/api.py, imported when first used) ---


def _router() -> Any:
    from .api import router

    return router


def _api() -> Any:
    from . import api

    return api


MEETINGS_DATASET = OpenDataset(
    key="meetings.meetings",
    title=_("Möten, dagordningar och allmänhetens frågestund"),
    description=_(
        "Publicerade möten i fullmäktige, nämnder och råd, öppna möten och webbinarier: tid, "
        "plats och tillgänglighet, dagordning, publicerade protokoll och frågestundens frågor "
        "som tagits upp eller besvarats, med svaren. Inga anmälningar eller deltagare."
    ),
    api_path="/api/v1/meetings/",
    tables=(
        DumpTable(
            name="meetings.csv",
            columns=(
                "id",
                "url",
                "organisation",
                "title",
                "description",
                "kind",
                "mode",
                "starts_at",
                "ends_at",
                "body_id",
                "body",
                "council",
                "location",
                "accessibility_info",
                "remote_link",
                "webcast_link",
                "capacity",
                "registration_open",
                "minutes",
                "minutes_published_at",
                "question_time",
                "question_deadline",
                "question_max_per_person",
                "question_rules",
            ),
            rows=lambda organisation: _api().meeting_rows(organisation),
        ),
        DumpTable(
            name="agenda_items.csv",
            columns=("meeting_id", "position", "title", "description", "document_url"),
            rows=lambda organisation: _api().agenda_rows(organisation),
        ),
        DumpTable(
            name="questions.csv",
            columns=(
                "meeting_id",
                "id",
                "asker_name",
                "text",
                "status",
                "answered_by",
                "answer",
                "answered_at",
            ),
            rows=lambda organisation: _api().question_rows(organisation),
        ),
    ),
    coverage=lambda organisation: _api().coverage(organisation),
    modified=lambda organisation: _api().modified(organisation),
    themes=("GOVE",),
    keywords=(_("möten"), _("dagordning"), _("protokoll"), _("allmänhetens frågestund")),
    order=40,
)


contribute(
    Contribution(
        app_label="meetings",
        search=(search.SOURCE,),
        mine=MINE,
        inbox=INBOX,
        translatable=TRANSLATABLE,
        moderated=(QUESTIONS,),
        notifications=(
            NotificationKind(
                key="meetings.registration",
                order=32,
                name=_("Anmälan till möten"),
                description=_(
                    "Bekräftelse när du anmält dig till ett möte, står på väntelista eller fått "
                    "en plats."
                ),
                required=True,
            ),
            NotificationKind(
                key="meetings.reminder",
                order=30,
                name=_("Påminnelse före möten"),
                description=_("En påminnelse dagen före ett möte du är anmäld till."),
            ),
            NotificationKind(
                key="meetings.question",
                order=35,
                name=_("Dina frågor till frågestunden"),
                description=_(
                    "Kvitto på din fråga och besked om den tas upp, inte tas upp eller har "
                    "besvarats."
                ),
                required=True,
            ),
        ),
        errors=errors.MESSAGES,
        personal_data=(
            PersonalData(
                key="meeting_registrations",
                name=_("Anmälningar till möten och evenemang"),
                purpose=_(
                    "Att hålla reda på platserna och väntelistan, och att påminna dig och "
                    "meddela dig om ändringar."
                ),
                legal_basis=LegalBasis.LOCAL_GOVERNMENT,
                covers=("meetings.Registration.user",),
                export=_export_registrations,
                erase=_erase_registrations,
                retention=Retention(
                    key="meeting_registrations",
                    name=_("Anmälningar till möten"),
                    starts=_("Räknas från mötet."),
                    default_days=REGISTRATIONS_DEFAULT_DAYS,
                    apply=_registrations_apply,
                ),
            ),
            PersonalData(
                key="meeting_needs",
                name=_("Behov du angett vid anmälan (tolk, hörslinga, specialkost, andra behov)"),
                purpose=_("Att mötet ska vara tillgängligt för dig."),
                legal_basis=_(
                    "Allmänt intresse, artikel 6.1 e i GDPR; uppgifter om hälsa lämnar du "
                    "frivilligt med uttryckligt samtycke, artikel 9.2 a i GDPR"
                ),
                covers=(
                    "meetings.Registration.interpreter",
                    "meetings.Registration.hearing_loop",
                    "meetings.Registration.diet",
                    "meetings.Registration.other_needs",
                ),
                export=_export_needs,
                erase=_erase_needs,
                retention=Retention(
                    key="meeting_needs",
                    name=_("Behov vid anmälan till möten (tolk, hörslinga, kost, andra behov)"),
                    starts=_("Räknas från mötet."),
                    default_days=NEEDS_DEFAULT_DAYS,
                    apply=_needs_apply,
                ),
            ),
            PersonalData(
                key="meeting_questions",
                name=_("Frågor till allmänhetens frågestund"),
                purpose=_("Att frågan tas upp på mötet och besvaras offentligt."),
                legal_basis=LegalBasis.LOCAL_GOVERNMENT,
                covers=("meetings.Question.asker",),
                export=_export_questions,
                erase=_erase_questions,
                on_erasure="de-personalised",
                kept_for=_(
                    "Frågan är en allmän handling och bevaras enligt myndighetens "
                    "dokumenthanteringsplan. Tar du bort kontot visas den utan ditt namn."
                ),
            ),
        ),
        jobs=(
            Job(
                key="meeting_reminders",
                name=_("Påminn anmälda dagen före mötet"),
                run=lambda now: services.meeting_reminders_send(now=now),
            ),
        ),
        demo=DemoData(load=lambda c: demo.load(c.region, c.residents), order=20),
        api=(
            ApiRouter(
                key="meetings.api",
                prefix="meetings",
                router=_router,
                # The name a resident chose to have shown with a question, and the official
                # who answered it, as on the meeting's page.
                published_names=("meetings.Question.asker_name", "meetings.Question.answered_by"),
                order=40,
            ),
        ),
        datasets=(MEETINGS_DATASET,),
    )
)
