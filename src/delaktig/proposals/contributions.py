"""What the proposals app contributes to the platform (see `delaktig.core.contributions`).

Personal data: the proposals a person wrote, the proposals they supported, and officials'
actions in the case. A proposal becomes an allmän handling when it is submitted, so it is
kept when its author deletes the account, without the name; a draft never sent in is not,
and is deleted with its attachments.
"""

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
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
    WorkItem,
    contribute,
    keep,
    staff_records,
)

from . import deadlines, demo, errors, search, selectors, services
from .models import Attachment, Proposal, ProposalEvent, Support
from .workflow import Status

# What a support's identity hash is replaced with once it is no longer needed.
CLEARED_IDENTITY = "gallrad-"


# --- Proposals the person wrote ---


def _export_proposals(user: Any) -> list[dict[str, Any]]:
    proposals = Proposal.objects.filter(author=user).prefetch_related("attachments")
    return [
        {
            "title": p.title,
            "status": p.status,
            "created": p.created.isoformat(),
            "submitted": p.submitted_at.isoformat() if p.submitted_at else None,
            "body": p.body,
            "background": p.background,
            "published_name": p.author_name,
            "case_number": p.case_number,
            "attachments": [a.original_name for a in p.attachments.all()],
        }
        for p in proposals.order_by("pk")
    ]


def _delete_with_files(proposals: QuerySet[Proposal]) -> int:
    """Delete proposals and, once the transaction commits, their attachment files."""
    files = [
        (a.file.storage, a.file.name)
        for a in Attachment.objects.filter(proposal__in=proposals)
        if a.file.name
    ]
    count = proposals.count()
    proposals.delete()
    for storage, name in files:
        transaction.on_commit(partial(storage.delete, name))
    return count


def _never_submitted() -> Q:
    # Drafts, and drafts the author threw away (withdrawn before they were submitted).
    return Q(submitted_at__isnull=True) & Q(status__in=[Status.DRAFT.value, Status.WITHDRAWN.value])


def _erase_proposals(user: Any) -> None:
    _delete_with_files(Proposal.objects.filter(_never_submitted(), author=user))
    # Submitted proposals are allmänna handlingar: kept, without the name the author typed.
    Proposal.objects.filter(author=user).exclude(author_name="").update(author_name="")


def _apply_drafts_retention(organisation: Any, days: int, now: datetime) -> int:
    due = Proposal.objects.filter(
        _never_submitted(), organisation=organisation, created__lte=now - timedelta(days=days)
    )
    return _delete_with_files(due)


DRAFTS_RETENTION = Retention(
    key="proposal_drafts",
    name=_("Utkast till medborgarförslag som aldrig skickats in"),
    starts=_("Räknas från att utkastet skapades."),
    default_days=365,
    apply=_apply_drafts_retention,
    min_days=30,
)


# --- Proposals the person supported ---


def _export_supports(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "proposal": s.proposal.title,
            "created": s.created.isoformat(),
            "wants_updates": s.wants_updates,
        }
        for s in Support.objects.filter(user=user).select_related("proposal").order_by("pk")
    ]


def _clear_identities(supports: QuerySet[Support]) -> int:
    """Replace identity hashes with a token unique per support, so the count stays exact."""
    return supports.exclude(identity_hash__startswith=CLEARED_IDENTITY).update(
        identity_hash=Concat(Value(CLEARED_IDENTITY), Cast("pk", output_field=CharField()))
    )


def _erase_supports(user: Any) -> None:
    supports = Support.objects.filter(user=user)
    supports.filter(wants_updates=True).update(wants_updates=False)
    # While the proposal collects supports, the hash stops the same person supporting again
    # from a new account; after that it is no longer needed.
    _clear_identities(supports.exclude(proposal__status=Status.COLLECTING.value))


def _apply_support_identity_retention(organisation: Any, days: int, now: datetime) -> int:
    ended = Support.objects.filter(
        proposal__organisation=organisation,
        proposal__support_ends_at__lte=now - timedelta(days=days),
    ).exclude(proposal__status=Status.COLLECTING.value)
    return _clear_identities(ended)


SUPPORT_IDENTITY_RETENTION = Retention(
    key="proposal_support_identities",
    name=_("Identitetsnycklar för stöd till e-förslag"),
    starts=_("Räknas från att stödperioden slutade."),
    default_days=90,
    apply=_apply_support_identity_retention,
)


# --- Events in the case ---


def _export_events(user: Any) -> list[dict[str, Any]]:
    events = ProposalEvent.objects.filter(actor=user).select_related("proposal")
    return [
        {
            "proposal": e.proposal.title,
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "created": e.created.isoformat(),
        }
        for e in events.order_by("pk")
    ]


# --- What waits for officials: intake, registration, decision (the staff inbox) ---


def _case_url(proposal: Proposal) -> str:
    return reverse("proposals:staff_case", kwargs={"pk": proposal.pk})


def _simple_items(proposals: QuerySet[Proposal]) -> list[WorkItem]:
    return [
        WorkItem(
            title=p.title,
            url=_case_url(p),
            detail=p.organisation.name,
            when=p.submitted_at,
        )
        for p in proposals
    ]


def _decide_items(user: Any) -> list[WorkItem]:
    today = timezone.localdate()
    items = []
    for p in selectors.decide_waiting(viewer=user):
        assert p.registered_on is not None  # noqa: S101 - decide_waiting filters on it
        due = deadlines.deadline(p.registered_on, today)
        when = date_format(due.due, "j F Y")
        state = (
            gettext("Ettårsgränsen passerades %(date)s") % {"date": when}
            if due.overdue
            else gettext("Ska avgöras senast %(date)s") % {"date": when}
        )
        items.append(
            WorkItem(
                title=p.title,
                url=_case_url(p),
                detail=f"{p.case_number or ''} · {state}".lstrip(" ·"),
                when=p.registered_on,
                urgent=due.overdue,
            )
        )
    return items


INBOX = (
    InboxQueue(
        key="proposals.intake",
        name=_("Medborgarförslag att kontrollera"),
        explanation=_(
            "Inskickade förslag som väntar på kontroll: publicera för stöd, väck direkt eller "
            "avvisa med motivering enligt era regler."
        ),
        items=lambda user: _simple_items(selectors.intake_waiting(viewer=user)),
        count=lambda user: selectors.intake_waiting(viewer=user).count(),
        order=20,
    ),
    InboxQueue(
        key="proposals.register",
        name=_("Medborgarförslag att diarieföra"),
        explanation=_("Väckta förslag som ska diarieföras; då börjar ettårsfristen löpa."),
        items=lambda user: _simple_items(selectors.register_waiting(viewer=user)),
        count=lambda user: selectors.register_waiting(viewer=user).count(),
        order=21,
    ),
    InboxQueue(
        key="proposals.decide",
        name=_("Medborgarförslag att bereda och besluta"),
        explanation=_(
            "Diarieförda ärenden som inte är avgjorda. Fullmäktige ska besluta inom ett år; "
            "försenade ärenden står först."
        ),
        items=_decide_items,
        count=lambda user: selectors.decide_waiting(viewer=user).count(),
        order=22,
    ),
)


MINE = (
    MineSection(
        key="proposals.mine",
        name=_("Dina förslag"),
        items=lambda user: selectors.mine_proposals(viewer=user),
        empty=_("Du har inte skrivit något medborgarförslag."),
        start=_("Skriv ett förslag"),
        start_url=reverse_lazy("proposals:create"),
        order=20,
    ),
    MineSection(
        key="proposals.supported",
        name=_("Förslag du stöder"),
        items=lambda user: selectors.mine_supported(viewer=user),
        empty=_("Du stöder inga förslag ännu."),
        start=_("Se förslag som samlar stöd"),
        start_url=reverse_lazy("proposals:list"),
        order=25,
    ),
)


# A proposal waits for intake before it is public: a hold by screening keeps it there until a
# person releases it; a rejection is an intake rejection (see services.proposal_withhold).
PROPOSALS = ModeratedKind(
    key="proposals.proposal",
    name=_("Medborgarförslag"),
    module=_("Medborgarförslag"),
    model=Proposal,
    text=lambda p: "\n\n".join(part for part in (p.title, p.body, p.background) if part),
    author=lambda p: p.author,
    organisation_id=lambda p: p.organisation_id,
    url=lambda p: p.get_absolute_url(),
    withhold=services.proposal_withhold,
    release=services.proposal_release,
    public_on_release=False,
    permission="proposals.handle_proposal",
)


# --- Open data: the API's endpoints and the dataset (proposals/api.py, imported when used) ---


def _router() -> object:
    from .api import router

    return router


def _proposal_rows(organisation: Any) -> Any:
    from .api import proposal_rows

    return proposal_rows(organisation)


def _event_rows(organisation: Any) -> Any:
    from .api import event_rows

    return event_rows(organisation)


def _coverage(organisation: Any) -> Any:
    from .api import coverage

    return coverage(organisation)


def _modified(organisation: Any) -> Any:
    from .api import modified

    return modified(organisation)


# The columns of the dump, the same as the API's fields (proposals/api.py, checked by tests).
PROPOSAL_COLUMNS = (
    "id",
    "kind",
    "title",
    "body",
    "background",
    "author_name",
    "organisation",
    "organisation_name",
    "municipality_code",
    "municipality",
    "category",
    "status",
    "status_label",
    "published_at",
    "support_count",
    "support_threshold",
    "support_ends_at",
    "case_number",
    "registered_on",
    "decide_by",
    "prepared_by",
    "outcome",
    "outcome_label",
    "decided_on",
    "decided_by",
    "minutes_reference",
    "answer",
    "url",
)
EVENT_COLUMNS = (
    "proposal_id",
    "id",
    "created",
    "action",
    "from_status",
    "to_status",
    "status_label",
    "note",
    "changes",
    "corrects",
    "corrected",
)

API = ApiRouter(
    key="proposals.api",
    prefix="proposals",
    router=_router,
    published_names=("proposals.Proposal.author_name",),
    order=30,
)

DATASET = OpenDataset(
    key="proposals.proposals",
    title=_("Medborgarförslag och e-förslag"),
    description=_(
        "Publicerade medborgarförslag och e-förslag: text, namnet som förslagsställaren valt att "
        "publicera, antal stöd och tröskel, diarienummer, beslut och svar, och ärendets "
        "tidslinje. Utkast, förslag som väntar på kontroll och avvisade förslag ingår inte."
    ),
    api_path="/api/v1/proposals/",
    tables=(
        DumpTable(name="proposals.csv", columns=PROPOSAL_COLUMNS, rows=_proposal_rows),
        DumpTable(name="proposal_events.csv", columns=EVENT_COLUMNS, rows=_event_rows),
    ),
    coverage=_coverage,
    modified=_modified,
    themes=("GOVE",),
    keywords=(_("medborgarförslag"), _("e-förslag"), _("delaktighet")),
    order=30,
)


contribute(
    Contribution(
        app_label="proposals",
        search=(search.SOURCE,),
        mine=MINE,
        inbox=INBOX,
        moderated=(PROPOSALS,),
        notifications=(
            NotificationKind(
                key="proposals.own_proposal",
                order=25,
                name=_("Dina förslag"),
                description=_(
                    "Vad som händer med ett förslag du har lämnat: registrering, beslut och annat "
                    "som rör ditt ärende."
                ),
                required=True,
            ),
            NotificationKind(
                key="proposals.supported",
                order=20,
                name=_("Förslag du stöder"),
                description=_(
                    "Vad som händer med förslag du stöder och bett om uppdateringar för."
                ),
            ),
            NotificationKind(
                key="proposals.deadline_reminder",
                order=85,
                staff=True,
                name=_("Tidsfrister för ärenden"),
                description=_(
                    "Till tjänstepersoner: påminnelse när ett förslags lagstadgade tidsfrist "
                    "närmar sig."
                ),
                required=True,
            ),
        ),
        personal_data=(
            PersonalData(
                key="proposals",
                name=_("Medborgarförslag du skrivit"),
                purpose=_("Att handlägga förslaget och redovisa ärendet öppet."),
                legal_basis=_(
                    "Allmänt intresse och myndighetsutövning, artikel 6.1 e i GDPR "
                    "(kommunallagen 8 kap. 1 §)"
                ),
                covers=("proposals.Proposal.author", "proposals.Attachment"),
                export=_export_proposals,
                erase=_erase_proposals,
                on_erasure="de-personalised",
                retention=DRAFTS_RETENTION,
                kept_for=_(
                    "Ett inskickat förslag är en allmän handling och bevaras enligt "
                    "dokumenthanteringsplanen; tar du bort kontot visas det som skrivet av "
                    "”Borttagen användare”. Utkast som aldrig skickats in tas bort."
                ),
            ),
            PersonalData(
                key="supports",
                name=_("Förslag du stöder"),
                purpose=_(
                    "Att räkna stöden mot tröskeln, en gång per person, och att berätta vad "
                    "som händer med förslaget om du vill det."
                ),
                legal_basis=LegalBasis.LOCAL_GOVERNMENT,
                covers=("proposals.Support.user",),
                export=_export_supports,
                erase=_erase_supports,
                # The support is kept: it counts towards the threshold that decided whether the
                # proposal went on to fullmäktige, and while supports are collected its identity
                # hash stops the same person supporting twice from a new account. It no longer
                # names anyone (the account is anonymised) and no e-mail is sent any more.
                on_erasure="de-personalised",
                retention=SUPPORT_IDENTITY_RETENTION,
                kept_for=_(
                    "Stödet räknas så länge förslaget finns. Tar du bort kontot finns stödet "
                    "kvar utan koppling till dig och du får ingen mer e-post om förslaget."
                ),
            ),
            PersonalData(
                key="proposal_events",
                name=_("Det du gjort i ärenden om medborgarförslag"),
                purpose=_("Att visa hur ärendet har gått och vem som gjorde vad."),
                legal_basis=LegalBasis.OFFICIAL_AUTHORITY,
                covers=("proposals.ProposalEvent.actor",),
                export=_export_events,
                # The case's timeline is the authority's record; the anonymised account names
                # no one.
                erase=keep,
                on_erasure="kept",
                kept_for=_("Enligt myndighetens dokumenthanteringsplan (arkivlagen)."),
            ),
            staff_records(
                key="proposals_staff", fields=("proposals.Proposal.responsible_official",)
            ),
        ),
        jobs=(
            Job(
                key="proposals_expire",
                name=_("Stäng stödperioder som löpt ut"),
                run=lambda now: services.proposals_expire(now=now),
            ),
            Job(
                key="proposal_case_reminders",
                name=_("Påminn handläggare inför lagstadgad tidsfrist"),
                run=lambda now: services.case_reminders_send(today=timezone.localdate(now)),
            ),
        ),
        demo=DemoData(load=lambda c: demo.load(c.region, c.official, c.residents), order=10),
        errors=errors.MESSAGES,
        api=(API,),
        datasets=(DATASET,),
    )
)
