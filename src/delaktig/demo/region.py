"""The demo region: Region Jämtland Härjedalen with its eight municipalities.

Processes on all five steps of the ladder, drawn from what Swedish regions wrote in their
democracy plans. The content is in ``demo_data.toml`` next to this module; everything is
created through the same services the staff pages use.
"""

import calendar
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from delaktig.accounts.models import DemographicProfile, Role, User
from delaktig.core import contributions
from delaktig.core.contributions import demo_content
from delaktig.identity import services as identity
from delaktig.identity.models import Verification
from delaktig.identity.personnummer import luhn_check_digit
from delaktig.organisations.models import (
    AccessibilityStatement,
    Body,
    Municipality,
    Organisation,
    OrganisationSettings,
)
from delaktig.participation import registry, services
from delaktig.participation.models import (
    Feedback,
    Perspective,
    Process,
    SdgGoal,
    SdgTarget,
    TargetGroup,
)
from delaktig.participation.workflow import Action

DEMO_PASSWORD = "delaktig-demo"  # noqa: S105 - printed for the demo, never used in production

PATHS = {
    "draft": [],
    "published": [Action.PUBLISH],
    "open": [Action.PUBLISH, Action.OPEN],
    "closed": [Action.PUBLISH, Action.OPEN, Action.CLOSE],
    "feedback_published": [Action.PUBLISH, Action.OPEN, Action.CLOSE, Action.PUBLISH_FEEDBACK],
    "archived": [
        Action.PUBLISH,
        Action.OPEN,
        Action.CLOSE,
        Action.PUBLISH_FEEDBACK,
        Action.ARCHIVE,
    ],
}


@dataclass
class DemoLogin:
    role: str
    email: str


def _content() -> dict[str, Any]:
    return demo_content(__file__)


def _user(email: str, name: str, *, superuser: bool = False) -> User:
    user = User.objects.create_user(
        username=email,
        email=email,
        password=DEMO_PASSWORD,
        display_name=name,
        is_superuser=superuser,
        is_staff=superuser,
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _residents(municipalities: list[Municipality], spec: dict[str, Any]) -> list[User]:
    """The invented residents; most, not all, share their demographics."""
    rng = random.Random(2026)  # noqa: S311 - seeded demo data, not security
    first = spec["first_names"]
    people = []
    for index in range(spec["count"]):
        name = f"{first[index % len(first)]} {chr(65 + index % 26)}."
        user = _user(f"invanare{index + 1}@demo.delaktig.se", name)
        if index % 5 != 4:
            DemographicProfile.objects.create(
                user=user,
                consent_given_at=timezone.now(),
                birth_year=rng.choice([1948, 1955, 1962, 1971, 1980, 1989, 1996, 2003, 2008]),
                sex=rng.choice(["kvinna", "kvinna", "man", "man", "annat", "vill_inte_uppge"]),
                municipality=rng.choice(municipalities[:3] + [municipalities[-1]] * 3),
            )
        people.append(user)
    return people


def _discussion(
    spec: dict[str, Any],
    defaults: dict[str, Any],
    process: Process,
    official: User,
    residents: list[User],
    now: datetime,
) -> None:
    """The process's discussion module and phase, with comments once it has started."""
    start = now + timedelta(days=spec["days"])
    module = services.module_add(
        actor=official,
        process=process,
        kind="discussion",
        title=defaults["title"],
        description=defaults["description"],
    )
    past = spec["status"] in {"closed", "feedback_published", "archived"}
    phase_start = start if not past else now + timedelta(days=spec["days"])
    phase_end = (now - timedelta(days=5)) if past else max(now, start) + timedelta(days=30)
    services.phase_create(
        actor=official,
        process=process,
        module=module,
        phase_type="discussion",
        name=defaults["phase_name"],
        description=defaults["phase_description"],
        starts_at=phase_start,
        ends_at=phase_end,
    )
    if spec["status"] != "draft" and spec["days"] <= 0:
        process.published_at = start
        registry.get("discussion").demo_data(module, residents)  # type: ignore[misc]


def _process(
    spec: dict[str, Any],
    defaults: dict[str, Any],
    region: Organisation,
    official: User,
    residents: list[User],
) -> Process:
    now = timezone.now()
    start = now + timedelta(days=spec["days"])
    decision_in = spec.get("decision_in")
    process = services.process_create(
        actor=official,
        organisation=region,
        responsible_body=Body.objects.get(organisation=region, name=spec["body_name"]),
        slug=spec["slug"],
        title=spec["title"],
        summary=spec["summary"],
        easy_read_summary=spec.get("easy_read", ""),
        body=defaults["body"],
        language=spec.get("language", "sv"),
        ladder_step=spec["step"],
        question=spec["question"],
        purpose=spec["purpose"],
        input_use=spec["input_use"],
        decision_maker=spec["decision_maker"],
        target_group_analysis=defaults["target_group_analysis"],
        decision_expected=(timezone.localdate() + timedelta(days=decision_in))
        if decision_in
        else None,
        target_groups=TargetGroup.objects.filter(code__in=spec["targets"]),
        perspectives=Perspective.objects.filter(code__in=spec["perspectives"]),
        sdg_goals=SdgGoal.objects.filter(number__in=spec["goals"]),
        sdg_targets=SdgTarget.objects.filter(code__in=spec["sdg_targets"]),
        municipalities=region.municipalities.all(),
    )
    if spec["step"] > 1:
        _discussion(spec, defaults["discussion"], process, official, residents, now)
    for action in PATHS[spec["status"]]:
        if action is Action.PUBLISH_FEEDBACK:
            fb = spec["feedback"]
            services.feedback_save(
                actor=official,
                process=process,
                heard=fb["heard"],
                decided=fb["decided"],
                reasons=fb["reasons"],
                decision_reference=fb["reference"],
            )
        process = services.process_transition(actor=official, process=process, action=action)
    if spec["status"] != "draft":
        Process.objects.filter(pk=process.pk).update(published_at=min(start, now))
    if "feedback" in spec:
        Feedback.objects.filter(process=process).update(published_at=now - timedelta(days=10))
    return process


def _organisations(
    specs: list[dict[str, Any]], municipalities: dict[str, Municipality]
) -> dict[str, Organisation]:
    """The organisations with their municipalities, bodies, settings and accessibility
    statement, by key."""
    organisations = {}
    for spec in specs:
        organisation = Organisation.objects.create(
            name=spec["name"],
            slug=spec["slug"],
            kind=Organisation.Kind(spec["kind"]),
            scb_code=spec["scb_code"],
            host=spec.get("host", ""),
        )
        organisation.municipalities.set([municipalities[code] for code in spec["municipalities"]])
        organisations[spec["key"]] = organisation
    for spec in specs:
        for body in spec["bodies"]:
            Body.objects.create(organisation=organisations[spec["key"]], **body)
    for spec in specs:
        OrganisationSettings.objects.create(
            organisation=organisations[spec["key"]], **spec["settings"]
        )
    for spec in specs:
        if "accessibility_statement" in spec:
            statement = dict(spec["accessibility_statement"])
            statement["compliance"] = AccessibilityStatement.Compliance(statement["compliance"])
            AccessibilityStatement.objects.create(
                organisation=organisations[spec["key"]], **statement
            )
    return organisations


def _people(
    specs: list[dict[str, Any]],
    organisations: dict[str, Organisation],
    municipalities: dict[str, Municipality],
) -> dict[str, User]:
    """The people who log in, with their staff roles or demographic profile, by key."""
    people = {}
    for spec in specs:
        user = _user(spec["email"], spec["name"], superuser=spec.get("superuser", False))
        if "role" in spec:
            organisation = organisations[spec["organisation"]] if "organisation" in spec else None
            Role.objects.create(
                user=user,
                kind=Role.Kind(spec["role"]),
                organisation=organisation,
                # A translator's languages (Role.languages).
                languages=spec.get("languages", []),
            )
        if "profile" in spec:
            profile = spec["profile"]
            DemographicProfile.objects.create(
                user=user,
                consent_given_at=timezone.now(),
                birth_year=profile["birth_year"],
                sex=profile["sex"],
                municipality=municipalities[profile["municipality"]],
            )
        people[spec["key"]] = user
    return people


def _months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _verify_by_age(specs: list[dict[str, Any]], people: dict[str, User], official: User) -> None:
    """People with an ``age``: ``official`` checks a personnummer with a birth date that long
    before today and hands them a code, which they redeem, in the municipality where the person
    ``verified_like`` is verified."""
    for index, spec in enumerate(specs):
        if "age" not in spec:
            continue
        age = spec["age"]
        born = _months_before(timezone.localdate(), age["years"] * 12 + age["months"])
        nine = f"{born:%y%m%d}{980 + index:03d}"
        municipality = Verification.objects.get(user=people[age["verified_like"]]).municipality
        if municipality is None:
            raise ValueError(f"{age['verified_like']} is verified without a municipality")
        _issued, code = identity.verification_code_issue(
            actor=official,
            identity_number=f"{born:%Y%m%d}{nine[6:]}{luhn_check_digit(nine)}",
            municipality=municipality,
        )
        identity.verification_code_redeem(actor=people[spec["key"]], code=code)


@transaction.atomic
def load_demo_region() -> list[DemoLogin]:
    content = _content()
    municipalities = {
        spec["code"]: Municipality.objects.create(code=spec["code"], name=spec["name"])
        for spec in content["municipalities"]
    }
    organisations = _organisations(content["organisations"], municipalities)
    region = organisations["region"]
    people = _people(content["people"], organisations, municipalities)
    official = people["official"]
    residents = [
        people["resident"],
        *_residents(list(municipalities.values()), content["residents"]),
    ]

    for spec in content["processes"]:
        _process(spec, content["process_defaults"], region, official, residents)
    # Each app adds its own demo content, declared in the platform registry.
    context = contributions.DemoContext(region=region, official=official, residents=residents)
    for _app, demo in contributions.demo_loaders():
        demo.load(context)
    # After the apps' demo content, which verifies the residents (proposals' demo).
    _verify_by_age(content["people"], people, official)

    logins = {spec["key"]: spec["login"] for spec in content["people"]}
    return [DemoLogin(logins[key], people[key].email) for key in content["logins"]["order"]]
