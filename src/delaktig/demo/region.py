"""The demo region: Region Jämtland Härjedalen with its eight municipalities.

Processes on all five steps of the ladder, drawn from what Swedish regions wrote in their
democracy plans. Everything is created through the same services the staff pages use.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from delaktig.accounts.models import DemographicProfile, Role, User
from delaktig.core import contributions
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

MUNICIPALITIES = [
    ("2303", "Ragunda"),
    ("2305", "Bräcke"),
    ("2309", "Krokom"),
    ("2313", "Strömsund"),
    ("2321", "Åre"),
    ("2326", "Berg"),
    ("2361", "Härjedalen"),
    ("2380", "Östersund"),
]


@dataclass
class DemoLogin:
    role: str
    email: str


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


def _residents(municipalities: list[Municipality], count: int) -> list[User]:
    rng = random.Random(2026)
    first = [
        "Anna",
        "Erik",
        "Sara",
        "Johan",
        "Maja",
        "Ali",
        "Elin",
        "Nils",
        "Aino",
        "Lars",
        "Fatima",
        "Per",
        "Sofia",
        "Mats",
        "Inga",
        "Oskar",
        "Leila",
        "Karin",
        "Ante",
        "Ida",
    ]
    people = []
    for index in range(count):
        name = f"{first[index % len(first)]} {chr(65 + index % 26)}."
        user = _user(f"invanare{index + 1}@demo.delaktig.se", name)
        if index % 5 != 4:  # most, not all, share their demographics
            DemographicProfile.objects.create(
                user=user,
                consent_given_at=timezone.now(),
                birth_year=rng.choice([1948, 1955, 1962, 1971, 1980, 1989, 1996, 2003, 2008]),
                sex=rng.choice(["kvinna", "kvinna", "man", "man", "annat", "vill_inte_uppge"]),
                municipality=rng.choice(municipalities[:3] + [municipalities[-1]] * 3),
            )
        people.append(user)
    return people


PROCESSES: list[dict[str, Any]] = [
    {
        "slug": "ungas-inflytandemodell",
        "title": "Ungas inflytandemodell: hur ska unga påverka regionens beslut?",
        "summary": "Vi tar fram en modell för hur unga 13–25 år ska få inflytande över regionens "
        "beslut, tillsammans med ungdomsråden i länets kommuner.",
        "easy_read": "Vi vill att unga ska få bestämma mer. Berätta hur du vill vara med.",
        "step": 4,
        "status": "archived",
        "body_name": "Regionstyrelsen",
        "question": "Hur vill du som är ung vara med och påverka regionens beslut?",
        "purpose": "Ge unga verkligt inflytande enligt barnkonventionen och regionens "
        "demokratiplan, och få en modell som används i alla nämnder.",
        "input_use": "Ungdomsrådens och enskilda ungas förslag sammanställs och blir grunden för "
        "modellen. En arbetsgrupp med unga skriver det slutliga förslaget.",
        "decision_maker": "Regionstyrelsen",
        "targets": ["unga", "barn", "landsbygd"],
        "perspectives": ["barn_och_unga", "jamstalldhet"],
        "goals": [4, 10, 16],
        "sdg_targets": ["16.7", "10.2"],
        "days": -200,
        "feedback": {
            "heard": "Över 300 unga deltog. De ville ha **egna pengar att besluta om**, möten på "
            "skoltid och snabb återkoppling. Många på landsbygden ville delta digitalt.",
            "decided": "Regionstyrelsen beslutade att inrätta ett regionalt ungdomsråd med egen "
            "budget på 500 000 kronor per år och rätt att lämna förslag till nämnderna.",
            "reasons": "Förslaget från arbetsgruppen med unga följdes i allt utom åldersgränsen, "
            "som sattes till 13–25 år i stället för 12–25 för att följa skollagens "
            "stadieindelning.",
            "reference": "Regionstyrelsen 2026-03-12, § 45",
        },
    },
    {
        "slug": "ersattningsmodell-for-delaktighet",
        "title": "Modell för invånares delaktighet med ersättning",
        "summary": "Ska invånare som deltar i råd och dialoger få ersättning för tid och resor? "
        "Vi har samlat synpunkter på ett förslag till ersättningsmodell.",
        "easy_read": "Ska du få pengar för att vara med på möten med regionen? Vad tycker du?",
        "step": 4,
        "status": "closed",
        "body_name": "Regionstyrelsen",
        "question": "Vad behövs för att du ska kunna delta, och hur ska ersättningen se ut?",
        "purpose": "Sänka trösklarna för dem som sällan deltar: personer med låga inkomster, "
        "småbarnsföräldrar och personer som bor långt från Östersund.",
        "input_use": "Synpunkterna vägs in i förslaget till regionstyrelsen. Vi redovisar vilka "
        "förslag som togs med och varför andra inte gjorde det.",
        "decision_maker": "Regionstyrelsen",
        "targets": ["alla", "funktionsnedsattning", "landsbygd"],
        "perspectives": ["jamstalldhet", "tillganglighet"],
        "goals": [10, 16],
        "sdg_targets": ["16.7"],
        "days": -60,
        "decision_in": 40,
    },
    {
        "slug": "principer-for-medborgardialog",
        "title": "Principer för medborgardialog – frågor till pensionärsrådet och invånarna",
        "summary": "Regionens principer för medborgardialog ska ses över. Vi frågar "
        "pensionärsrådet och alla invånare vad som gör en dialog värd att delta i.",
        "easy_read": "Vi ska bli bättre på att prata med invånarna. Tipsa oss om hur.",
        "step": 2,
        "status": "open",
        "body_name": "Regionstyrelsen",
        "question": "Vad gör att du vill delta i en dialog med regionen, och vad får dig att avstå?",
        "purpose": "Uppdatera principerna så att dialoger planeras, genomförs och återkopplas på "
        "samma sätt i hela regionen.",
        "input_use": "Synpunkterna sammanställs per åldersgrupp och kommun och redovisas för "
        "pensionärsrådet och regionstyrelsen tillsammans med förslaget.",
        "decision_maker": "Regionfullmäktige",
        "targets": ["alla", "aldre"],
        "perspectives": ["tillganglighet"],
        "goals": [16],
        "sdg_targets": ["16.7", "16.10"],
        "days": -14,
        "decision_in": 120,
    },
    {
        "slug": "digital-dialog-om-jamlik-vard",
        "title": "Digital dialog om jämlik vård",
        "summary": "Får alla i länet samma vård oavsett var de bor, vilket kön de har eller "
        "vilket språk de talar? Berätta om dina erfarenheter och diskutera med "
        "hälso- och sjukvårdsnämndens ledamöter.",
        "easy_read": "Är vården lika bra för alla? Berätta vad du har varit med om.",
        "step": 3,
        "status": "open",
        "body_name": "Hälso- och sjukvårdsnämnden",
        "question": "Var i vården märker du att alla inte får samma möjligheter?",
        "purpose": "Ta fram underlag till nämndens handlingsplan för jämlik vård 2027–2030.",
        "input_use": "Ledamöterna läser och svarar i dialogen. Teman som återkommer tas upp i "
        "handlingsplanen, och vi redovisar vilka.",
        "decision_maker": "Hälso- och sjukvårdsnämnden",
        "targets": ["patienter", "minoriteter", "nyanlanda", "funktionsnedsattning"],
        "perspectives": ["jamstalldhet", "minoriteter", "tillganglighet"],
        "goals": [3, 5, 10],
        "sdg_targets": ["3.8", "10.3"],
        "days": -7,
        "decision_in": 90,
    },
    {
        "slug": "dialog-i-omraden-hardast-drabbade-av-pandemin",
        "title": "Medborgarbudget i områdena som drabbades hårdast av pandemin",
        "summary": "Invånarna i tre bostadsområden beslutade själva hur 2 miljoner kronor ska "
        "användas för hälsa och gemenskap efter covid-19.",
        "easy_read": "Invånarna fick bestämma vad pengarna skulle användas till.",
        "step": 5,
        "status": "feedback_published",
        "body_name": "Regionala utvecklingsnämnden",
        "question": "Vad ska 2 miljoner kronor användas till i ditt område?",
        "purpose": "Återbygga förtroende och hälsa i de områden där pandemin slog hårdast, med "
        "invånarna som beslutsfattare.",
        "input_use": "Förslagen med flest röster genomförs inom budgeten. Nämnden verkställer "
        "invånarnas beslut.",
        "decision_maker": "Invånarna i områdena; nämnden verkställer",
        "targets": ["lagt_deltagande", "nyanlanda", "unga"],
        "perspectives": ["barn_och_unga", "jamstalldhet"],
        "goals": [3, 11, 16],
        "sdg_targets": ["11.3", "16.7"],
        "days": -120,
        "feedback": {
            "heard": "1 140 invånare röstade. De tre mest önskade förslagen var en "
            "mötesplats för äldre, läxhjälp och kvällsöppen idrottshall.",
            "decided": "Alla tre förslagen genomförs under 2026. Den kvällsöppna idrottshallen "
            "öppnade i september.",
            "reasons": "Invånarnas omröstning var beslutande. Nämnden prövade bara att "
            "förslagen låg inom budget och regionens ansvar.",
            "reference": "Regionala utvecklingsnämnden 2026-05-20, § 18",
        },
    },
    {
        "slug": "samiska-pa-webben",
        "title": "Samiska på regionens webb – samråd med samiska företrädare",
        "summary": "Vilket innehåll ska finnas på sydsamiska och nordsamiska först? "
        "Samrådet inleds i december.",
        "easy_read": "Vi vill ha mer text på samiska. Vad ska vi börja med?",
        "step": 2,
        "status": "published",
        "body_name": "Regionstyrelsen",
        "question": "Vilken information behöver du mest på samiska?",
        "purpose": "Uppfylla regionens skyldigheter i förvaltningsområdet för samiska och ge "
        "samiska företrädare inflytande över prioriteringen.",
        "input_use": "Samrådet bestämmer i vilken ordning innehållet översätts.",
        "decision_maker": "Regiondirektören efter samråd",
        "targets": ["minoriteter"],
        "perspectives": ["minoriteter"],
        "goals": [10, 16],
        "sdg_targets": ["10.2"],
        "days": 10,
        "decision_in": 150,
        "language": "sv",
    },
    {
        "slug": "nya-oppettider-halsocentraler-harjedalen",
        "title": "Nya öppettider på hälsocentralerna i Härjedalen",
        "summary": "Från februari ändras öppettiderna på hälsocentralerna i Sveg och Funäsdalen. "
        "Här får du veta vad som ändras, varför och vem som beslutade.",
        "easy_read": "Hälsocentralerna i Sveg och Funäsdalen får nya tider i februari.",
        "step": 1,
        "status": "published",
        "body_name": "Hälso- och sjukvårdsnämnden",
        "question": "",
        "purpose": "Informera om beslutade förändringar i god tid.",
        "input_use": "Det här är information om ett fattat beslut. Frågor besvaras av "
        "hälsocentralerna.",
        "decision_maker": "Hälso- och sjukvårdsnämnden",
        "targets": ["alla", "aldre", "landsbygd"],
        "perspectives": ["tillganglighet"],
        "goals": [3],
        "sdg_targets": ["3.8"],
        "days": -3,
        "decision_in": None,
    },
    {
        "slug": "kollektivtrafik-pa-landsbygden",
        "title": "Kollektivtrafik på landsbygden (utkast)",
        "summary": "Ett utkast som ännu inte är publicerat.",
        "step": 3,
        "status": "draft",
        "body_name": "Regionala utvecklingsnämnden",
        "question": "Hur reser du till jobb och skola?",
        "purpose": "Underlag till trafikförsörjningsprogrammet.",
        "input_use": "Sammanställs till nämnden.",
        "decision_maker": "Regionala utvecklingsnämnden",
        "targets": ["landsbygd"],
        "perspectives": ["miljo"],
        "goals": [11, 13],
        "sdg_targets": ["11.2"],
        "days": 30,
        "decision_in": 200,
    },
]

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


def _process(
    spec: dict[str, Any], region: Organisation, official: User, residents: list[User]
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
        body=(
            "## Bakgrund\n\nRegionens demokratiplan lovar dialog på alla steg i "
            "delaktighetstrappan och återkoppling till alla som deltar.\n\n"
            "## Så går det till\n\n1. Läs underlaget.\n2. Delta i diskussionen.\n"
            "3. Följ processen för att få återkopplingen med e-post."
        ),
        language=spec.get("language", "sv"),
        ladder_step=spec["step"],
        question=spec["question"],
        purpose=spec["purpose"],
        input_use=spec["input_use"],
        decision_maker=spec["decision_maker"],
        target_group_analysis="Unga, personer med funktionsnedsättning och boende långt från "
        "Östersund brukar höras mindre. Vi samarbetar med föreningar och "
        "erbjuder både digitala och fysiska sätt att delta.",
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
        module = services.module_add(
            actor=official,
            process=process,
            kind="discussion",
            title="Diskussion",
            description="Skriv dina synpunkter och svara andra.",
        )
        past = spec["status"] in {"closed", "feedback_published", "archived"}
        phase_start = start if not past else now + timedelta(days=spec["days"])
        phase_end = (now - timedelta(days=5)) if past else max(now, start) + timedelta(days=30)
        services.phase_create(
            actor=official,
            process=process,
            module=module,
            phase_type="discussion",
            name="Dialog",
            description="Diskussionen är öppen.",
            starts_at=phase_start,
            ends_at=phase_end,
        )
        if spec["status"] != "draft" and spec["days"] <= 0:
            process.published_at = start
            registry.get("discussion").demo_data(module, residents)  # type: ignore[misc]
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


@transaction.atomic
def load_demo_region() -> list[DemoLogin]:
    municipalities = [Municipality.objects.create(code=c, name=n) for c, n in MUNICIPALITIES]
    region = Organisation.objects.create(
        name="Region Jämtland Härjedalen",
        slug="region-jamtland-harjedalen",
        kind=Organisation.Kind.REGION,
        scb_code="23",
    )
    region.municipalities.set(municipalities)
    ostersund = Organisation.objects.create(
        name="Östersunds kommun",
        slug="ostersunds-kommun",
        kind=Organisation.Kind.MUNICIPALITY,
        scb_code="2380",
    )
    ostersund.municipalities.set([municipalities[-1]])
    for org, bodies in (
        (
            region,
            [
                ("Regionfullmäktige", "assembly"),
                ("Regionstyrelsen", "executive"),
                ("Hälso- och sjukvårdsnämnden", "committee"),
                ("Regionala utvecklingsnämnden", "committee"),
            ],
        ),
        (ostersund, [("Kommunfullmäktige", "assembly"), ("Kommunstyrelsen", "executive")]),
    ):
        for name, kind in bodies:
            Body.objects.create(organisation=org, name=name, kind=kind)
    OrganisationSettings.objects.create(
        organisation=region,
        enabled_modules=["discussion", "meeting", "referral", "survey", "opinionmap"],
        contact_email="demokrati@demo.delaktig.se",
        content_languages=["sv", "en", "sma", "se", "fi"],
    )
    OrganisationSettings.objects.create(organisation=ostersund)
    AccessibilityStatement.objects.create(
        organisation=region,
        service_name="Delaktig – Region Jämtland Härjedalen",
        compliance=AccessibilityStatement.Compliance.PARTIAL,
        non_accessible_content=(
            "- Innehåll på nationella minoritetsspråk finns ännu bara för en del av sidorna.\n"
            "- Äldre bifogade PDF-filer är inte alltid tillgänglighetsanpassade. Be oss om en "
            "tillgänglig version."
        ),
        assessment_method="Egen granskning: automatiska tester med axe-core på alla sidtyper i "
        "varje version, och manuella tester med tangentbord och skärmläsare.",
        assessed_on=date(2026, 11, 1),
        feedback_email="tillganglighet@demo.delaktig.se",
        feedback_phone="063-14 75 00",
    )

    admin = _user("admin@demo.delaktig.se", "Administratör", superuser=True)
    Role.objects.create(user=admin, kind=Role.Kind.ADMINISTRATOR)
    official = _user("tjansteperson@demo.delaktig.se", "Demokratiutvecklare Region JH")
    Role.objects.create(user=official, kind=Role.Kind.OFFICIAL, organisation=region)
    moderator = _user("moderator@demo.delaktig.se", "Moderator Region JH")
    Role.objects.create(user=moderator, kind=Role.Kind.MODERATOR, organisation=region)
    municipal = _user("kommun@demo.delaktig.se", "Tjänsteperson Östersund")
    Role.objects.create(user=municipal, kind=Role.Kind.OFFICIAL, organisation=ostersund)
    resident = _user("invanare@demo.delaktig.se", "Kim i Krokom")
    DemographicProfile.objects.create(
        user=resident,
        consent_given_at=timezone.now(),
        birth_year=1990,
        sex="annat",
        municipality=municipalities[2],
    )
    residents = [resident, *_residents(municipalities, 40)]

    for spec in PROCESSES:
        _process(spec, region, official, residents)
    # Each app adds its own demo content, declared in the platform registry.
    context = contributions.DemoContext(region=region, official=official, residents=residents)
    for _app, demo in contributions.demo_loaders():
        demo.load(context)

    return [
        DemoLogin("administratör", admin.email),
        DemoLogin("tjänsteperson (regionen)", official.email),
        DemoLogin("tjänsteperson (Östersunds kommun)", municipal.email),
        DemoLogin("moderator", moderator.email),
        DemoLogin("invånare", resident.email),
    ]
