"""Demo proposals for the demo region: every stage of the case, deadlines near and past.

The content is in ``demo_data.toml`` next to this module."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from delaktig.core.contributions import demo_content
from delaktig.identity.models import Verification
from delaktig.identity.personnummer import luhn_check_digit
from delaktig.identity.services import identity_of
from delaktig.organisations.models import Body

from . import services
from .models import Category, IntakeRule, Proposal, ProposalEvent, ProposalSettings
from .workflow import Outcome


def _content() -> dict[str, Any]:
    return demo_content(__file__)


def _verify(user: Any, municipality: Any, seq: int) -> None:
    nine = f"9{seq % 10}0{(seq % 9) + 1}{(seq % 27) + 1:02d}{seq % 1000:03d}"
    digest, birth_date = identity_of(f"{nine}{luhn_check_digit(nine)}")
    Verification.objects.get_or_create(
        user=user,
        defaults={
            "method": "official",
            "municipality": municipality,
            "identity_hash": digest,
            "birth_date": birth_date,
            "verified_at": timezone.now(),
        },
    )


def load(region: Any, official: Any, residents: list[Any]) -> None:
    content = _content()
    settings = dict(content["settings"])
    settings["threshold_value"] = Decimal(settings["threshold_value"])
    ProposalSettings.objects.create(organisation=region, **settings)
    for rule in content["intake_rules"]:
        IntakeRule.objects.create(
            organisation=region, title=rule["title"], explanation=rule["explanation"]
        )
    categories = {
        spec["name"]: Category.objects.create(organisation=region, **spec)
        for spec in content["categories"]
    }
    municipalities = list(region.municipalities.all())
    for index, person in enumerate(residents):
        _verify(person, municipalities[index % len(municipalities)], index + 1)
    for spec in content["proposals"]:
        author = residents[spec["author"]]
        draft = services.proposal_save_draft(
            actor=author,
            organisation=region,
            title=spec["title"],
            body=spec["body"],
            background=content["background"],
            author_name=author.display_name or content["author_name"],
            category=categories[spec["category"]] if "category" in spec else None,
            municipality=municipalities[0],
            personal_data_ok=spec.get("personal_data_ok", False),
            # The demo's residents have read the region's samtalsregler.
            accept_rules=True,
        )
        proposal = services.proposal_submit(actor=author, proposal=draft)
        _handle(proposal, spec, region, official, residents)
    _spread_timeline(region)
    for spec in content.get("drafts", []):
        author = residents[spec["author"]]
        services.proposal_save_draft(
            actor=author,
            organisation=region,
            title=spec["title"],
            body=spec["body"],
            author_name=author.display_name or content["author_name"],
            municipality=municipalities[0],
            accept_rules=True,
        )


def _handle(
    proposal: Proposal, spec: dict[str, Any], region: Any, official: Any, residents: list[Any]
) -> None:
    """Take the submitted proposal as far as ``spec`` says: published, supported,
    registered, referred, given a reason why it is not finished, and decided."""
    today = timezone.localdate()
    if spec.get("published"):
        proposal = services.proposal_publish(actor=official, proposal=proposal)
    if "supporters" in spec:
        start, stop = spec["supporters"]
        for person in residents[start:stop]:
            services.support_add(actor=person, proposal=proposal)
    if "registered_days_ago" in spec:
        registered_on = today - timedelta(days=spec["registered_days_ago"])
        # Diarieföring follows the submission: the proposal came in two weeks before.
        Proposal.objects.filter(pk=proposal.pk).update(submitted_at=_at(registered_on, -14))
        proposal = services.proposal_register(
            actor=official, proposal=proposal, registered_on=registered_on
        )
    if "referred_to" in spec:
        proposal = services.proposal_refer(
            actor=official,
            proposal=proposal,
            body=Body.objects.get(organisation=region, name=spec["referred_to"]),
            official=official,
        )
    if "unfinished_reason" in spec:
        services.proposal_set_unfinished_reason(
            actor=official, proposal=proposal, reason=spec["unfinished_reason"]
        )
    if "decision" in spec:
        decision = spec["decision"]
        proposal = services.proposal_propose_decision(
            actor=official, proposal=proposal, text=decision["proposed"]
        )
        services.proposal_decide(
            actor=official,
            proposal=proposal,
            outcome=Outcome(decision["outcome"]),
            decided_on=today - timedelta(days=decision["decided_days_ago"]),
            decided_by=Body.objects.get(organisation=region, name=decision["decided_by"]),
            minutes_reference=decision["minutes_reference"],
            answer=decision["answer"],
        )


def _at(day: date, days: int = 0) -> datetime:
    """Ten in the morning, local time, ``days`` after ``day``."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=days), time(10)))


def _spread_timeline(region: Any) -> None:
    """Spread the timeline realistically: events happened when the case did."""
    today = timezone.localdate()
    for proposal in Proposal.objects.filter(organisation=region):
        for event in ProposalEvent.objects.filter(proposal=proposal):
            when = proposal.registered_on or today
            if event.to_status in {"submitted", "lodged", "collecting"}:
                when = when - timedelta(days=14)
            if event.to_status in {"referred", "decision_proposed"}:
                when = when + timedelta(days=10)
            if event.to_status == "decided" and proposal.decided_on:
                when = proposal.decided_on
            moment = timezone.make_aware(datetime.combine(min(when, today), time(10)))
            ProposalEvent.objects.filter(pk=event.pk).update(created=moment)
            if event.to_status == "submitted":
                Proposal.objects.filter(pk=proposal.pk).update(
                    created=moment - timedelta(hours=1), submitted_at=moment
                )
            if event.to_status in {"collecting", "lodged"} and proposal.support_ends_at is None:
                Proposal.objects.filter(pk=proposal.pk).update(published_at=moment)
