"""What the followup app contributes to the platform (see `delaktig.core.contributions`).

Personal data: the person as the contact of an actor that joined a strategy or is a member of a
network (their name, e-mail address and account), the activities and documents they reported
or shared for the actor, and officials' records (progress notes, indicator values, plan files).
When the account is deleted the actor's commitment, reports and documents stay (they are the
actor's, and records the authority received), but no longer hold the person's name or e-mail.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import (
    ApiRouter,
    Contribution,
    DemoData,
    DumpTable,
    InboxQueue,
    LegalBasis,
    NotificationKind,
    OpenDataset,
    PersonalData,
    Retention,
    TranslatableKind,
    WorkItem,
    contribute,
    keep,
    staff_records,
)

from . import demo, errors, search, selectors
from .imports import messages
from .models import (
    ActionPlan,
    Activity,
    ActorActivity,
    Commitment,
    FocusArea,
    Goal,
    Indicator,
    NetworkDocument,
    NetworkMember,
    PlanImport,
    Strategy,
)


def _verified_addresses(user: Any) -> list[str]:
    """The person's verified e-mail addresses: a contact typed with one of them is them.

    Only verified ones, so that nobody can wipe another actor's contact by adding its address
    to their own account and deleting the account.
    """
    from allauth.account.models import EmailAddress

    return list(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )


def _as_contact(user: Any, *, account_field: str) -> Q:
    """Rows whose contact is the person: linked to the account, or typed with their address."""
    condition = Q(**{account_field: user})
    for address in _verified_addresses(user):
        condition |= Q(contact_email__iexact=address)
    return condition


# --- Actors' contacts ---


def _export_commitments(user: Any) -> list[dict[str, Any]]:
    """Commitments the person is the contact for, or asked for (then without the contact's
    details when the contact is someone else)."""
    as_contact = _as_contact(user, account_field="contact_user")
    contact_pks = set(Commitment.objects.filter(as_contact).values_list("pk", flat=True))
    commitments = (
        Commitment.objects.filter(as_contact | Q(requested_by=user))
        .select_related("strategy", "actor")
        .prefetch_related("activities")
        .order_by("created", "pk")
    )
    return [
        {
            "strategy": c.strategy.title,
            "actor": c.actor.name,
            "commitment": c.commitment,
            "contact_name": c.contact_name if c.pk in contact_pks else None,
            "contact_email": c.contact_email if c.pk in contact_pks else None,
            "requested_by_you": c.requested_by_id == user.pk,
            "status": c.status,
            "joined_on": c.joined_on.isoformat() if c.joined_on else None,
            "activities": [a.title for a in c.activities.all()],
        }
        for c in commitments
    ]


def _erase_commitments(user: Any) -> None:
    """The actor's commitment stays; the person no longer speaks for it nor is named in it,
    nor is recorded as the one who asked to join."""
    Commitment.objects.filter(_as_contact(user, account_field="contact_user")).update(
        contact_user=None, contact_name="", contact_email=""
    )
    Commitment.objects.filter(requested_by=user).update(requested_by=None)


def _export_memberships(user: Any) -> list[dict[str, Any]]:
    memberships = (
        NetworkMember.objects.filter(_as_contact(user, account_field="user"))
        .select_related("network", "actor")
        .order_by("joined_on", "pk")
    )
    return [
        {
            "network": m.network.name,
            "actor": m.actor.name,
            "contact_name": m.contact_name,
            "contact_email": m.contact_email,
            "since": m.joined_on.isoformat(),
        }
        for m in memberships
    ]


def _erase_memberships(user: Any) -> None:
    """The actor stays a member of the network, without the person as its contact."""
    NetworkMember.objects.filter(_as_contact(user, account_field="user")).update(
        user=None, contact_name="", contact_email=""
    )


def _export_actor_activities(user: Any) -> list[dict[str, Any]]:
    activities = (
        ActorActivity.objects.filter(reported_by=user)
        .select_related("commitment__strategy", "commitment__actor")
        .order_by("reported_at", "pk")
    )
    return [
        {
            "strategy": a.commitment.strategy.title,
            "actor": a.commitment.actor.name,
            "title": a.title,
            "year": a.year,
            "status": a.status,
            "reported_at": a.reported_at.isoformat(),
        }
        for a in activities
    ]


def _export_documents(user: Any) -> list[dict[str, Any]]:
    documents = (
        NetworkDocument.objects.filter(uploaded_by=user)
        .select_related("network")
        .order_by("created", "pk")
    )
    return [
        {
            "network": d.network.name,
            "title": d.title,
            "public": d.public,
            "uploaded": d.created.isoformat(),
        }
        for d in documents
    ]


# --- Plan files ---


def _export_plan_imports(user: Any) -> list[dict[str, Any]]:
    imports = (
        PlanImport.objects.filter(created_by=user).select_related("plan").order_by("created", "pk")
    )
    return [
        {
            "plan": i.plan.title,
            "filename": i.filename,
            "read": i.created.isoformat(),
            "imported": i.applied_at.isoformat() if i.applied_at else None,
        }
        for i in imports
    ]


def _clear_plan_imports(organisation: Any, days: int, now: datetime) -> int:
    """Read plan files hold every row with its contact's name and e-mail address.

    ``days`` after a file was imported its rows are cleared (the activities hold what was
    imported, the audit log how many); a file never imported is deleted ``days`` after it
    was read. Returns how many files were cleared or deleted.
    """
    cutoff = now - timedelta(days=days)
    imports = PlanImport.objects.filter(plan__strategy__organisation=organisation)
    abandoned = list(
        imports.filter(applied_at__isnull=True, created__lte=cutoff).values_list("pk", flat=True)
    )
    PlanImport.objects.filter(pk__in=abandoned).delete()
    applied = imports.filter(applied_at__lte=cutoff).values_list("pk", "rows", "errors")
    due = [pk for pk, rows, errors in applied if rows or errors]
    PlanImport.objects.filter(pk__in=due).update(rows=[], errors=[])
    return len(abandoned) + len(due)


# --- Requests to join a strategy waiting for an official (the staff inbox) ---


def _join_items(user: Any) -> list[WorkItem]:
    return [
        WorkItem(
            title=str(c.actor),
            url=reverse("followup_staff:commitment_review", args=[c.pk]),
            detail=(
                _("%(strategy)s · den automatiska granskningen hittade något")
                % {"strategy": c.strategy.title}
                if c.screening_findings
                else c.strategy.title
            ),
            when=c.created,
        )
        for c in selectors.join_requests_waiting(viewer=user)
    ]


INBOX = (
    InboxQueue(
        key="followup.join_requests",
        name=_("Ansökningar om att ansluta sig till en strategi"),
        explanation=_(
            "Aktörer som vill ansluta sig. Godkänn, eller avslå med ett skäl som skickas till "
            "kontaktpersonen."
        ),
        items=_join_items,
        count=lambda user: selectors.join_requests_waiting(viewer=user).count(),
        order=60,
    ),
)


# --- Translations ---


def _published_plans(query: Any, path: str = "") -> Any:
    """Only what the public can read: published plans of published strategies."""
    return query.filter(**{f"{path}published": True, f"{path}strategy__published": True})


def _plan_url(plan: ActionPlan) -> str:
    return reverse("followup:plan", kwargs={"slug": plan.strategy.slug, "plan_slug": plan.slug})


# The public texts of strategies, their goals, plans, areas, activities and indicators, for
# the translators' workbench: what the public can read (published strategies and plans). An
# actor's own report (joined strategies, networks) stays in the language it was written in.
TRANSLATABLE = (
    TranslatableKind(
        key="followup.strategy",
        name=_("Strategi"),
        model=Strategy,
        organisation="organisation_id",
        url=lambda strategy: strategy.get_absolute_url(),
        scope=lambda query: query.filter(published=True),
        order=60,
    ),
    TranslatableKind(
        key="followup.goal",
        name=_("Strategins mål"),
        model=Goal,
        organisation="strategy__organisation_id",
        url=lambda goal: goal.strategy.get_absolute_url() + "#mal",
        scope=lambda query: query.filter(strategy__published=True),
        order=61,
    ),
    TranslatableKind(
        key="followup.indicator",
        name=_("Indikator"),
        model=Indicator,
        organisation="strategy__organisation_id",
        url=lambda indicator: indicator.get_absolute_url(),
        scope=lambda query: query.filter(strategy__published=True),
        order=62,
    ),
    TranslatableKind(
        key="followup.plan",
        name=_("Handlingsplan"),
        model=ActionPlan,
        organisation="strategy__organisation_id",
        url=_plan_url,
        scope=_published_plans,
        order=63,
    ),
    TranslatableKind(
        key="followup.area",
        name=_("Insatsområde"),
        model=FocusArea,
        organisation="plan__strategy__organisation_id",
        url=lambda area: _plan_url(area.plan) + f"#area-{area.pk}",
        scope=lambda query: _published_plans(query, "plan__"),
        order=64,
    ),
    TranslatableKind(
        key="followup.activity",
        name=_("Aktivitet"),
        model=Activity,
        organisation="area__plan__strategy__organisation_id",
        url=lambda activity: activity.get_absolute_url(),
        scope=lambda query: _published_plans(query, "area__plan__"),
        label=lambda activity: activity.title,
        order=65,
    ),
)


# --- Open data (the API's endpoints and datasets live in api.py, imported when used) ---


def _router() -> object:
    from .api import router

    return router


def _api(name: str) -> Any:
    """A function of api.py, imported on first call so that reading the registry stays cheap."""

    def call(*args: Any) -> Any:
        from . import api

        return getattr(api, name)(*args)

    return call


def _table(name: str, columns: tuple[str, ...], rows: str) -> DumpTable:
    return DumpTable(name=name, columns=columns, rows=_api(rows))


# The dumps' columns: the API's output, flattened (api._flat); tests check rows against them.
STRATEGY_COLUMNS = (
    "id",
    "slug",
    "url",
    "organisation",
    "title",
    "summary",
    "body",
    "adopted_by",
    "decision_date",
    "decision_reference",
    "start_year",
    "end_year",
    "revision_cycle",
    "next_review",
    "perspectives",
    "joinable",
    "updated",
)
GOAL_COLUMNS = (
    "strategy",
    "id",
    "number",
    "position",
    "title",
    "description",
    "gender_equality_goals",
    "sdg_targets",
)
PLAN_COLUMNS = (
    "id",
    "slug",
    "url",
    "organisation",
    "strategy",
    "title",
    "summary",
    "start_year",
    "end_year",
    "adopted_by",
    "decision_date",
    "decision_reference",
    "activities_not_started",
    "activities_ongoing",
    "activities_done",
    "activities_postponed",
    "activities_cancelled",
    "updated",
)
ACTIVITY_COLUMNS = (
    "id",
    "code",
    "url",
    "organisation",
    "strategy",
    "plan",
    "area_id",
    "area_position",
    "area_title",
    "title",
    "description",
    "responsible_unit",
    "contact_name",
    "start_year",
    "end_year",
    "status",
    "status_reason",
    "progress",
    "status_changed_at",
    "goals",
    "sdg_targets",
    "gender_equality_goals",
    "perspectives",
    "processes",
    "updated",
)
INDICATOR_COLUMNS = (
    "id",
    "url",
    "organisation",
    "strategy",
    "goal_number",
    "goal_id",
    "goal_title",
    "position",
    "name",
    "description",
    "unit",
    "source",
    "source_url",
    "kolada_kpi",
    "direction",
    "about_people",
    "by_sex",
    "sex_note",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "updated",
)
VALUE_COLUMNS = (
    "indicator",
    "year",
    "sex",
    "municipality",
    "municipality_name",
    "value",
    "updated",
)


def _datasets() -> tuple[OpenDataset, ...]:
    return (
        OpenDataset(
            key="followup.strategies",
            title=_("Strategier, handlingsplaner och aktiviteter"),
            description=_(
                "Publicerade strategier med mål, jämställdhetspolitiska delmål och "
                "Agenda 2030-delmål, deras handlingsplaner och aktiviteterna med status och "
                "hur långt de har kommit."
            ),
            api_path="/api/v1/followup/strategies/",
            tables=(
                _table("strategies.csv", STRATEGY_COLUMNS, "strategy_rows"),
                _table("goals.csv", GOAL_COLUMNS, "goal_rows"),
                _table("plans.csv", PLAN_COLUMNS, "plan_rows"),
                _table("activities.csv", ACTIVITY_COLUMNS, "activity_rows"),
            ),
            coverage=_api("strategies_coverage"),
            modified=_api("strategies_modified"),
            themes=("GOVE", "SOCI"),
            keywords=(_("strategi"), _("handlingsplan"), _("uppföljning"), _("Agenda 2030")),
            order=60,
        ),
        OpenDataset(
            key="followup.indicators",
            title=_("Indikatorer och indikatorvärden"),
            description=_(
                "Indikatorerna som följer upp de publicerade strategiernas mål, med utgångsvärde, "
                "målvärde och uppmätta värden per år, kön och kommun."
            ),
            api_path="/api/v1/followup/indicators/",
            tables=(
                _table("indicators.csv", INDICATOR_COLUMNS, "indicator_rows"),
                _table("indicator_values.csv", VALUE_COLUMNS, "value_rows"),
            ),
            coverage=_api("indicators_coverage"),
            modified=_api("indicators_modified"),
            themes=("GOVE", "SOCI", "REGI"),
            keywords=(_("indikator"), _("uppföljning"), _("statistik"), _("Agenda 2030")),
            order=61,
        ),
    )


contribute(
    Contribution(
        app_label="followup",
        search=(search.SOURCE,),
        translatable=TRANSLATABLE,
        inbox=INBOX,
        notifications=(
            NotificationKind(
                key="followup.commitment_request",
                order=80,
                staff=True,
                name=_("Ansökningar om att ansluta sig till en strategi"),
                description=_(
                    "Till tjänstepersoner: när en aktör ansöker om att ansluta sig till en "
                    "strategi."
                ),
            ),
            NotificationKind(
                key="followup.commitment_contact",
                order=70,
                name=_("Bekräfta kontaktadress"),
                description=_(
                    "Till den som anges som kontaktperson för en aktör: en länk för att bekräfta "
                    "adressen."
                ),
                required=True,
            ),
            NotificationKind(
                key="followup.commitment_decision",
                order=72,
                name=_("Besked om anslutning till en strategi"),
                description=_(
                    "Beskedet om en ansökan att ansluta sig till en strategi, till dess "
                    "kontaktperson."
                ),
                required=True,
            ),
        ),
        errors={**errors.MESSAGES, **messages.MESSAGES},
        personal_data=(
            PersonalData(
                key="commitments",
                name=_("Aktörer du är kontaktperson för i en strategi"),
                purpose=_(
                    "Att aktören kan ansluta sig till strategin och redovisa sina aktiviteter, "
                    "och att den som samordnar strategin kan nå dig."
                ),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("followup.Commitment.contact_user", "followup.Commitment.requested_by"),
                export=_export_commitments,
                erase=_erase_commitments,
                on_erasure="de-personalised",
                kept_for=_(
                    "Så länge aktören är ansluten. När du tar bort kontot tas ditt namn och din "
                    "e-post bort; aktörens åtagande och redovisning finns kvar."
                ),
            ),
            PersonalData(
                key="network_memberships",
                name=_("Nätverk där du är kontaktperson för en medlem"),
                purpose=_("Att du ser nätverkets interna dokument och kan dela egna."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("followup.NetworkMember.user",),
                export=_export_memberships,
                erase=_erase_memberships,
                on_erasure="de-personalised",
                kept_for=_(
                    "Så länge aktören är medlem. När du tar bort kontot tas ditt namn och din "
                    "e-post bort; aktören är kvar som medlem."
                ),
            ),
            PersonalData(
                key="actor_activities",
                name=_("Aktiviteter du redovisat för en ansluten aktör"),
                purpose=_("Att visa vad aktörerna gör för strategins mål."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("followup.ActorActivity.reported_by",),
                export=_export_actor_activities,
                # The actor's report stays; the account it points at is anonymised last.
                erase=keep,
                on_erasure="kept",
                kept_for=_(
                    "Aktiviteterna är aktörens redovisning och finns kvar utan ditt namn när du "
                    "tar bort kontot."
                ),
            ),
            PersonalData(
                key="network_documents",
                name=_("Dokument du delat i ett nätverk"),
                purpose=_("Att nätverkets medlemmar kan ta del av dokumentet."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                covers=("followup.NetworkDocument.uploaded_by",),
                export=_export_documents,
                # The network's document stays; the account it points at is anonymised last.
                erase=keep,
                on_erasure="kept",
                kept_for=_(
                    "Tills dokumentet tas bort ur nätverket. När du tar bort kontot finns det "
                    "kvar, uppladdat av en borttagen användare."
                ),
            ),
            PersonalData(
                key="plan_imports",
                name=_("Planfiler du läst in som personal"),
                purpose=_("Att personalen kan granska en inläst fil innan den importeras."),
                legal_basis=LegalBasis.OFFICIAL_AUTHORITY,
                covers=("followup.PlanImport.created_by",),
                export=_export_plan_imports,
                erase=keep,
                on_erasure="kept",
                retention=Retention(
                    key="plan_import_rows",
                    name=_("Rader i inlästa planfiler, med kontaktpersonernas namn och e-post"),
                    starts=_(
                        "Räknas från att filen importerades, eller från att den lästes in om den "
                        "aldrig importerades."
                    ),
                    default_days=30,
                    apply=_clear_plan_imports,
                ),
            ),
            staff_records(
                key="followup_staff",
                fields=("followup.ProgressNote.author", "followup.IndicatorValue.updated_by"),
            ),
        ),
        demo=DemoData(load=lambda c: demo.load(c.region, c.official, c.residents), order=60),
        api=(
            ApiRouter(
                key="followup.api",
                prefix="followup",
                router=_router,
                published_names=("followup.Activity.contact_name",),
                order=60,
            ),
        ),
        datasets=_datasets(),
    )
)
