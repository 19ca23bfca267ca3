"""Demo councils: the pensioners' council and the Sami consultation, with a referral."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from delaktig.meetings.models import Meeting

from . import services
from .models import CompensationModel, Council, Membership


def load(region: Any, official: Any, residents: list[Any]) -> None:
    today = timezone.localdate()
    term = {"term_start": date(today.year - 1, 1, 1), "term_end": date(today.year + 2, 12, 31)}
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
        role="ordforande",
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
    CompensationModel.objects.create(
        organisation=region,
        fee_basis="half_day",
        fee=600,
        lost_earnings_cap_per_half_day=900,
        travel_basis="distance",
        travel_per_km=2.5,
    )
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
        role="ordforande",
        **term,
    )
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
    referral = services.referral_create(
        actor=official,
        organisation=region,
        title="Principer för medborgardialog",
        question="Vad behöver äldre för att kunna delta i regionens dialoger?",
        body="Regionen ser över sina principer för medborgardialog. Vi vill höra rådets syn "
        "innan förslaget går till regionstyrelsen.",
        deadline=today + timedelta(days=21),
        councils=[pensioners, sami],
        module=module,
    )
    services.referral_respond(
        author=residents[9],
        referral=referral,
        council=pensioners,
        kind="joint",
        text="Erbjud alltid ett sätt att delta utan dator, och ersätt resor för dem som bor "
        "långt från Östersund.",
    )
    services.referral_respond(
        author=residents[10],
        referral=referral,
        council=pensioners,
        kind="individual",
        text="Skicka material i god tid, gärna på papper.",
    )
