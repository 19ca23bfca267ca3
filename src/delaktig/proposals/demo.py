"""Demo proposals for the demo region: every stage of the case, deadlines near and past."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from delaktig.identity.models import Verification
from delaktig.identity.personnummer import luhn_check_digit
from delaktig.identity.services import hash_identity_number
from delaktig.organisations.models import Body

from . import services
from .models import Category, IntakeRule, Proposal, ProposalEvent, ProposalSettings
from .workflow import Outcome

INTAKE_RULES = [
    (
        "Utanför regionens ansvar",
        "Förslaget gäller något som regionen inte beslutar om, till "
        "exempel skolor eller vägar som kommunen eller staten ansvarar för.",
    ),
    (
        "Gäller ett enskilt ärende",
        "Förslag om myndighetsutövning mot en enskild person prövas inte som medborgarförslag.",
    ),
    (
        "Samma fråga avgjord nyligen",
        "Fullmäktige har tagit ställning i samma fråga de senaste 24 månaderna.",
    ),
]

RULES_TEXT = """Alla som är folkbokförda i länet får lämna medborgarförslag, även barn.

- Förslaget ska gälla något som regionen ansvarar för.
- Det får inte gälla ett enskilt ärende.
- Ett förslag publiceras för stöd i 90 dagar. Med 50 stöd går det vidare till fullmäktige.
- Förslag om nationella minoriteter och samiska frågor går vidare direkt, utan stödinsamling.
"""


def _verify(user: Any, municipality: Any, seq: int) -> None:
    nine = f"9{seq % 10}0{(seq % 9) + 1}{(seq % 27) + 1:02d}{seq % 1000:03d}"
    Verification.objects.get_or_create(
        user=user,
        defaults={
            "method": "official",
            "municipality": municipality,
            "identity_hash": hash_identity_number(f"{nine}{luhn_check_digit(nine)}"),
            "verified_at": timezone.now(),
        },
    )


def load(region: Any, official: Any, residents: list[Any]) -> None:
    ProposalSettings.objects.create(
        organisation=region,
        enabled=True,
        support_phase=True,
        threshold_value=Decimal(50),
        support_period_days=90,
        intake_rules=RULES_TEXT,
        report_months=[4, 10],
        case_number_format="RS/{seq}/{year}",
    )
    for title, text in INTAKE_RULES:
        IntakeRule.objects.create(organisation=region, title=title, explanation=text)
    minorities = Category.objects.create(
        organisation=region, name="Nationella minoriteter", skips_support=True
    )
    Category.objects.create(organisation=region, name="Kollektivtrafik")
    Category.objects.create(organisation=region, name="Hälso- och sjukvård")
    municipalities = list(region.municipalities.all())
    for index, person in enumerate(residents):
        _verify(person, municipalities[index % len(municipalities)], index + 1)
    assembly = Body.objects.get(organisation=region, kind="assembly")
    committee = Body.objects.get(organisation=region, name="Hälso- och sjukvårdsnämnden")
    today = timezone.localdate()

    def make(author: Any, title: str, body: str, category: Any = None) -> Proposal:
        draft = services.proposal_save_draft(
            actor=author,
            organisation=region,
            title=title,
            body=body,
            background="Jag har tänkt på det här länge och pratat med grannar.",
            author_name=author.display_name or "Invånare",
            category=category,
            municipality=municipalities[0],
        )
        return services.proposal_submit(actor=author, proposal=draft)

    # Collecting supports, some already supported.
    collecting = services.proposal_publish(
        actor=official,
        proposal=make(
            residents[1],
            "Gratis buss för pensionärer mellan 9 och 15",
            "Inför fria resor med länstrafiken för alla över 65 år under dagtid.",
        ),
    )
    for person in residents[2:14]:
        services.support_add(actor=person, proposal=collecting)
    services.proposal_publish(
        actor=official,
        proposal=make(
            residents[3],
            "Vattenpåfyllning vid alla vårdcentraler",
            "Sätt upp kranar för vattenflaskor i väntrummen.",
        ),
    )
    # Waiting for intake.
    make(
        residents[4],
        "Längre öppettider på Östersunds sjukhus apotek",
        "Apoteket borde vara öppet till 21 på vardagar.",
    )
    # Minority proposal skips supports and waits for registration.
    services.proposal_publish(
        actor=official,
        proposal=make(
            residents[5],
            "Skyltar på sydsamiska vid sjukhusets entréer",
            "Entréskyltarna bör också vara på sydsamiska.",
            category=minorities,
        ),
    )

    def case(author: Any, title: str, registered_ago: int) -> Proposal:
        proposal = services.proposal_publish(
            actor=official, proposal=make(author, title, "Se bakgrunden.", category=minorities)
        )
        return services.proposal_register(
            actor=official, proposal=proposal, registered_on=today - timedelta(days=registered_ago)
        )

    soon = case(residents[6], "Tolk på samiska vid vårdbesök", 335)
    soon = services.proposal_refer(actor=official, proposal=soon, body=committee, official=official)
    overdue = case(residents[7], "Samiska namn på vårdcentralerna", 396)
    overdue = services.proposal_refer(
        actor=official, proposal=overdue, body=committee, official=official
    )
    services.proposal_set_unfinished_reason(
        actor=official,
        proposal=overdue,
        reason="Beredningen väntar på samrådet med Samiska rådet i december.",
    )
    decided = case(residents[8], "Meänkieli i 1177:s telefonkö", 200)
    decided = services.proposal_refer(
        actor=official, proposal=decided, body=committee, official=official
    )
    decided = services.proposal_propose_decision(
        actor=official, proposal=decided, text="Nämnden föreslår att förslaget anses besvarat."
    )
    services.proposal_decide(
        actor=official,
        proposal=decided,
        outcome=Outcome.ANSWERED,
        decided_on=today - timedelta(days=20),
        decided_by=assembly,
        minutes_reference="Regionfullmäktige, protokoll § 112",
        answer="Regionen erbjuder redan tolk via telefon på meänkieli. Vi informerar om det "
        "tydligare på webben och i 1177:s telefonkö från och med januari.",
    )
    # Spread the timeline realistically: events happened when the case did.
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
                Proposal.objects.filter(pk=proposal.pk).update(submitted_at=moment)
            if event.to_status in {"collecting", "lodged"} and proposal.support_ends_at is None:
                Proposal.objects.filter(pk=proposal.pk).update(published_at=moment)
