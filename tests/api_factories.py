"""A compact, populated public data set of every kind the open-data API serves (/api/v1/).

:func:`api_data_set` loads the demo region: each app's own demo loader (the registry's
``DemoData``) fills in its kinds through its services, public and not (draft and archived
processes, hidden comments, unpublished meetings, held proposals …), so every endpoint any app
contributes has public items, and new apps bring theirs along. On top, made with the suite's
factories: an initiative with signatures, a signed-off and a draft impact assessment, a draft
process and a draft strategy. Everything that must not be shown carries :data:`NOT_PUBLIC` in
its title.

:func:`personalise` then turns every value that identifies a person into a sentinel: e-mail
addresses end in ``@personal.invalid``, names, personnummer hashes and phone numbers carry
:data:`PERSONAL`, birth dates are :data:`PERSONAL_BIRTH_DATE`, and user ids lie in
:data:`USER_IDS` (the user table's sequence starts there). The names an app publishes
(``ApiRouter.published_names``) carry :data:`PUBLISHED` instead.

Helpers to walk the API: :func:`list_paths`, :func:`detail_paths`, :func:`walk`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.test import Client

from tests.factories import (
    ImpactAssessmentFactory,
    ProcessFactory,
    UserFactory,
    complete_child_answers,
    role,
)

# A fixed moment for the demo and the requests (a Tuesday in spring 2026).
MOMENT = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
API = "/api/v1"
# In every value that identifies a person.
PERSONAL = "Zqxpersonalzq"
PERSONAL_DOMAIN = "personal.invalid"
PERSONAL_PHONE = "+46 70 999 00 00"
PERSONAL_BIRTH_DATE = date(1901, 2, 3)
# In every name an app declares it publishes.
PUBLISHED = "Publiceradnamn"
# In the title of everything that must not be shown.
NOT_PUBLIC = "ICKEPUBLIK"
# User ids: the user table's sequence starts at the first (see personalise()).
USER_IDS = range(7_340_001, 7_350_000)
USER_ID_PATTERN = re.compile(r"(?<![\w.])734\d{4}(?![\w.])")

# Name-like fields that are not a person's name (an organisation, a file, a group).
NOT_PERSON_NAMES = {
    "councils.Council.name",
    "participation.ProcessTemplate.name",
    "organisations.AccessibilityStatement.service_name",
    "django_tasks_database.DBTaskResult.queue_name",
    "django_tasks_database.DBTaskResult.backend_name",
    "consultations.Invitation.name",  # the invited body (remissinstans)
    "followup.Actor.name",  # an organisation taking part
    "followup.Network.name",
    "knowledge.Part.document_name",
    "proposals.Attachment.original_name",
    "population.PopulationTable.name",
    "population.PopulationTable.filename",
    "followup.PlanImport.filename",
}
# Contact details of the organisation itself, which its pages publish.
ORGANISATION_CONTACTS = {
    "organisations.OrganisationSettings.contact_email",
    "organisations.OrganisationSettings.contact_phone",
    "organisations.AccessibilityStatement.feedback_email",
    "organisations.AccessibilityStatement.feedback_phone",
}
PERSONAL_FIELD_NAME = re.compile(
    r"(^|_)(e?mail|phone|telephone|mobile|personnummer|identity_hash|code_hash|birth_date"
    r"|ip|ip_address|address)$"
)


@dataclass
class DataSet:
    organisation_slug: str
    # Published names, as "app_label.Model.field" (from the API's routers).
    published: set[str] = field(default_factory=set)


def api_data_set() -> DataSet:
    """Load the demo region and the extras; call inside a test with the database."""
    _start_user_ids()
    with open("/dev/null", "w") as quiet:
        call_command("load_demo", stdout=quiet)
    from delaktig.organisations.models import Organisation

    region = Organisation.objects.order_by("pk").first()
    assert region is not None
    _extras(region)
    _mark_not_public()
    return DataSet(organisation_slug=region.slug, published=published_names())


def _start_user_ids() -> None:
    """New users get ids in USER_IDS, so that an id in a body is recognised as a user's."""
    table = apps.get_model("accounts", "User")._meta.db_table
    start = USER_IDS.start - 1
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, start])
        elif connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start]
            )
        else:  # pragma: no cover
            raise NotImplementedError(connection.vendor)


def _extras(region: Any) -> None:
    from delaktig.assessments.models import ImpactAssessment
    from delaktig.initiatives.models import Initiative, Signature, SignatureList

    initiative = Initiative.objects.create(
        organisation=region,
        title="Folkomröstning om fritidsgårdarna",
        question="Ska fritidsgårdarna ha öppet på helgerna?",
        initiators="Föreningen Öppna gårdar",
        submitted_on=date(2026, 2, 1),
        entitled_voters=30,
        case_number="RS 2026/17",
    )
    paper = SignatureList.objects.create(
        initiative=initiative, kind="paper", label="Lista 1", received_on=date(2026, 2, 1)
    )
    Signature.objects.bulk_create(
        Signature(
            signature_list=paper, signed_on=date(2026, 1, 10), identity_hash=f"{n:064x}", valid=True
        )
        for n in range(1, 6)
    )
    # One signed-off, published assessment; one draft; one signed off but not published.
    official = role(UserFactory(), "official", region)
    approver = role(UserFactory(), "official", region)
    for title, status, published in (
        ("Barnkonsekvensanalys av nya öppettider", "signed_off", True),
        (f"{NOT_PUBLIC} utkast till analys", "draft", True),
        (f"{NOT_PUBLIC} godkänd men inte publicerad", "signed_off", False),
    ):
        signed = status == "signed_off"
        ImpactAssessmentFactory(
            organisation=region,
            title=title,
            prepared_by=official,
            last_edited_by=official,
            answers=complete_child_answers(),
            status=status,
            published=published,
            signed_off_by=approver if signed else None,
            signed_off_at=MOMENT if signed else None,
        )
    ProcessFactory(organisation=region, status="draft", title=f"{NOT_PUBLIC} utkast", slug="utkast")
    _close_a_survey()
    assert ImpactAssessment.objects.public().exists()


def _close_a_survey() -> None:
    """The demo's survey is still open; close its answering and publish its results."""
    from delaktig.participation.models import Phase
    from delaktig.surveys.models import Survey

    survey = Survey.objects.order_by("pk").first()
    if survey is None:
        return
    Survey.objects.filter(pk=survey.pk).update(results_public=True)
    Phase.objects.filter(module_id=survey.module_id, phase_type="answering").update(
        starts_at=MOMENT - timedelta(days=40), ends_at=MOMENT - timedelta(days=2)
    )


def _mark_not_public() -> None:
    """Put NOT_PUBLIC in the title of everything the public pages do not show."""
    from delaktig.assessments.models import ImpactAssessment
    from delaktig.followup.models import Strategy
    from delaktig.meetings.models import Meeting
    from delaktig.participation.models import Process
    from delaktig.proposals.models import Proposal

    for queryset in (
        Process.objects.exclude(pk__in=Process.objects.public()),
        Proposal.objects.exclude(pk__in=Proposal.objects.public()),
        Meeting.objects.exclude(pk__in=Meeting.objects.public()),
        Strategy.objects.exclude(pk__in=Strategy.objects.published()),
        ImpactAssessment.objects.exclude(pk__in=ImpactAssessment.objects.public()),
    ):
        for item in queryset.exclude(title__startswith=NOT_PUBLIC):
            type(item).objects.filter(pk=item.pk).update(title=f"{NOT_PUBLIC} {item.title}"[:200])


def published_names() -> set[str]:
    from delaktig.core import contributions

    return {name for router in contributions.api_routers() for name in router.published_names}


def _covered_models() -> set[str]:
    """Models that hold personal data or point at a person, per the declarations."""
    from delaktig.core import contributions

    covered = set()
    for data in contributions.personal_data():
        for pointer in data.covers:
            app_label, model, *_field = pointer.split(".")
            covered.add(f"{app_label}.{model}")
    return covered


def personal_fields() -> dict[str, models.Field[Any, Any]]:
    """Every concrete field holding something that identifies a person, by "app.Model.field":
    the user's names and e-mail; e-mail, phone, personnummer-hash, birth-date and address
    fields; and names of people ("name", "…_name") in models that hold personal data."""
    covered = _covered_models()
    user_model = apps.get_model("accounts", "User")
    found: dict[str, models.Field[Any, Any]] = {}
    for model in apps.get_models():
        label = model._meta.label
        for model_field in model._meta.concrete_fields:
            if model_field.is_relation or model_field.choices:
                continue
            key = f"{label}.{model_field.name}"
            if key in ORGANISATION_CONTACTS or key in NOT_PERSON_NAMES:
                continue
            name = model_field.name
            personal = (
                isinstance(model_field, models.EmailField)
                or PERSONAL_FIELD_NAME.search(name) is not None
                or (model is user_model and name in {"username", "first_name", "last_name"})
                or (model is user_model and name == "display_name")
                or name == "contact_name"
                or (
                    label in covered
                    and (name == "name" or name.endswith("_name"))
                    and isinstance(model_field, models.CharField)
                )
            )
            if personal and isinstance(
                model_field,
                (
                    models.CharField,
                    models.TextField,
                    models.DateField,
                    models.GenericIPAddressField,
                ),
            ):
                found[key] = model_field
    return found


def _sentinel(model_field: models.Field[Any, Any], pk: Any, published: bool) -> Any:
    token = PUBLISHED if published else PERSONAL
    if isinstance(model_field, models.DateTimeField):
        return None if model_field.null else datetime(1901, 2, 3, tzinfo=UTC)
    if isinstance(model_field, models.DateField):
        return PERSONAL_BIRTH_DATE
    if isinstance(model_field, models.GenericIPAddressField):
        return "192.0.2.77"
    if isinstance(model_field, models.EmailField):
        return f"{token.lower()}{pk}@{PERSONAL_DOMAIN}"
    name = model_field.name
    if "phone" in name or "mobile" in name:
        return PERSONAL_PHONE
    value = f"{token} {name} p{pk}"  # "p": a user's id is not a number of its own here
    max_length = getattr(model_field, "max_length", None)
    return value[:max_length] if max_length else value


def personalise(published: set[str]) -> dict[str, int]:
    """Give every person-identifying value a sentinel (published names the allowed token);
    returns how many rows of each field were changed."""
    changed: dict[str, int] = {}
    for key, model_field in personal_fields().items():
        model = model_field.model
        manager = model._base_manager
        filled = manager.filter(**{f"{model_field.attname}__isnull": False})
        if not isinstance(model_field, (models.DateField, models.GenericIPAddressField)):
            filled = filled.exclude(**{model_field.attname: ""})
        rows = list(filled.values_list("pk", flat=True))
        for pk in rows:
            value = _sentinel(model_field, pk, key in published)
            manager.filter(pk=pk).update(**{model_field.attname: value})
        changed[key] = len(rows)
    return changed


# --- Walking the API ----------------------------------------------------------------------------


def openapi() -> dict[str, Any]:
    from delaktig.opendata.api import openapi_schema

    return openapi_schema()


def get_paths(schema: dict[str, Any]) -> list[str]:
    return sorted(path for path, item in schema["paths"].items() if "get" in item)


def list_paths(schema: dict[str, Any]) -> list[str]:
    return [path for path in get_paths(schema) if "{" not in path]


def detail_paths(schema: dict[str, Any]) -> list[str]:
    return [path for path in get_paths(schema) if "{" in path]


def _list_of(detail: str, lists: list[str]) -> str | None:
    """The list a detail's ids come from: the longest list path the detail starts with."""
    head = detail.split("{", 1)[0]
    candidates = [path for path in lists if path == head or head.startswith(path)]
    return max(candidates, key=len) if candidates else None


def _ids(items: list[dict[str, Any]], parameter: str) -> Iterator[Any]:
    keys = [parameter, "id", "slug", "pk", "key"]
    short = parameter.removesuffix("_id").removesuffix("_pk").removesuffix("_slug")
    keys.insert(1, short)
    for item in items:
        for key in keys:
            if key in item and item[key] is not None:
                yield item[key]
                break


@dataclass
class Walk:
    """Every body the API returned, by URL; the lists' items by list path."""

    bodies: dict[str, str] = field(default_factory=dict)
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


def walk(client: Client, schema: dict[str, Any], *, limit: int = 500, pages: int = 20) -> Walk:
    """GET every list (all its pages, up to ``pages``) and every detail of the items listed."""
    result = Walk()
    lists = list_paths(schema)
    for path in lists:
        items: list[dict[str, Any]] = []
        url: str | None = f"{path}?limit={limit}"
        for _page in range(pages):
            if url is None:
                break
            response = client.get(url)
            result.bodies[url] = response.content.decode()
            result.statuses[url] = response.status_code
            if response.status_code != 200:
                break
            body = response.json()
            items.extend(body.get("items", []) if isinstance(body, dict) else [])
            cursor = body.get("next_cursor") if isinstance(body, dict) else None
            url = f"{path}?limit={limit}&cursor={cursor}" if cursor else None
        result.items[path] = items
    for detail in detail_paths(schema):
        source = _list_of(detail, lists)
        parameters = re.findall(r"{(\w+)}", detail)
        if source is None or len(parameters) != 1:
            continue
        for value in _ids(result.items.get(source, []), parameters[0]):
            url = detail.replace("{" + parameters[0] + "}", str(value))
            response = client.get(url)
            result.bodies[url] = response.content.decode()
            result.statuses[url] = response.status_code
    return result
