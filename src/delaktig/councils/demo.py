"""Demo councils: the pensioners' council and the Sami consultation, with a referral, and
their English translations (reviewed).

The content is in ``demo_data.toml`` next to this module."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from delaktig.accounts.types import User
from delaktig.core.contributions import demo_content
from delaktig.meetings.models import Meeting
from delaktig.organisations.models import Organisation
from delaktig.participation.models import Phase, ProcessModule
from delaktig.translations import services as translation_services
from delaktig.translations.models import TranslatedModel
from delaktig.translations.services import Change

from . import services
from .models import CompensationModel, Council, Membership, Referral, ReferralResponse


def _content() -> dict[str, Any]:
    return demo_content(__file__)


def load(region: Organisation, official: User, residents: list[User]) -> None:
    content = _content()
    today = timezone.localdate()
    term = {"term_start": date(today.year - 1, 1, 1), "term_end": date(today.year + 2, 12, 31)}
    pensioners = _council(region, official, residents, term, content["pensioners"])
    _compensation_model(region, content["compensation"])
    sami = _council(region, official, residents, term, content["sami"])
    _council_meeting(region, pensioners, today, content["meeting"])
    referral = _referral(region, official, [pensioners, sami], today, content["referral"])
    _answers(referral, pensioners, residents, content["referral"]["answers"])


def _translate(official: User, item: TranslatedModel, spec: dict[str, Any]) -> None:
    """Save the spec's ``translations`` ({language: {field: text}}) as reviewed translations."""
    for language, texts in spec.get("translations", {}).items():
        translation_services.translations_save(
            actor=official,
            obj=item,
            language=language,
            changes=[Change(field, text) for field, text in texts.items()],
            reviewed=True,
        )


def _council(
    region: Organisation,
    official: User,
    residents: list[User],
    term: dict[str, Any],
    spec: dict[str, Any],
) -> Council:
    """The council with its members for ``term``, the official as its secretary."""
    council = Council.objects.create(
        organisation=region,
        kind=Council.Kind(spec["kind"]),
        name=spec["name"],
        slug=spec["slug"],
        secretary=official,
        mandate=spec["mandate"],
    )
    _translate(official, council, spec)
    for member in spec["members"]:
        extra: dict[str, Any] = {}
        if "user" in member:
            extra["user"] = residents[member["user"]]
        if "role" in member:
            extra["role"] = Membership.Role(member["role"])
        Membership.objects.create(
            council=council,
            name=member["name"],
            nominated_by=member["nominated_by"],
            **extra,
            **term,
        )
    return council


def _compensation_model(region: Organisation, spec: dict[str, Any]) -> None:
    CompensationModel.objects.create(
        organisation=region,
        fee_basis=CompensationModel.FeeBasis(spec["fee_basis"]),
        fee=spec["fee"],
        lost_earnings_cap_per_half_day=spec["lost_earnings_cap_per_half_day"],
        travel_basis=CompensationModel.TravelBasis(spec["travel_basis"]),
        travel_per_km=spec["travel_per_km"],
    )


def _council_meeting(
    region: Organisation, pensioners: Council, today: date, spec: dict[str, Any]
) -> None:
    start = timezone.make_aware(
        datetime.combine(today + timedelta(days=spec["in_days"]), time(spec["starts_hour"]))
    )
    Meeting.objects.create(
        organisation=region,
        council=pensioners,
        kind=Meeting.Kind.COUNCIL,
        title=spec["title"],
        starts_at=start,
        ends_at=start + timedelta(hours=spec["hours"]),
        mode=Meeting.Mode(spec["mode"]),
        location=spec["location"],
        remote_link=spec["remote_link"],
        accessibility_info=spec["accessibility_info"],
    )


def _referral_module(official: User, deadline: date, spec: dict[str, Any]) -> ProcessModule:
    """The referral as part of a process, answerable until its deadline."""
    from delaktig.participation import services as participation_services
    from delaktig.participation.models import Process

    process = Process.objects.get(slug=spec["process"])
    module = participation_services.module_add(
        actor=official,
        process=process,
        kind="referral",
        title=spec["title"],
        description=spec["description"],
    )
    Phase.objects.create(
        process=process,
        module=module,
        phase_type="referral",
        name=spec["phase_name"],
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.make_aware(datetime.combine(deadline + timedelta(days=1), time(0))),
    )
    return module


def _referral(
    region: Organisation,
    official: User,
    councils: list[Council],
    today: date,
    spec: dict[str, Any],
) -> Referral:
    deadline = today + timedelta(days=spec["days"])
    referral = services.referral_create(
        actor=official,
        organisation=region,
        title=spec["title"],
        question=spec["question"],
        body=spec["body"],
        deadline=deadline,
        councils=councils,
        module=_referral_module(official, deadline, spec["module"]),
    )
    _translate(official, referral, spec)
    return referral


def _answers(
    referral: Referral, council: Council, residents: list[User], specs: list[dict[str, Any]]
) -> None:
    for spec in specs:
        services.referral_answer(
            actor=residents[spec["author"]],
            referral=referral,
            council=council,
            kind=ReferralResponse.Kind(spec["kind"]),
            text=spec["text"],
        )
