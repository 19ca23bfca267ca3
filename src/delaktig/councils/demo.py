"""Demo councils: the pensioners' council and the Sami consultation, with a referral."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from delaktig.accounts.types import User
from delaktig.meetings.models import Meeting
from delaktig.organisations.models import Organisation
from delaktig.participation.models import Phase, ProcessModule

from . import services
from .models import CompensationModel, Council, Membership, Referral, ReferralResponse


def load(region: Organisation, official: User, residents: list[User]) -> None:
    today = timezone.localdate()
    term = {"term_start": date(today.year - 1, 1, 1), "term_end": date(today.year + 2, 12, 31)}
    pensioners = _pensioners_council(region, official, residents, term)
    _compensation_model(region)
    sami = _sami_council(region, official, residents, term)
    _council_meeting(region, pensioners, today)
    referral = _referral(region, official, [pensioners, sami], today)
    _answers(referral, pensioners, residents)


def _pensioners_council(
    region: Organisation, official: User, residents: list[User], term: dict[str, Any]
) -> Council:
    pensioners = Council.objects.create(
        organisation=region,
        kind=Council.Kind.PENSIONERS,
        name="Regionala pensionärsrådet",
        slug="pensionarsradet",
        secretary=official,
        mandate="Rådet är ett organ för samråd mellan regionen och pensionärsorganisationerna. "
        "Rådet yttrar sig över frågor som rör äldres hälsa, vård och kollektivtrafik.",
    )
    Membership.objects.create(
        council=pensioners,
        user=residents[9],
        name="Inga L.",
        nominated_by="PRO Jämtlands län",
        role=Membership.Role.CHAIR,
        **term,
    )
    Membership.objects.create(
        council=pensioners,
        user=residents[10],
        name="Lars O.",
        nominated_by="SPF Seniorerna",
        **term,
    )
    Membership.objects.create(
        council=pensioners, name="Aino K.", nominated_by="SKPF Pensionärerna", **term
    )
    return pensioners


def _compensation_model(region: Organisation) -> None:
    CompensationModel.objects.create(
        organisation=region,
        fee_basis=CompensationModel.FeeBasis.HALF_DAY,
        fee=600,
        lost_earnings_cap_per_half_day=900,
        travel_basis=CompensationModel.TravelBasis.DISTANCE,
        travel_per_km=2.5,
    )


def _sami_council(
    region: Organisation, official: User, residents: list[User], term: dict[str, Any]
) -> Council:
    sami = Council.objects.create(
        organisation=region,
        kind=Council.Kind.SAMI,
        name="Samiska samrådet",
        slug="samiska-samradet",
        secretary=official,
        mandate="Samråd med samiska företrädare i frågor som rör samer, enligt lagen "
        "(2009:724) om nationella minoriteter och minoritetsspråk.",
    )
    Membership.objects.create(
        council=sami,
        user=residents[11],
        name="Ante S.",
        nominated_by="Gaaltije",
        role=Membership.Role.CHAIR,
        **term,
    )
    return sami


def _council_meeting(region: Organisation, pensioners: Council, today: date) -> None:
    start = timezone.make_aware(datetime.combine(today + timedelta(days=14), time(13)))
    Meeting.objects.create(
        organisation=region,
        council=pensioners,
        kind=Meeting.Kind.COUNCIL,
        title="Pensionärsrådets möte",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        mode=Meeting.Mode.HYBRID,
        location="Regionens hus, Östersund",
        remote_link="https://mote.demo.delaktig.se/pensionarsradet",
        accessibility_info="Hörslinga. Hiss till våning 2.",
    )


def _referral_module(official: User, deadline: date) -> ProcessModule:
    """The referral as part of the dialogue on principles, answerable until its deadline."""
    from delaktig.participation import services as participation_services
    from delaktig.participation.models import Process

    process = Process.objects.get(slug="principer-for-medborgardialog")
    module = participation_services.module_add(
        actor=official,
        process=process,
        kind="referral",
        title="Remiss till råden",
        description="Pensionärsrådet och Samiska samrådet tillfrågas om principerna.",
    )
    Phase.objects.create(
        process=process,
        module=module,
        phase_type="referral",
        name="Remisstid",
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.make_aware(datetime.combine(deadline + timedelta(days=1), time(0))),
    )
    return module


def _referral(
    region: Organisation, official: User, councils: list[Council], today: date
) -> Referral:
    deadline = today + timedelta(days=21)
    return services.referral_create(
        actor=official,
        organisation=region,
        title="Principer för medborgardialog",
        question="Vad behöver äldre för att kunna delta i regionens dialoger?",
        body="Regionen ser över sina principer för medborgardialog. Vi vill höra rådets syn "
        "innan förslaget går till regionstyrelsen.",
        deadline=deadline,
        councils=councils,
        module=_referral_module(official, deadline),
    )


def _answers(referral: Referral, pensioners: Council, residents: list[User]) -> None:
    services.referral_answer(
        actor=residents[9],
        referral=referral,
        council=pensioners,
        kind=ReferralResponse.Kind.JOINT,
        text="Erbjud alltid ett sätt att delta utan dator, och ersätt resor för dem som bor "
        "långt från Östersund.",
    )
    services.referral_answer(
        actor=residents[10],
        referral=referral,
        council=pensioners,
        kind=ReferralResponse.Kind.INDIVIDUAL,
        text="Skicka material i god tid, gärna på papper.",
    )
