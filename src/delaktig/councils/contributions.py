"""What the councils app contributes to the platform (see `delaktig.core.contributions`).

Personal data: council memberships, answers to referrals (public records), attendance and
compensation claims (accounting records under bokföringslagen), the secretary assignment,
and officials' actions.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from delaktig.accounts.types import User
from delaktig.core.contributions import (
    ApiRouter,
    Contribution,
    DemoData,
    DumpTable,
    InboxQueue,
    LegalBasis,
    MineSection,
    NotificationKind,
    OpenDataset,
    PersonalData,
    Retention,
    TranslatableKind,
    WorkItem,
    contribute,
    staff_records,
)

from . import demo, errors, search, selectors
from .compensation import owed
from .models import (
    Attendance,
    CompensationModel,
    Council,
    Membership,
    Referral,
    ReferralResponse,
)

# Bokföringslagen 7 kap. 2 §: kept until the end of the seventh year after the calendar year.
ACCOUNTING_DAYS = 7 * 365 + 2


def _day(moment: datetime) -> str:
    return timezone.localtime(moment).date().isoformat()


# --- Memberships ---


def _export_memberships(user: User) -> list[dict[str, Any]]:
    memberships = Membership.objects.filter(user=user).select_related("council")
    return [
        {
            "council": m.council.name,
            "name": m.name,
            "role": m.role,
            "nominated_by": m.nominated_by or None,
            "term_start": m.term_start.isoformat(),
            "term_end": m.term_end.isoformat(),
        }
        for m in memberships.order_by("term_start", "pk")
    ]


def _erase_memberships(user: User) -> None:
    """The membership stays as the authority's record; the public no longer sees the name
    (the account is anonymised). The name is cleared unless attendance that may be paid, an
    accounting record under bokföringslagen, still needs it."""
    attended = Attendance.objects.filter(membership=OuterRef("pk"), present=True)
    Membership.objects.filter(user=user).exclude(Exists(attended)).exclude(name="").update(name="")


# --- Answers to referrals ---


def _export_responses(user: User) -> list[dict[str, Any]]:
    responses = ReferralResponse.objects.filter(author=user).select_related("referral", "council")
    return [
        {
            "referral": r.referral.title,
            "council": r.council.name,
            "kind": r.kind,
            "text": r.text,
            "created": r.created.isoformat(),
        }
        for r in responses.order_by("created", "pk")
    ]


def _erase_responses(user: User) -> None:
    """An answer to a referral is a public record and stays as it is. It holds no typed
    name: the pages show the author's account, which the deletion anonymises."""


# --- Attendance and compensation ---


def _export_compensation(user: User) -> list[dict[str, Any]]:
    attendance = Attendance.objects.filter(membership__user=user).select_related(
        "meeting", "membership__council"
    )
    models = {
        m.organisation_id: m.rules()
        for m in CompensationModel.objects.filter(
            organisation__in=attendance.values("meeting__organisation")
        )
    }
    rows = []
    for item in attendance.order_by("meeting__starts_at", "pk"):
        rules = models.get(item.meeting.organisation_id)
        amount = owed(rules, item.claim()) if rules and item.approved_at else None
        rows.append(
            {
                "council": item.membership.council.name,
                "meeting": item.meeting.title,
                "meeting_date": _day(item.meeting.starts_at),
                "present": item.present,
                "half_days": item.half_days,
                "lost_earnings_claimed": str(item.lost_earnings),
                "travel_km": str(item.travel_km),
                "travel_cost_claimed": str(item.travel_cost),
                "approved_at": item.approved_at.isoformat() if item.approved_at else None,
                "owed": None
                if amount is None
                else {
                    "fee": str(amount.fee),
                    "lost_earnings": str(amount.lost_earnings),
                    "travel": str(amount.travel),
                    "total": str(amount.total),
                },
            }
        )
    return rows


def _erase_compensation(user: User) -> None:
    """Attendance and compensation are accounting records (bokföringslagen) and are kept
    until the retention rule removes them; they hold no name of their own."""


def _compensation_apply(organisation: Any, days: int, now: datetime) -> int:
    """Delete attendance for meetings held in a calendar year that ended ``days`` ago, then
    clear the names of deleted accounts' memberships that no longer need them."""
    cutoff = timezone.localtime(now - timedelta(days=days))
    first_kept = cutoff.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    deleted, _by_model = Attendance.objects.filter(
        meeting__organisation=organisation, meeting__starts_at__lt=first_kept
    ).delete()
    attended = Attendance.objects.filter(membership=OuterRef("pk"), present=True)
    cleared = (
        Membership.objects.filter(
            council__organisation=organisation, user__deleted_at__isnull=False
        )
        .exclude(Exists(attended))
        .exclude(name="")
        .update(name="")
    )
    return deleted + cleared


# --- The secretary assignment ---


def _export_secretary(user: User) -> list[dict[str, Any]]:
    return [{"council": c.name} for c in Council.objects.filter(secretary=user).order_by("pk")]


def _erase_secretary(user: User) -> None:
    """A deleted account can no longer act as a council's secretary."""
    Council.objects.filter(secretary=user).update(secretary=None)


# --- Referrals waiting for an official (the staff inbox) ---


def _referral_items(user: Any) -> list[WorkItem]:
    today = timezone.localdate()
    items = []
    for waiting in selectors.referrals_waiting(viewer=user):
        referral = waiting.referral
        deadline = date_format(referral.deadline, "j F Y")
        if waiting.missing:
            detail = gettext("Svar saknas från %(councils)s (svar senast %(date)s)") % {
                "councils": ", ".join(c.name for c in waiting.missing),
                "date": deadline,
            }
        else:
            detail = gettext("Svaren har kommit: berätta hur de används")
        items.append(
            WorkItem(
                title=referral.title,
                url=referral.get_absolute_url(),
                detail=detail,
                # Since the deadline passed; an answered referral waits from its answers.
                when=referral.deadline if referral.deadline < today else None,
                urgent=bool(waiting.missing),
            )
        )
    return items


INBOX = (
    InboxQueue(
        key="councils.referrals",
        name=_("Remisser till råd"),
        explanation=_(
            "Försenade remisser där råd inte har svarat: påminn rådet eller förläng. Remisser "
            "med svar: återkoppla hur svaren används, så får ledamöterna veta."
        ),
        items=_referral_items,
        order=50,
    ),
)


# The public texts of councils and referrals, for the translators' workbench. A referral's
# answers stay in the language the council wrote them in.
TRANSLATABLE = (
    TranslatableKind(
        key="councils.council",
        name=_("Råd"),
        model=Council,
        organisation="organisation_id",
        url=lambda council: council.get_absolute_url(),
        order=50,
    ),
    TranslatableKind(
        key="councils.referral",
        name=_("Remiss till råd"),
        model=Referral,
        organisation="organisation_id",
        url=lambda referral: referral.get_absolute_url(),
        order=51,
    ),
)


# Shown only to members: without ``empty`` an empty section is left out of Mina sidor.
MINE = (
    MineSection(
        key="councils.referrals",
        name=_("Remisser att svara på"),
        items=lambda user: selectors.mine_referrals(viewer=user),
        order=5,
    ),
    MineSection(
        key="councils.memberships",
        name=_("Dina råd"),
        items=lambda user: selectors.mine_councils(viewer=user),
        order=60,
    ),
)


# --- The open-data API and the dataset (councils/api.py, imported when first used) ---


def _api() -> Any:
    from . import api

    return api


COUNCILS_DATASET = OpenDataset(
    key="councils.councils",
    title=_("Råd, remisser till råden och rådens svar"),
    description=_(
        "Pensionärsråd, tillgänglighetsråd, brukarråd, ungdomsråd och samråd med nationella "
        "minoriteter och samer: uppdrag och nuvarande ledamöter (namn, roll, nominerad av, "
        "mandatperiod), remisser till råden med rådens svar och återkopplingen om hur svaren "
        "användes. Inga uppgifter om ersättning eller närvaro."
    ),
    api_path="/api/v1/councils/",
    tables=(
        DumpTable(
            name="councils.csv",
            columns=("id", "slug", "url", "organisation", "name", "kind", "minority", "mandate"),
            rows=lambda organisation: _api().council_rows(organisation),
        ),
        DumpTable(
            name="members.csv",
            columns=("council", "name", "role", "nominated_by", "term_start", "term_end"),
            rows=lambda organisation: _api().member_rows(organisation),
        ),
        DumpTable(
            name="referrals.csv",
            columns=(
                "id",
                "url",
                "organisation",
                "title",
                "question",
                "body",
                "deadline",
                "created",
                "how_used",
                "how_used_at",
                "councils",
            ),
            rows=lambda organisation: _api().referral_rows(organisation),
        ),
        DumpTable(
            name="answers.csv",
            columns=("referral_id", "id", "council", "kind", "author_name", "text", "created"),
            rows=lambda organisation: _api().answer_rows(organisation),
        ),
    ),
    coverage=lambda organisation: _api().coverage(organisation),
    modified=lambda organisation: _api().modified(organisation),
    themes=("GOVE", "SOCI"),
    keywords=(_("råd"), _("remisser"), _("pensionärsråd"), _("tillgänglighetsråd")),
    order=50,
)


contribute(
    Contribution(
        app_label="councils",
        search=(search.SOURCE,),
        mine=MINE,
        translatable=TRANSLATABLE,
        inbox=INBOX,
        notifications=(
            NotificationKind(
                key="councils.referral",
                order=50,
                name=_("Remisser till ditt råd"),
                description=_("När ett råd du är ledamot i får en remiss att svara på."),
            ),
            NotificationKind(
                key="councils.referral_used",
                order=55,
                name=_("Hur rådets svar användes"),
                description=_(
                    "När en tjänsteperson har skrivit hur svaren på en remiss till ditt råd "
                    "användes."
                ),
            ),
        ),
        errors=errors.MESSAGES,
        personal_data=(
            PersonalData(
                key="council_memberships",
                name=_("Uppdrag i råd (namn, roll, nominerande organisation, mandatperiod)"),
                purpose=_(
                    "Att visa vilka som sitter i rådet, skicka remisser till ledamöterna och "
                    "betala ut ersättning."
                ),
                legal_basis=LegalBasis.LOCAL_GOVERNMENT,
                covers=("councils.Membership.user",),
                export=_export_memberships,
                erase=_erase_memberships,
                on_erasure="de-personalised",
                kept_for=_(
                    "Uppdraget bevaras enligt myndighetens dokumenthanteringsplan. Tar du bort "
                    "kontot visas inte ditt namn längre; det finns bara kvar för personalen "
                    "så länge ersättning till dig måste bokföras."
                ),
            ),
            PersonalData(
                key="council_referral_answers",
                name=_("Svar på remisser till råd"),
                purpose=_("Att rådens synpunkter kommer med innan beslut."),
                legal_basis=LegalBasis.LOCAL_GOVERNMENT,
                covers=("councils.ReferralResponse.author",),
                export=_export_responses,
                erase=_erase_responses,
                on_erasure="de-personalised",
                kept_for=_(
                    "Svaret är en allmän handling och bevaras enligt myndighetens "
                    "dokumenthanteringsplan. Tar du bort kontot visas det utan ditt namn."
                ),
            ),
            PersonalData(
                key="council_compensation",
                name=_(
                    "Närvaro och ersättning för rådsmöten (arvode, förlorad arbetsinkomst, resor)"
                ),
                purpose=_("Att betala ut ersättning till ledamöter enligt ersättningsmodellen."),
                legal_basis=LegalBasis.ACCOUNTING,
                covers=("councils.Attendance",),
                export=_export_compensation,
                erase=_erase_compensation,
                on_erasure="kept",
                retention=Retention(
                    key="council_compensation",
                    name=_("Närvaro och ersättning för rådsmöten"),
                    starts=_(
                        "Räknas från utgången av det kalenderår mötet hölls. Bokföringslagen "
                        "kräver minst sju år."
                    ),
                    default_days=ACCOUNTING_DAYS,
                    apply=_compensation_apply,
                    min_days=ACCOUNTING_DAYS,
                ),
            ),
            PersonalData(
                key="council_secretary",
                name=_("Uppdrag som sekreterare för ett råd"),
                purpose=_("Att sekreteraren kan lämna rådets gemensamma svar på remisser."),
                legal_basis=LegalBasis.OFFICIAL_AUTHORITY,
                covers=("councils.Council.secretary",),
                export=_export_secretary,
                erase=_erase_secretary,
                kept_for=_("Tills någon annan blir sekreterare eller kontot tas bort."),
            ),
            staff_records(
                key="councils_staff",
                fields=("councils.Referral.created_by", "councils.Attendance.approved_by"),
            ),
        ),
        demo=DemoData(load=lambda c: demo.load(c.region, c.official, c.residents), order=30),
        api=(
            ApiRouter(
                key="councils.api",
                prefix="councils",
                router=lambda: _api().router,
                # Members' names as the council's page lists them (the account signs a
                # member's name; none once it is deleted).
                published_names=("councils.Membership.name",),
                order=50,
            ),
            ApiRouter(
                key="councils.referrals_api",
                prefix="referrals",
                router=lambda: _api().referrals_router,
                # The public name (display name) of the member who wrote an answer, as on the
                # referral's page.
                published_names=("accounts.User.display_name",),
                order=51,
            ),
        ),
        datasets=(COUNCILS_DATASET,),
    )
)
