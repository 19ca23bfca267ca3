"""What the consultations app contributes to the platform (see `delaktig.core.contributions`).

Personal data: the comments a person made on drafts (public documents: deleting the account
takes the name off them and out of the published compilation, the text stays), the comments
they agreed with (deleted with the account, and the counts shown on the comments go down with
them), the invited organisations whose contact they are, found by their verified addresses
(deleting the account takes their name off the referral list; the address the invitation went
to stays), and what officials and organisations' contacts did (kept as the authority's
records).

Staff inbox: consultations with comments still waiting for an answer, and invited organisations
past their deadline without an answer. Mina sidor: the person's comments, answered or not, and
the invitations they may answer for an organisation.
"""

from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from delaktig.accounts.roles import official_organisations
from delaktig.accounts.types import User
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
    TranslatableKind,
    WorkItem,
    contribute,
    staff_records,
)

from . import errors, services
from .models import (
    COMMENT_KIND,
    Agreement,
    Comment,
    Consultation,
    Invitation,
    Paragraph,
    passage_label,
)
from .workflow import ConsultationStatus

# --- Where things are shown -------------------------------------------------------------------


def _comment_url(comment: Comment) -> str:
    """The public page of the passage the comment is on, or of comments on the whole
    document."""
    module_pk = comment.consultation.module_id
    paragraph = comment.paragraph
    if paragraph is None:
        return reverse("consultations:whole", kwargs={"module_pk": module_pk})
    return reverse("consultations:paragraph", kwargs={"module_pk": module_pk, "key": paragraph.key})


def _passage(paragraph: Paragraph | None) -> str:
    """ "Stycke 3.2", "Avsnitt 3" or "Hela dokumentet"."""
    if paragraph is None:
        return passage_label("", "")
    return passage_label(paragraph.kind, paragraph.number)


# --- Personal data ----------------------------------------------------------------------------


def _export_comments(user: User) -> list[dict[str, Any]]:
    comments = Comment.objects.filter(author=user).select_related(
        "consultation__module__process", "paragraph", "invitation"
    )
    return [
        {
            "process": c.consultation.module.process.title,
            "document": c.consultation.title,
            "passage": c.paragraph.number if c.paragraph is not None else None,
            "text": c.text,
            "status": c.status,
            "created": c.created.isoformat(),
            "on_behalf_of": c.invitation.name if c.invitation is not None else None,
        }
        for c in comments.order_by("created", "pk")
    ]


def _erase_comments(user: User) -> None:
    """A comment on a draft is a public document (allmän handling), answered in the published
    compilation: it stays, and the name is taken off it, in the stored compilation too."""
    from .compilation import forget_person

    commented = Comment.objects.filter(author=user).values("consultation_id")
    published = Consultation.objects.select_for_update().filter(
        pk__in=commented, compilation__isnull=False
    )
    for consultation in published.order_by("pk"):
        record = forget_person(consultation.compilation or {}, user.pk)
        if record is not None:
            consultation.compilation = record
            consultation.save(update_fields=["compilation"])
    Comment.objects.filter(author=user).update(author=None, author_name="")


def _as_contact(user: User) -> "QuerySet[Invitation]":
    """The invitations whose contact address is one of the person's verified addresses (only
    verified ones: nobody can take another's name off a list by adding their address)."""
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(user=user, verified=True).values_list(
        "email", flat=True
    )
    condition = Q(pk__in=[])
    for address in addresses:
        condition |= Q(contact_email__iexact=address)
    return Invitation.objects.filter(condition)


def _export_invitations(user: User) -> list[dict[str, Any]]:
    invitations = _as_contact(user).select_related("consultation__module__process")
    return [
        {
            "process": i.consultation.module.process.title,
            "document": i.consultation.title,
            "organisation": i.name,
            "contact_name": i.contact_name,
            "contact_email": i.contact_email,
            "deadline": i.deadline.isoformat(),
            "invited": i.invited_at.isoformat() if i.invited_at else None,
            "reminded": i.reminded_at.isoformat() if i.reminded_at else None,
        }
        for i in invitations.order_by("pk")
    ]


def _erase_invitations(user: User) -> None:
    # The referral list is the authority's record of whom it asked: the organisation and the
    # address the invitation was sent to stay (an invitation must have a way to reach the
    # organisation), the person's name goes.
    _as_contact(user).update(contact_name="")


def _export_agreements(user: User) -> list[dict[str, Any]]:
    agreements = Agreement.objects.filter(user=user).select_related(
        "comment__consultation__module__process"
    )
    return [
        {
            "process": a.comment.consultation.module.process.title,
            "document": a.comment.consultation.title,
            "comment": a.comment.text,
            "created": a.created.isoformat(),
        }
        for a in agreements.order_by("created", "pk")
    ]


def _erase_agreements(user: User) -> None:
    """Delete the person's agreements and count each comment down by one. The comments are
    locked first, in the order ``services.comment_agree`` locks one, so that the counts stay
    equal to the rows however the deletion and someone agreeing meet."""
    with transaction.atomic():
        ids = list(Agreement.objects.filter(user=user).values_list("comment_id", flat=True))
        locked = list(
            Comment.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        mine = Agreement.objects.filter(user=user, comment_id__in=locked)
        counted = list(mine.values_list("comment_id", flat=True))
        mine.delete()
        Comment.objects.filter(pk__in=counted).update(agreements_count=F("agreements_count") - 1)


# --- The staff inbox ----------------------------------------------------------------------------


def _unanswered_comments() -> Q:
    return Q(comments__answer__isnull=True) & ~Q(comments__status=Comment.Status.REMOVED)


def _waiting_for_answers(user: Any) -> "QuerySet[Consultation]":
    """Consultations of the organisations the person is an official of (all, for an
    administrator) with comments nobody has answered yet."""
    unanswered = Comment.objects.filter(consultation=OuterRef("pk"), answer__isnull=True).exclude(
        status=Comment.Status.REMOVED
    )
    return Consultation.objects.filter(
        module__process__organisation__in=official_organisations(user),
        status=ConsultationStatus.OPEN,
    ).filter(Exists(unanswered))


def _unanswered_items(user: Any) -> list[WorkItem]:
    waiting = (
        _waiting_for_answers(user)
        .select_related("module__process")
        .annotate(
            n=Count("comments", filter=_unanswered_comments()),
            since=Min("comments__created", filter=_unanswered_comments()),
        )
        .order_by("since", "pk")
    )
    return [
        WorkItem(
            title=c.title,
            url=reverse("consultations:answering", kwargs={"module_pk": c.module_id}),
            detail=ngettext(
                "%(process)s · %(count)d synpunkt utan svar",
                "%(process)s · %(count)d synpunkter utan svar",
                c.n,
            )
            % {"process": c.module.process.title, "count": c.n},
            when=c.since,
        )
        for c in waiting
    ]


def _overdue(user: Any) -> "QuerySet[Invitation]":
    """Invited organisations past their deadline that have not answered (no comment on their
    behalf, no "nothing to add"), while the consultation is open."""
    answered = Comment.objects.filter(invitation=OuterRef("pk")).exclude(
        status=Comment.Status.REMOVED
    )
    return Invitation.objects.filter(
        consultation__module__process__organisation__in=official_organisations(user),
        consultation__status=ConsultationStatus.OPEN,
        deadline__lt=timezone.localdate(),
        no_comments_at__isnull=True,
    ).exclude(Exists(answered))


def _overdue_items(user: Any) -> list[WorkItem]:
    invitations = (
        _overdue(user).select_related("consultation").order_by("deadline", "consultation", "name")
    )
    return [
        WorkItem(
            title=i.name,
            url=reverse(
                "consultations:invitations", kwargs={"module_pk": i.consultation.module_id}
            ),
            detail=gettext("%(title)s · svar senast %(date)s")
            % {"title": i.consultation.title, "date": date_format(i.deadline, "j F Y")},
            when=i.deadline,
            urgent=True,
        )
        for i in invitations
    ]


INBOX = (
    InboxQueue(
        key="consultations.unanswered",
        name=_("Synpunkter på utkast att besvara"),
        explanation=_(
            "Varje synpunkt på ett utkast får ett svar i samrådsredogörelsen: om den "
            "tillgodoses, delvis, inte eller noteras, med skälet och vad som ändrades."
        ),
        items=_unanswered_items,
        count=lambda user: _waiting_for_answers(user).count(),
        order=45,
    ),
    InboxQueue(
        key="consultations.overdue",
        name=_("Remissinstanser som inte svarat"),
        explanation=_(
            "Organisationer som bjöds in att svara på ett utkast och vars sista dag har "
            "passerat. Kontakta dem, eller förläng samrådstiden."
        ),
        items=_overdue_items,
        count=lambda user: _overdue(user).count(),
        order=46,
    ),
)


# --- Mina sidor ---------------------------------------------------------------------------------


def _comment_state(comment: Comment) -> str:
    if comment.status == Comment.Status.HELD:
        return gettext("väntar på granskning")
    if comment.status == Comment.Status.REMOVED:
        return gettext("borttagen av moderator")
    # An answer is the authority's once the compilation is published; before, it may change.
    if comment.answer_id is not None and comment.consultation.status == (
        ConsultationStatus.PUBLISHED
    ):
        return gettext("besvarad")
    return gettext("inte besvarad än")


def _my_comments(user: User) -> list[WorkItem]:
    """The person's comments, each named by its passage (the link reads alone) and leading to
    the comment on its passage's page, where its answer is shown once the compilation is
    published."""
    comments = (
        Comment.objects.filter(author=user)
        .select_related("consultation", "paragraph", "invitation")
        .order_by("-created", "-pk")[:50]
    )
    items = []
    for c in comments:
        url = _comment_url(c)
        if c.status != Comment.Status.REMOVED:
            url += f"?synpunkt={c.pk}#synpunkt-{c.pk}"
        passage = _passage(c.paragraph)
        title = gettext("%(title)s, %(passage)s") % {
            "title": c.consultation.title,
            "passage": passage[:1].lower() + passage[1:],
        }
        detail = capfirst(_comment_state(c))
        if c.invitation is not None:
            detail = gettext("%(detail)s · för %(name)s") % {
                "detail": detail,
                "name": c.invitation.name,
            }
        items.append(WorkItem(title=title, url=url, detail=detail, when=c.created))
    return items


def _my_invitations(user: User) -> list[WorkItem]:
    """Invitations the person speaks for whose organisation has not answered yet, while the
    consultation is open and the deadline has not passed."""
    answered = Comment.objects.filter(invitation=OuterRef("pk")).exclude(
        status=Comment.Status.REMOVED
    )
    waiting = (
        services.speaking_for(user)
        .filter(
            consultation__status=ConsultationStatus.OPEN,
            deadline__gte=timezone.localdate(),
            no_comments_at__isnull=True,
        )
        .exclude(Exists(answered))
        .select_related("consultation")
        .order_by("deadline", "pk")
    )
    return [
        WorkItem(
            title=gettext("Remissvar från %(name)s: %(title)s")
            % {"name": i.name, "title": i.consultation.title},
            url=reverse(
                "consultations:invitation",
                kwargs={"module_pk": i.consultation.module_id, "invitation_pk": i.pk},
            ),
            detail=gettext("Svara för %(name)s senast %(date)s")
            % {"name": i.name, "date": date_format(i.deadline, "j F Y")},
            when=i.deadline,
        )
        for i in waiting
    ]


def _mine(user: Any) -> list[WorkItem]:
    if not user.is_authenticated:
        return []
    return _my_invitations(user) + _my_comments(user)


MINE = (
    MineSection(
        key="consultations.mine",
        name=_("Synpunkter på utkast"),
        items=_mine,
        empty=_("Du har inte lämnat synpunkter på något utkast."),
        start=_("Se öppna processer"),
        start_url=reverse_lazy("participation:list"),
        order=45,
    ),
)


# --- Moderation, translation, jobs ------------------------------------------------------------

COMMENTS = ModeratedKind(
    key=COMMENT_KIND,
    name=_("Synpunkt på utkast"),
    module=_("Samråd om utkast"),
    model=Comment,
    text=lambda c: c.text,
    author=lambda c: c.author,
    organisation_id=lambda c: c.consultation.module.process.organisation_id,
    url=_comment_url,
    withhold=services.comment_withhold,
    release=services.comment_release,
)

TRANSLATABLE = (
    TranslatableKind(
        key="consultations.consultation",
        name=_("Samråd om utkast"),
        model=Consultation,
        organisation="module__process__organisation_id",
        url=lambda c: c.get_absolute_url(),
        scope=lambda query: query.select_related("module__process"),
        label=lambda c: f"{c.module.process.title} – {c.title}",
        order=70,
    ),
)


def _load_demo(context: Any) -> None:
    from . import demo

    demo.load(context)


# --- Open data (the API and the dataset; the code in api.py, imported when used) ---------------


def _router() -> object:
    from .api import router

    return router


def _api(name: str) -> Any:
    def call(organisation: Any) -> Any:
        from . import api

        return getattr(api, name)(organisation)

    return call


DATASETS = (
    OpenDataset(
        key="consultations.consultations",
        title=_("Samråd om utkast"),
        description=_(
            "Utkast som varit ute på samråd: dokumentets publicerade versioner med numrerade "
            "stycken, de publicerade synpunkterna med hur många som håller med, och "
            "myndighetens svar när samrådsredogörelsen är publicerad."
        ),
        api_path="/api/v1/consultations/",
        tables=(
            DumpTable(
                name="versions.csv",
                columns=(
                    "consultation_id",
                    "consultation",
                    "version",
                    "title",
                    "published_at",
                    "changes",
                ),
                rows=_api("version_rows"),
            ),
            DumpTable(
                name="paragraphs.csv",
                columns=(
                    "consultation_id",
                    "version",
                    "key",
                    "number",
                    "kind",
                    "level",
                    "section",
                    "text",
                ),
                rows=_api("paragraph_rows"),
            ),
            DumpTable(
                name="comments.csv",
                columns=(
                    "id",
                    "consultation_id",
                    "version",
                    "passage_key",
                    "passage",
                    "passage_kind",
                    "author",
                    "organisation",
                    "text",
                    "created",
                    "agreements",
                    "answer_id",
                ),
                rows=_api("comment_rows"),
            ),
            DumpTable(
                name="answers.csv",
                columns=("id", "consultation_id", "theme", "stance", "reason", "change"),
                rows=_api("answer_rows"),
            ),
        ),
        coverage=_api("coverage"),
        modified=_api("modified"),
        themes=("GOVE",),
        keywords=(_("samråd"), _("samrådsredogörelse"), _("synpunkter")),
        order=75,
    ),
)


contribute(
    Contribution(
        app_label="consultations",
        errors=errors.MESSAGES,
        moderated=(COMMENTS,),
        translatable=TRANSLATABLE,
        inbox=INBOX,
        mine=MINE,
        notifications=(
            NotificationKind(
                key="consultations.feedback",
                order=15,
                name=_("Svar på dina synpunkter på utkast"),
                description=_(
                    "När ett utkast du lämnat synpunkter på får en ny version, och när "
                    "samrådsredogörelsen med svaren på synpunkterna publiceras."
                ),
            ),
            NotificationKind(
                key="consultations.invitation",
                order=52,
                name=_("Inbjudan att svara på ett utkast för en organisation"),
                description=_(
                    "Till en organisations kontaktperson: inbjudan att svara på ett utkast som "
                    "är ute på samråd, och en påminnelse en vecka före sista dag för svar."
                ),
                required=True,
            ),
        ),
        jobs=(
            Job(
                key="consultations.remind_invitations",
                name=_("Påminn remissinstanser som inte svarat på ett utkast"),
                run=services.invitations_remind,
                every="day",
            ),
        ),
        personal_data=(
            PersonalData(
                key="consultation_comments",
                name=_("Synpunkter du lämnat på utkast"),
                purpose=_(
                    "Att synpunkterna kan läsas, besvaras och redovisas i samrådsredogörelsen."
                ),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("consultations.Comment.author", "consultations.Comment"),
                export=_export_comments,
                erase=_erase_comments,
                on_erasure="de-personalised",
                kept_for=_(
                    "En synpunkt är en allmän handling och finns kvar i "
                    "samrådsredogörelsen. Tar du bort kontot tas ditt namn bort från den."
                ),
            ),
            PersonalData(
                key="consultation_invitations",
                name=_("Organisationer du är kontaktperson för i ett samråd om utkast"),
                purpose=_(
                    "Att organisationen får inbjudan och påminnelsen och att du kan svara för "
                    "den i samrådet."
                ),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=(
                    "consultations.Invitation.contact_name",
                    "consultations.Invitation.contact_email",
                ),
                export=_export_invitations,
                erase=_erase_invitations,
                on_erasure="de-personalised",
                kept_for=_(
                    "Listan över inbjudna organisationer är myndighetens handling och sparas "
                    "enligt dokumenthanteringsplanen. Tar du bort kontot tas ditt namn bort från "
                    "listan. Adressen som inbjudan skickades till finns kvar, eftersom den är "
                    "organisationens väg in i samrådet."
                ),
            ),
            PersonalData(
                key="consultation_agreements",
                name=_("Synpunkter på utkast som du hållit med om"),
                purpose=_("Att visa hur många som håller med om en synpunkt."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("consultations.Agreement.user",),
                export=_export_agreements,
                erase=_erase_agreements,
                kept_for=_(
                    "Tills du tar tillbaka det eller tar bort kontot. Då räknas synpunkten "
                    "ned med ett."
                ),
            ),
            staff_records(
                key="consultations_staff",
                fields=(
                    "consultations.Consultation.published_by",
                    "consultations.DocumentVersion.created_by",
                    "consultations.Invitation.created_by",
                    "consultations.Invitation.no_comments_by",
                    "consultations.Answer.answered_by",
                ),
            ),
        ),
        demo=DemoData(load=_load_demo, order=75),
        api=(
            ApiRouter(
                key="consultations.api",
                prefix="consultations",
                router=_router,
                published_names=("consultations.Comment.author_name",),
                order=75,
            ),
        ),
        datasets=DATASETS,
    )
)
