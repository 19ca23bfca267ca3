"""Demo follow-up: the region's democracy strategy with its action plan 2023–2025, the county's
gender-equality strategy with joined actors, a democracy network and indicator series.

The contents follow what Region Jämtland Härjedalen wrote in its democracy plan (the six focus
areas, the channels it has and the ones it wants), in our own words. Names of people and
associations are invented, and every indicator value is made up and labelled so in its source.
Everything is written through the services the staff pages use, with the demo official as actor.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from delaktig.organisations.models import Body, Municipality, Organisation
from delaktig.participation.models import Perspective, Process, SdgTarget

from . import actor_services, services
from .models import (
    ActionPlan,
    ActorActivity,
    GenderEqualityGoal,
    Goal,
    Indicator,
    Sex,
    Strategy,
)
from .status import ActivityStatus

# Every indicator's source says this, so that nobody takes the numbers for real statistics.
DEMO_SOURCE = "Påhittade demosiffror – inte verklig statistik"

DEMOCRACY_SLUG = "demokratistrategi"
PLAN_SLUG = "handlingsplan-2023-2025"
GENDER_SLUG = "jamstalldhetsstrategi-2024-2027"
NETWORK_SLUG = "demokratinatverket"

DEMOCRACY_BODY = """\
Demokratistrategin beskriver hur regionen ska arbeta för att fler invånare ska vara med och \
påverka, och för att de som deltar ska få veta vad som hände med det de sa.

## Utgångspunkter

- Regionen har redan flera kanaler: medborgarförslag, allmänhetens frågestund, brukarråd, \
Tillgänglighetsrådet, Pensionärsrådet och Samiska samrådet. Fullmäktiges möten är öppna och \
webbsänds och handlingarna är offentliga.
- Invånarna har efterfrågat digitala sätt att delta, en modell för ungas inflytande, ersättning \
för den som deltar och begriplig information om hur regionen styrs.
- Samer är ett urfolk och regionen ingår i förvaltningsområdet för samiska. Samråd ska ske \
tidigt i frågor som berör samer och de nationella minoriteterna.

## Perspektiv

Alla insatser prövas mot barnrätts-, jämställdhets- och tillgänglighetsperspektivet och mot \
urfolkets och de nationella minoriteternas rättigheter.

## Uppföljning

Strategin genomförs med handlingsplaner som följs upp varje år i regionens årsredovisning. \
Strategin revideras en gång per mandatperiod.
"""

# (number, title, description, Agenda 2030 targets, gender-equality sub-goals)
DEMOCRACY_GOALS: list[tuple[str, str, str, list[str], list[int]]] = [
    (
        "1",
        "Ökat förtroende för regionens demokrati",
        "Invånarna har förtroende för hur regionen fattar beslut och förstår hur de kan följa "
        "och granska arbetet.",
        ["16.6", "16.10"],
        [],
    ),
    (
        "2",
        "Fler röster hörs i regionens beslut",
        "Grupper som sällan hörs – unga, äldre, personer med funktionsnedsättning, nyanlända och "
        "den som bor långt från Östersund – deltar i dialoger och påverkar besluten.",
        ["16.7", "10.2", "5.5"],
        [1],
    ),
    (
        "3",
        "Invånarna får återkoppling",
        "Den som har deltagit i en dialog, lämnat ett medborgarförslag eller ställt en fråga får "
        "veta vad som beslutades och varför.",
        ["16.7", "16.6"],
        [],
    ),
    (
        "4",
        "Ett tryggt och respektfullt demokratiskt samtal",
        "Förtroendevalda, medarbetare och invånare kan delta i det offentliga samtalet utan att "
        "utsättas för hot, hat eller trakasserier.",
        ["16.10", "4.7"],
        [1],
    ),
    (
        "5",
        "Samiskt inflytande och nationella minoriteters rättigheter",
        "Samer och de nationella minoriteterna har inflytande i frågor som berör dem och får "
        "information på sina språk.",
        ["10.2", "16.7"],
        [],
    ),
]

# Progress history of an activity: (date, status, progress, text, reason).
Note = tuple[str, str, int | None, str, str]
ONGOING = ActivityStatus.ONGOING.value
DONE = ActivityStatus.DONE.value
POSTPONED = ActivityStatus.POSTPONED.value
CANCELLED = ActivityStatus.CANCELLED.value

DEMOKRATI = "Regionkansliet, demokratienheten"
HSF = "Hälso- och sjukvårdsförvaltningen"
KOMM = "Kommunikationsavdelningen"
KULTUR = "Kulturenheten"
HR = "HR-avdelningen"
SAKERHET = "Regionkansliet, säkerhetsenheten"
RU = "Regional utveckling"

AREAS: list[dict[str, Any]] = [
    {
        "title": "God och nära vård",
        "description": "Patienter, brukare och närstående ska vara med och forma vården, "
        "särskilt när vården flyttar närmare hemmet.",
        "goals": ["2", "3"],
        "activities": [
            {
                "title": "Patient- och brukarråd i den nära vården",
                "description": "Varje hälso- och sjukvårdsområde får ett patient- och brukarråd "
                "där patienter och närstående möter verksamhetens ledning fyra gånger om året. "
                "Råden yttrar sig över förändringar innan de beslutas och får skriftlig "
                "återkoppling.",
                "unit": HSF,
                "contact": ("Jonas Hedlund", "jonas.hedlund@demo.delaktig.se"),
                "years": (2023, 2025),
                "goals": ["2", "3"],
                "targets": ["16.7"],
                "perspectives": ["tillganglighet", "jamstalldhet"],
                "gender": [],
                "notes": [
                    (
                        "2023-09-14",
                        ONGOING,
                        20,
                        "Råd har startat i Östersund och Härjedalen. Rekryteringen i Strömsund "
                        "och Ragunda pågår genom patientföreningarna.",
                        "",
                    ),
                    (
                        "2024-10-03",
                        ONGOING,
                        45,
                        "Fem av åtta områden har ett råd. Ledamöterna har önskat att få "
                        "underlagen två veckor före mötet, vilket nu är rutin.",
                        "",
                    ),
                    (
                        "2025-11-20",
                        ONGOING,
                        65,
                        "Sex råd är i gång. I två områden har det varit svårt att hitta "
                        "deltagare; där prövas digitala möten under 2026.",
                        "",
                    ),
                ],
            },
            {
                "title": "Dialog om jämlik vård inför nästa handlingsplan",
                "description": "Hälso- och sjukvårdsnämnden för en digital dialog med invånarna "
                "om var vården inte är lika för alla. Det som kommer fram blir underlag till "
                "handlingsplanen för jämlik vård.",
                "unit": HSF,
                "contact": ("Jonas Hedlund", "jonas.hedlund@demo.delaktig.se"),
                "years": (2025, 2025),
                "goals": ["2"],
                "targets": ["10.2", "16.7"],
                "perspectives": ["jamstalldhet", "minoriteter", "tillganglighet"],
                "gender": [1],
                "processes": ["digital-dialog-om-jamlik-vard"],
                "notes": [
                    (
                        "2025-03-11",
                        ONGOING,
                        15,
                        "Nämnden har beslutat om dialogens frågor och målgrupper. Vi samarbetar "
                        "med tolkservice och två föreningar för nyanlända.",
                        "",
                    ),
                    (
                        "2025-10-28",
                        ONGOING,
                        40,
                        "Dialogen är förberedd och ledamöterna har fått stöd i att svara "
                        "digitalt. Den öppnar för invånarna i november.",
                        "",
                    ),
                ],
            },
            {
                "title": "Pensionärsrådet och Tillgänglighetsrådet med tidigt i vårdens "
                "förändringar",
                "description": "Förändringar av öppettider, lokaler och e-tjänster i vården tas "
                "upp i Pensionärsrådet och Tillgänglighetsrådet innan beslut. Förvaltningen "
                "redovisar i beslutsunderlaget vad råden sa.",
                "unit": HSF,
                "contact": None,
                "years": (2023, 2024),
                "goals": ["2", "3"],
                "targets": ["16.7", "10.2"],
                "perspectives": ["tillganglighet"],
                "gender": [],
                "notes": [
                    (
                        "2023-05-22",
                        ONGOING,
                        30,
                        "Rutinen är skriven och provas på ändringen av hälsocentralernas "
                        "öppettider i Härjedalen.",
                        "",
                    ),
                    (
                        "2024-06-10",
                        DONE,
                        None,
                        "Rutinen gäller i hela förvaltningen. Alla beslutsunderlag om "
                        "förändringar i nära vård har nu ett avsnitt om rådens synpunkter.",
                        "",
                    ),
                ],
            },
        ],
    },
    {
        "title": "Stärkt dialog med medborgarna",
        "description": "Fler sätt att delta, digitalt och på plats, och särskilt för dem som "
        "sällan hörs.",
        "goals": ["2", "3", "5"],
        "activities": [
            {
                "title": "Digital dialog med webbinarier och digitala enkäter",
                "description": "Regionen erbjuder webbinarier där invånare kan ställa frågor till "
                "förtroendevalda, och digitala enkäter i frågor som ska beslutas. Det ska gå att "
                "delta utan att resa till Östersund.",
                "unit": DEMOKRATI,
                "contact": ("Eva Lindqvist", "eva.lindqvist@demo.delaktig.se"),
                "years": (2023, 2024),
                "goals": ["2"],
                "targets": ["16.7"],
                "perspectives": ["tillganglighet"],
                "gender": [],
                "notes": [
                    (
                        "2023-03-16",
                        ONGOING,
                        30,
                        "Det första webbinariet, om regionens budget, hade 140 deltagare. "
                        "Frågor kunde ställas i chatten och anonymt.",
                        "",
                    ),
                    (
                        "2024-02-08",
                        DONE,
                        None,
                        "Sex webbinarier och tre digitala enkäter har genomförts. Formerna är "
                        "nu en del av det ordinarie dialogarbetet.",
                        "",
                    ),
                ],
            },
            {
                "title": "En modell för ungas inflytande",
                "description": "Tillsammans med ungdomsråden i länets kommuner tar regionen fram "
                "en modell för hur unga ska kunna påverka regionens beslut. Unga skriver själva "
                "förslaget.",
                "unit": DEMOKRATI,
                "contact": ("Eva Lindqvist", "eva.lindqvist@demo.delaktig.se"),
                "years": (2023, 2025),
                "goals": ["2", "3"],
                "targets": ["16.7", "10.2"],
                "perspectives": ["barn_och_unga", "jamstalldhet"],
                "gender": [1],
                "processes": ["ungas-inflytandemodell"],
                "notes": [
                    (
                        "2023-09-05",
                        ONGOING,
                        20,
                        "En arbetsgrupp med tolv unga från sex kommuner har bildats och får "
                        "arvode för sina möten.",
                        "",
                    ),
                    (
                        "2024-08-27",
                        ONGOING,
                        70,
                        "Dialogen med unga i hela länet är avslutad. Arbetsgruppen skriver "
                        "förslaget under hösten.",
                        "",
                    ),
                    (
                        "2025-11-12",
                        ONGOING,
                        90,
                        "Förslaget är överlämnat till regionstyrelsen, som väntas besluta i "
                        "mars 2026.",
                        "",
                    ),
                    (
                        "2026-03-18",
                        DONE,
                        None,
                        "Regionstyrelsen beslutade att inrätta ett regionalt ungdomsråd med "
                        "egen budget. Läs återkopplingen till alla som deltog i dialogen.",
                        "",
                    ),
                ],
            },
            {
                "title": "En modell för invånarmedverkan med ersättning",
                "description": "Invånare som deltar i råd och dialoger ska kunna få ersättning "
                "för tid och resor. Modellen ska sänka trösklarna för den som har låg inkomst, "
                "små barn eller lång väg till mötet.",
                "unit": DEMOKRATI,
                "contact": ("Eva Lindqvist", "eva.lindqvist@demo.delaktig.se"),
                "years": (2024, 2025),
                "goals": ["2"],
                "targets": ["16.7", "10.2"],
                "perspectives": ["jamstalldhet", "tillganglighet"],
                "gender": [1],
                "processes": ["ersattningsmodell-for-delaktighet"],
                "notes": [
                    (
                        "2024-01-30",
                        ONGOING,
                        25,
                        "Genomgång av hur andra regioner ersätter invånare och vad "
                        "skattereglerna tillåter.",
                        "",
                    ),
                    (
                        "2025-06-17",
                        ONGOING,
                        80,
                        "Ett förslag till modell har varit ute för synpunkter. Synpunkterna "
                        "sammanställs inför beslut i regionstyrelsen.",
                        "",
                    ),
                ],
            },
            {
                "title": "Dialog med samer och nationella minoriteter",
                "description": "Samiska samrådet får frågor tidigt, innan förslag är färdiga. "
                "Regionen bjuder också in företrädare för sverigefinnar, tornedalingar, judar "
                "och romer till samråd i frågor som berör dem.",
                "unit": DEMOKRATI,
                "contact": ("Maria Renberg", "maria.renberg@demo.delaktig.se"),
                "years": (2023, 2025),
                "goals": ["5"],
                "targets": ["10.2", "16.7"],
                "perspectives": ["minoriteter", "barn_och_unga"],
                "gender": [],
                "notes": [
                    (
                        "2023-06-20",
                        ONGOING,
                        25,
                        "Samiska samrådet har fått en årsplan med de ärenden som ska upp i "
                        "regionstyrelsen. Samrådet önskade fler möten i södra Jämtland.",
                        "",
                    ),
                    (
                        "2024-12-04",
                        ONGOING,
                        50,
                        "Två samråd med sverigefinska företrädare har hållits. Samråd med "
                        "övriga minoriteter planeras.",
                        "",
                    ),
                ],
            },
            {
                "title": "Allmänhetens frågestund på fler orter i länet",
                "description": "Regionfullmäktige håller några sammanträden per år på andra orter "
                "än Östersund, med allmänhetens frågestund på plats och via webben.",
                "unit": DEMOKRATI,
                "contact": None,
                "years": (2024, 2025),
                "goals": ["1", "2"],
                "targets": ["16.7", "16.10"],
                "perspectives": ["tillganglighet"],
                "gender": [],
                "notes": [
                    (
                        "2024-02-21",
                        ONGOING,
                        10,
                        "Lokaler med teknik för webbsändning har inventerats i Sveg, Strömsund "
                        "och Järpen.",
                        "",
                    ),
                    (
                        "2024-11-26",
                        POSTPONED,
                        None,
                        "Frågan tas upp igen när arbetsordningen ses över.",
                        "Regionfullmäktiges arbetsordning behöver ändras innan sammanträden kan "
                        "hållas på andra orter, och översynen av arbetsordningen görs först "
                        "efter valet 2026.",
                    ),
                ],
            },
        ],
    },
    {
        "title": "Stärkt kommunikation",
        "description": "Begriplig information om hur regionen styrs och hur man kan påverka, på "
        "fler språk.",
        "goals": ["1", "5"],
        "activities": [
            {
                "title": "Begriplig information om hur regionen styrs",
                "description": "En ny del av webben förklarar med enkla ord och bilder vem som "
                "beslutar vad, hur man följer ett ärende och hur man lämnar ett medborgarförslag. "
                "Texterna finns också på lättläst svenska.",
                "unit": KOMM,
                "contact": ("Sofia Ring", "sofia.ring@demo.delaktig.se"),
                "years": (2023, 2024),
                "goals": ["1"],
                "targets": ["16.10", "16.6"],
                "perspectives": ["tillganglighet", "barn_och_unga"],
                "gender": [],
                "notes": [
                    (
                        "2023-10-10",
                        ONGOING,
                        50,
                        "Texterna har testats med en gymnasieklass och med Tillgänglighetsrådet.",
                        "",
                    ),
                    (
                        "2024-04-15",
                        DONE,
                        None,
                        "Sidorna är publicerade, också på lättläst svenska. Besöken följs upp "
                        "varje halvår.",
                        "",
                    ),
                ],
            },
            {
                "title": "Samiska på regionens webb",
                "description": "Den viktigaste informationen om vård och om hur man påverkar "
                "regionen ska finnas på sydsamiska och nordsamiska. Samiska företrädare avgör i "
                "vilken ordning texterna översätts.",
                "unit": KOMM,
                "contact": ("Maria Renberg", "maria.renberg@demo.delaktig.se"),
                "years": (2024, 2025),
                "goals": ["5"],
                "targets": ["10.2"],
                "perspectives": ["minoriteter"],
                "gender": [],
                "processes": ["samiska-pa-webben"],
                "notes": [
                    (
                        "2024-05-07",
                        ONGOING,
                        10,
                        "Avtal med översättare för sydsamiska är klart. Nordsamiska upphandlas.",
                        "",
                    ),
                    (
                        "2025-09-23",
                        ONGOING,
                        30,
                        "De första sidorna om vården finns på sydsamiska. Ett samråd om nästa "
                        "steg förbereds med Samiska samrådet.",
                        "",
                    ),
                ],
            },
            {
                "title": "Webbsända möten och lättare att hitta offentliga handlingar",
                "description": "Regionfullmäktiges och nämndernas öppna möten webbsänds med "
                "textning. Kallelser, handlingar och protokoll publiceras på ett ställe och går "
                "att söka i.",
                "unit": KOMM,
                "contact": None,
                "years": (2023, 2023),
                "goals": ["1"],
                "targets": ["16.10", "16.6"],
                "perspectives": ["tillganglighet"],
                "gender": [],
                "notes": [
                    (
                        "2023-02-14",
                        ONGOING,
                        40,
                        "Utrustning för textning är upphandlad.",
                        "",
                    ),
                    (
                        "2023-12-05",
                        DONE,
                        None,
                        "Alla öppna möten webbsänds med textning, och handlingarna finns i den "
                        "nya söktjänsten.",
                        "",
                    ),
                ],
            },
            {
                "title": "Information om hur man påverkar på väntrumsskärmar och i sociala medier",
                "description": "Korta filmer om medborgarförslag, frågestunden och pågående "
                "dialoger visas på skärmarna i vårdens väntrum och i regionens sociala medier.",
                "unit": KOMM,
                "contact": None,
                "years": (2025, 2025),
                "goals": ["1", "2"],
                "targets": ["16.7"],
                "perspectives": [],
                "gender": [],
                "notes": [],
            },
        ],
    },
    {
        "title": "Arbete mot hot och hat",
        "description": "Förtroendevalda och medarbetare ska kunna delta i det offentliga "
        "samtalet utan att utsättas för hot och hat.",
        "goals": ["4"],
        "activities": [
            {
                "title": "Utbildning om hot och hat för förtroendevalda",
                "description": "Alla förtroendevalda erbjuds en utbildning om hur man förebygger "
                "och hanterar hot, hat och trakasserier, och var man får stöd. Utbildningen "
                "återkommer efter varje val.",
                "unit": SAKERHET,
                "contact": ("Peter Åslund", "peter.aslund@demo.delaktig.se"),
                "years": (2023, 2023),
                "goals": ["4"],
                "targets": ["16.10", "4.7"],
                "perspectives": ["jamstalldhet"],
                "gender": [1],
                "notes": [
                    (
                        "2023-04-18",
                        ONGOING,
                        40,
                        "Första tillfället hölls för regionstyrelsen. Unga förtroendevalda "
                        "efterfrågade ett eget tillfälle.",
                        "",
                    ),
                    (
                        "2023-11-29",
                        DONE,
                        None,
                        "Fyra utbildningstillfällen har hållits, ett av dem för förtroendevalda "
                        "under 30 år. 71 procent av de förtroendevalda har deltagit.",
                        "",
                    ),
                ],
            },
            {
                "title": "Utbildning för medarbetare i publika roller",
                "description": "Medarbetare som leder dialoger eller syns i media får utbildning "
                "i att hantera hot och hat, och chefer får stöd i att följa upp när någon har "
                "utsatts.",
                "unit": HR,
                "contact": ("Karin Mattsson", "karin.mattsson@demo.delaktig.se"),
                "years": (2024, 2025),
                "goals": ["4"],
                "targets": ["16.10"],
                "perspectives": [],
                "gender": [],
                "notes": [
                    (
                        "2024-03-12",
                        ONGOING,
                        20,
                        "En webbutbildning är framtagen tillsammans med säkerhetsenheten.",
                        "",
                    ),
                    (
                        "2025-08-26",
                        ONGOING,
                        55,
                        "Drygt hälften av medarbetarna i målgruppen har genomgått "
                        "utbildningen. Chefsstödet lanseras i höst.",
                        "",
                    ),
                ],
            },
            {
                "title": "Riskanalys med SKR:s Riskguiden före omstridda dialoger",
                "description": "Innan en dialog i en omstridd fråga planeras görs en risk- och "
                "konfliktanalys med Riskguiden. Analysen avgör hur dialogen läggs upp och vilket "
                "stöd som behövs.",
                "unit": DEMOKRATI,
                "contact": ("Eva Lindqvist", "eva.lindqvist@demo.delaktig.se"),
                "years": (2024, 2025),
                "goals": ["4", "2"],
                "targets": ["16.7", "16.10"],
                "perspectives": [],
                "gender": [],
                "notes": [
                    (
                        "2024-02-06",
                        ONGOING,
                        30,
                        "Tio dialogledare har utbildats i Riskguiden.",
                        "",
                    ),
                    (
                        "2025-04-09",
                        ONGOING,
                        70,
                        "Riskguiden har använts före dialogerna om vårdens struktur i "
                        "Härjedalen. Den ska bli en fast del av dialogmallen.",
                        "",
                    ),
                ],
            },
            {
                "title": "Egen app för att anmäla hot och trakasserier",
                "description": "En app där förtroendevalda snabbt kan anmäla hot och "
                "trakasserier till regionens säkerhetsenhet.",
                "unit": SAKERHET,
                "contact": None,
                "years": (2023, 2024),
                "goals": ["4"],
                "targets": ["16.10"],
                "perspectives": [],
                "gender": [],
                "notes": [
                    (
                        "2023-05-16",
                        ONGOING,
                        10,
                        "Behoven har kartlagts med förtroendevalda i tre partier.",
                        "",
                    ),
                    (
                        "2023-10-24",
                        CANCELLED,
                        None,
                        "Pengarna har i stället använts till fler utbildningstillfällen.",
                        "Regionens avvikelsesystem har fått en egen kategori för hot mot "
                        "förtroendevalda och går att nå från mobilen, så en egen app behövs "
                        "inte.",
                    ),
                ],
            },
        ],
    },
    {
        "title": "Kultur och civilsamhället",
        "description": "Föreningar, studieförbund och kulturlivet är viktiga platser för "
        "demokratiska samtal.",
        "goals": ["2", "4"],
        "activities": [
            {
                "title": "Stöd till föreningar och studieförbund för demokratisamtal",
                "description": "Regionen ger stöd till civilsamhällets organisationer som "
                "ordnar samtal om demokrati och samhällsfrågor, särskilt på landsbygden och med "
                "unga.",
                "unit": KULTUR,
                "contact": ("Anna Westin", "anna.westin@demo.delaktig.se"),
                "years": (2023, 2025),
                "goals": ["2", "4"],
                "targets": ["4.7", "16.7"],
                "perspectives": ["barn_och_unga"],
                "gender": [],
                "notes": [
                    (
                        "2023-08-30",
                        ONGOING,
                        20,
                        "Stödet är utlyst. Elva föreningar har sökt.",
                        "",
                    ),
                    (
                        "2024-09-17",
                        ONGOING,
                        45,
                        "Sju projekt har fått stöd, bland annat samtalskvällar i byalag och en "
                        "demokratiskola för unga.",
                        "",
                    ),
                    (
                        "2025-10-14",
                        ONGOING,
                        60,
                        "Utvärderingen av de första projekten visar att samtalen nådde många "
                        "som aldrig deltagit i regionens dialoger.",
                        "",
                    ),
                ],
            },
            {
                "title": "Hälsa och gemenskap i områdena som drabbades hårdast av pandemin",
                "description": "Invånarna i tre bostadsområden beslutar själva hur pengar för "
                "hälsa och gemenskap ska användas. Föreningar i områdena hjälper till att nå "
                "dem som sällan deltar.",
                "unit": RU,
                "contact": ("Anna Westin", "anna.westin@demo.delaktig.se"),
                "years": (2024, 2025),
                "goals": ["2", "3"],
                "targets": ["10.2", "16.7"],
                "perspectives": ["barn_och_unga", "jamstalldhet"],
                "gender": [],
                "processes": ["dialog-i-omraden-hardast-drabbade-av-pandemin"],
                "notes": [
                    (
                        "2024-03-19",
                        ONGOING,
                        30,
                        "Tre områden är valda tillsammans med kommunerna. Föreningar i "
                        "områdena har anställt dialogvärdar.",
                        "",
                    ),
                    (
                        "2025-10-07",
                        ONGOING,
                        85,
                        "Invånarna har röstat om förslagen. Nämnden prövar att förslagen "
                        "ryms i budgeten.",
                        "",
                    ),
                    (
                        "2026-06-02",
                        DONE,
                        None,
                        "Nämnden har beslutat att genomföra de tre förslag som fick flest "
                        "röster. Se återkopplingen till invånarna.",
                        "",
                    ),
                ],
            },
            {
                "title": "Demokratisamtal på länets bibliotek",
                "description": "Tillsammans med kommunernas bibliotek ordnas samtal där invånare "
                "möter förtroendevalda från regionen, med början i de mindre orterna.",
                "unit": KULTUR,
                "contact": None,
                "years": (2025, 2025),
                "goals": ["1", "4"],
                "targets": ["4.7", "16.10"],
                "perspectives": ["tillganglighet"],
                "gender": [],
                "notes": [],
            },
        ],
    },
    {
        "title": "Interna processer",
        "description": "Rutiner som gör att invånarnas röster och rättighetsperspektivet finns "
        "med i alla beslut, och att invånarna får återkoppling.",
        "goals": ["1", "3"],
        "activities": [
            {
                "title": "Rättighetsperspektivet i varje nämnds plan, budget och årsredovisning",
                "description": "Varje nämnd beskriver i sin plan och budget hur barnets "
                "rättigheter, jämställdhet, tillgänglighet och minoriteters rättigheter beaktas, "
                "och följer upp det i årsredovisningen.",
                "unit": DEMOKRATI,
                "contact": ("Eva Lindqvist", "eva.lindqvist@demo.delaktig.se"),
                "years": (2023, 2025),
                "goals": ["1"],
                "targets": ["16.6", "10.2", "5.5"],
                "perspectives": ["barn_och_unga", "jamstalldhet", "tillganglighet", "minoriteter"],
                "gender": [1],
                "notes": [
                    (
                        "2023-11-21",
                        ONGOING,
                        15,
                        "En mall för planer och årsredovisningar är framtagen.",
                        "",
                    ),
                    (
                        "2024-11-19",
                        ONGOING,
                        30,
                        "Två av fyra nämnder använde mallen i sin plan för 2025.",
                        "",
                    ),
                    (
                        "2025-11-25",
                        ONGOING,
                        45,
                        "Alla nämnder har med perspektiven i planerna för 2026. Uppföljningen i "
                        "årsredovisningen är ännu ojämn.",
                        "",
                    ),
                ],
            },
            {
                "title": "Principer för medborgardialog och rutin för återkoppling",
                "description": "Principerna för medborgardialog ses över så att alla dialoger "
                "planeras och återkopplas på samma sätt. En rutin säger hur och när deltagarna "
                "får veta vad som beslutades.",
                "unit": DEMOKRATI,
                "contact": ("Eva Lindqvist", "eva.lindqvist@demo.delaktig.se"),
                "years": (2024, 2025),
                "goals": ["3"],
                "targets": ["16.7", "16.6"],
                "perspectives": ["tillganglighet"],
                "gender": [],
                "processes": ["principer-for-medborgardialog"],
                "notes": [
                    (
                        "2024-09-24",
                        ONGOING,
                        20,
                        "Kartläggning av hur förvaltningarna återkopplar i dag. Hälften av "
                        "dialogerna 2023 saknade skriftlig återkoppling.",
                        "",
                    ),
                    (
                        "2025-10-21",
                        ONGOING,
                        50,
                        "Förslaget till rutin för återkoppling är klart. Principerna ska ut "
                        "på dialog med invånarna och Pensionärsrådet 2026.",
                        "",
                    ),
                ],
            },
            {
                "title": "Prövning av barnets bästa i beslutsunderlag",
                "description": "Beslutsunderlag i frågor som rör barn ska visa hur barnets bästa "
                "har prövats och vad barn själva har sagt. Handläggare får stöd och en mall.",
                "unit": DEMOKRATI,
                "contact": None,
                "years": (2024, 2025),
                "goals": ["2"],
                "targets": ["16.7"],
                "perspectives": ["barn_och_unga"],
                "gender": [],
                "notes": [
                    (
                        "2024-04-23",
                        ONGOING,
                        15,
                        "Mallen för prövning av barnets bästa är antagen av regiondirektören.",
                        "",
                    ),
                    (
                        "2025-05-13",
                        ONGOING,
                        35,
                        "Handläggare i tre förvaltningar har utbildats. Granskning av ett urval "
                        "beslut görs i höst.",
                        "",
                    ),
                ],
            },
            {
                "title": "Uppföljning av handlingsplanen i årsredovisningen",
                "description": "Handlingsplanens aktiviteter och indikatorer redovisas i ett eget "
                "avsnitt i regionens årsredovisning, så att fullmäktige kan följa arbetet.",
                "unit": DEMOKRATI,
                "contact": None,
                "years": (2025, 2025),
                "goals": ["1", "3"],
                "targets": ["16.6"],
                "perspectives": [],
                "gender": [],
                "notes": [],
            },
        ],
    },
]

GENDER_BODY = """\
Strategin är länets gemensamma: regionen samordnar den, och kommuner, myndigheter, föreningar \
och företag kan ansluta sig och redovisa vad de gör för att nå målen.

Strategin har ett regionalt mål under vart och ett av de sex jämställdhetspolitiska delmålen. \
Statistik om personer redovisas uppdelad på kön.
"""

# One regional goal under each of the six gender-equality sub-goals: (title, description, targets)
GENDER_GOALS: list[tuple[str, str, list[str]]] = [
    (
        "Kvinnor och män har samma möjligheter att påverka länets utveckling",
        "Makt och inflytande i politiska församlingar, styrelser och ledningar fördelas jämnt.",
        ["5.5", "16.7"],
    ),
    (
        "Kvinnor och män i länet har samma möjligheter till egen försörjning",
        "Skillnaderna i inkomst och i villkor för att driva företag minskar.",
        ["8.5", "5.4"],
    ),
    (
        "Flickor och pojkar väljer utbildning utan begränsande normer",
        "Studie- och yrkesval i länet är mindre könsbundna, och pojkar och flickor lyckas lika "
        "bra i skolan.",
        ["4.5"],
    ),
    (
        "Det obetalda arbetet i hem och omsorg delas lika",
        "Föräldraledighet, vård av barn och omsorg om närstående delas jämnare mellan kvinnor "
        "och män.",
        ["5.4"],
    ),
    (
        "Kvinnor och män har samma förutsättningar för god hälsa",
        "Skillnaderna i ohälsa och sjukskrivning minskar, och vården ges på lika villkor.",
        ["3.8", "5.6"],
    ),
    (
        "Mäns våld mot kvinnor ska upphöra i länet",
        "Våld i nära relationer och hedersrelaterat våld förebyggs, och de som utsätts får stöd "
        "i hela länet.",
        ["5.2", "16.1"],
    ),
]


def _at(day: str, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time(hour, 0)))


def _body(region: Organisation, name: str) -> Body | None:
    return Body.objects.filter(organisation=region, name=name).first()


def _targets(codes: list[str]) -> list[SdgTarget]:
    return list(SdgTarget.objects.filter(code__in=codes))


def _perspectives(codes: list[str]) -> list[Perspective]:
    return list(Perspective.objects.filter(code__in=codes))


def _gender_goals(numbers: list[int]) -> list[GenderEqualityGoal]:
    return list(GenderEqualityGoal.objects.filter(number__in=numbers))


def _democracy_strategy(region: Organisation, official: Any) -> tuple[Strategy, dict[str, Goal]]:
    strategy = services.strategy_create(
        actor=official,
        organisation=region,
        title="Demokratistrategi för Region Jämtland Härjedalen",
        slug=DEMOCRACY_SLUG,
        summary="Strategin ska ge fler invånare möjlighet att påverka regionens beslut, "
        "se till att de som deltar får återkoppling och värna ett tryggt demokratiskt "
        "samtal. Den gäller 2023–2030 och genomförs med handlingsplaner.",
        body=DEMOCRACY_BODY,
        adopted_by=_body(region, "Regionfullmäktige"),
        decision_date=date(2022, 11, 23),
        decision_reference="RS/2022/318 § 145",
        start_year=2023,
        end_year=2030,
        revision_cycle=Strategy.RevisionCycle.TERM,
        next_review=date(2027, 6, 30),
        perspectives=_perspectives(
            ["barn_och_unga", "jamstalldhet", "tillganglighet", "minoriteter"]
        ),
        joinable=False,
        published=True,
    )
    goals = {}
    for number, title, description, targets, gender in DEMOCRACY_GOALS:
        goals[number] = services.goal_create(
            actor=official,
            strategy=strategy,
            number=number,
            title=title,
            description=description,
            sdg_targets=_targets(targets),
            gender_equality_goals=_gender_goals(gender),
        )
    return strategy, goals


def _action_plan(
    region: Organisation, strategy: Strategy, goals: dict[str, Goal], official: Any
) -> ActionPlan:
    plan = services.plan_create(
        actor=official,
        strategy=strategy,
        title="Handlingsplan för stärkt demokrati 2023–2025",
        slug=PLAN_SLUG,
        summary="Planen samlar regionens insatser under mandatperioden i sex "
        "insatsområden, från patientråd i vården till arbetet mot hot och hat.",
        start_year=2023,
        end_year=2025,
        adopted_by=_body(region, "Regionstyrelsen"),
        decision_date=date(2023, 2, 14),
        decision_reference="RS/2022/318 § 21",
        published=True,
    )
    # Only dialogues the demo region has and has published are linked.
    processes = {
        process.slug: process
        for process in Process.objects.filter(organisation=region).exclude(status="draft")
    }
    for spec in AREAS:
        area = services.area_create(
            actor=official,
            plan=plan,
            title=spec["title"],
            description=spec["description"],
            goals=[goals[number] for number in spec["goals"]],
        )
        for item in spec["activities"]:
            contact_name, contact_email = item["contact"] or ("", "")
            activity = services.activity_create(
                actor=official,
                area=area,
                title=item["title"],
                description=item["description"],
                responsible_unit=item["unit"],
                contact_name=contact_name,
                contact_email=contact_email,
                start_year=item["years"][0],
                end_year=item["years"][1],
                goals=[goals[number] for number in item["goals"]],
                sdg_targets=_targets(item["targets"]),
                perspectives=_perspectives(item["perspectives"]),
                gender_equality_goals=_gender_goals(item["gender"]),
                processes=[
                    processes[slug] for slug in item.get("processes", []) if slug in processes
                ],
            )
            history: list[Note] = item["notes"]
            for day, status, progress, text, reason in history:
                services.activity_report_progress(
                    actor=official,
                    activity=activity,
                    status=status,
                    text=text,
                    status_reason=reason,
                    progress=progress,
                    at=_at(day),
                )
    return plan


def _indicator(
    strategy: Strategy,
    official: Any,
    data: dict[str, Any],
    values: dict[int, tuple[str, ...]],
) -> Indicator:
    """An indicator with its values per year: (total,) or (total, women, men)."""
    indicator = services.indicator_create(
        actor=official, strategy=strategy, source=DEMO_SOURCE, **data
    )
    for year, numbers in values.items():
        for sex, number in zip((Sex.TOTAL, Sex.WOMEN, Sex.MEN), numbers, strict=False):
            services.indicator_value_set(
                actor=official, indicator=indicator, year=year, value=Decimal(number), sex=sex
            )
    return indicator


def _democracy_indicators(strategy: Strategy, goals: dict[str, Goal], official: Any) -> None:
    _indicator(
        strategy,
        official,
        {
            "name": "Andel invånare som upplever att de har möjlighet att påverka regionens beslut",
            "description": "Andel av de svarande i regionens invånarenkät som instämmer helt "
            "eller delvis. Demosiffrorna är påhittade.",
            "goal": goals["2"],
            "unit": "%",
            "direction": Indicator.Direction.INCREASE,
            "about_people": True,
            "by_sex": True,
            "baseline_year": 2022,
            "baseline_value": Decimal("24"),
            "target_year": 2025,
            "target_value": Decimal("30"),
        },
        {
            2022: ("24", "22", "26"),
            2023: ("25", "24", "26"),
            2024: ("27", "27", "27"),
            2025: ("29", "30", "28"),
        },
    )
    _indicator(
        strategy,
        official,
        {
            "name": "Antal medborgarförslag",
            "description": "Medborgarförslag som kommit in till regionfullmäktige under året. "
            "Demosiffrorna är påhittade.",
            "goal": goals["2"],
            "unit": "antal",
            "direction": Indicator.Direction.INCREASE,
            "about_people": False,
            "by_sex": False,
            "baseline_year": 2022,
            "baseline_value": Decimal("31"),
            "target_year": 2025,
            "target_value": Decimal("45"),
        },
        {2022: ("31",), 2023: ("36",), 2024: ("43",), 2025: ("48",)},
    )
    _indicator(
        strategy,
        official,
        {
            "name": "Andel avslutade medborgardialoger med publicerad återkoppling",
            "description": "Andel av årets avslutade dialoger där återkopplingen till "
            "deltagarna har publicerats. Demosiffrorna är påhittade.",
            "goal": goals["3"],
            "unit": "%",
            "direction": Indicator.Direction.INCREASE,
            "about_people": False,
            "by_sex": False,
            "baseline_year": 2022,
            "baseline_value": Decimal("40"),
            "target_year": 2025,
            "target_value": Decimal("90"),
        },
        {2022: ("40",), 2023: ("52",), 2024: ("67",), 2025: ("81",)},
    )
    _indicator(
        strategy,
        official,
        {
            "name": "Valdeltagande i regionvalet",
            "description": "Andel av de röstberättigade som röstade i valet till "
            "regionfullmäktige. Demosiffrorna är påhittade.",
            "goal": goals["1"],
            "unit": "%",
            "direction": Indicator.Direction.INCREASE,
            "about_people": True,
            "by_sex": False,
            "sex_note": "Siffrorna är hämtade ur det slutliga valresultatet, som inte redovisas "
            "per kön. Valdeltagande per kön kan läggas in från SCB:s valdeltagandestatistik.",
            "baseline_year": 2022,
            "baseline_value": Decimal("80.2"),
            "target_year": 2026,
            "target_value": Decimal("82"),
        },
        {2014: ("81.6",), 2018: ("82.4",), 2022: ("80.2",)},
    )


def _gender_strategy(region: Organisation, official: Any) -> tuple[Strategy, list[Goal]]:
    strategy = services.strategy_create(
        actor=official,
        organisation=region,
        title="Länets jämställdhetsstrategi 2024–2027",
        slug=GENDER_SLUG,
        summary="En gemensam strategi för jämställdhet i Jämtlands län, med ett "
        "regionalt mål under vart och ett av de sex jämställdhetspolitiska delmålen. "
        "Kommuner, myndigheter, föreningar och företag kan ansluta sig.",
        body=GENDER_BODY,
        adopted_by=_body(region, "Regionala utvecklingsnämnden"),
        decision_date=date(2023, 12, 6),
        decision_reference="RUN/2023/214 § 88",
        start_year=2024,
        end_year=2027,
        revision_cycle=Strategy.RevisionCycle.END,
        next_review=date(2027, 9, 30),
        perspectives=_perspectives(["jamstalldhet", "barn_och_unga", "minoriteter"]),
        joinable=True,
        published=True,
    )
    goals = []
    for number, (title, description, targets) in enumerate(GENDER_GOALS, start=1):
        goals.append(
            services.goal_create(
                actor=official,
                strategy=strategy,
                number=str(number),
                title=title,
                description=description,
                sdg_targets=_targets(targets),
                gender_equality_goals=_gender_goals([number]),
            )
        )
    _indicator(
        strategy,
        official,
        {
            "name": "Sjukpenningtal",
            "description": "Antal utbetalda dagar med sjukpenning och rehabiliteringspenning "
            "per registrerad försäkrad 16–64 år. Demosiffrorna är påhittade.",
            "goal": goals[4],
            "unit": "dagar",
            "direction": Indicator.Direction.DECREASE,
            "about_people": True,
            "by_sex": True,
            "baseline_year": 2023,
            "baseline_value": Decimal("10.4"),
            "target_year": 2027,
            "target_value": Decimal("9.0"),
        },
        {
            2023: ("10.4", "13.3", "7.6"),
            2024: ("10.1", "12.8", "7.5"),
            2025: ("9.8", "12.3", "7.4"),
        },
    )
    _indicator(
        strategy,
        official,
        {
            "name": "Förvärvsinkomst, medianvärde",
            "description": "Medianvärdet av förvärvsinkomsten för personer 20–64 år, i tusental "
            "kronor. Demosiffrorna är påhittade.",
            "goal": goals[1],
            "unit": "tkr",
            "direction": Indicator.Direction.INCREASE,
            "about_people": True,
            "by_sex": True,
            "baseline_year": 2023,
        },
        {
            2023: ("338", "312", "362"),
            2024: ("349", "325", "371"),
            2025: ("360", "337", "381"),
        },
    )
    return strategy, goals


def _commitments(strategy: Strategy, goals: list[Goal], official: Any, requester: Any) -> None:
    ostersund = Municipality.objects.filter(code="2380").first()
    municipality = actor_services.commitment_register(
        actor=official,
        strategy=strategy,
        actor_name="Östersunds kommun",
        actor_kind="municipality",
        municipality=ostersund,
        commitment="Kommunen jämställdhetsanalyserar sina föreningsbidrag och sin "
        "biståndshandläggning och utbildar socialtjänsten om våld i nära relationer.",
        contact_name="Lena Berglund",
        # The demo municipal official's address, so that log-in can report for the commune.
        contact_email="kommun@demo.delaktig.se",
        goals=[goals[0], goals[4], goals[5]],
        joined_on=date(2024, 3, 14),
    )
    association = actor_services.commitment_register(
        actor=official,
        strategy=strategy,
        actor_name="Föreningen Jämställt Jämtland",
        actor_kind="association",
        commitment="Föreningen ordnar studiecirklar om delat föräldraskap och arbetar med "
        "skolor för studie- och yrkesval utan begränsande normer.",
        contact_name="Maja Sundin",
        contact_email="maja.sundin@demo.delaktig.se",
        goals=[goals[2], goals[3]],
        joined_on=date(2024, 5, 20),
    )
    reports = [
        (
            municipality,
            "Jämställdhetsanalys av föreningsbidragen",
            "Bidragen till föreningar har analyserats efter hur många flickor och pojkar som "
            "deltar. Fördelningen ändras från 2025.",
            2024,
            ActivityStatus.DONE,
            [goals[0]],
            "2024-12-10",
        ),
        (
            municipality,
            "Utbildning om våld i nära relationer för socialtjänsten",
            "Alla handläggare inom socialtjänsten går en grundutbildning om våld i nära "
            "relationer och hedersrelaterat våld.",
            2025,
            ActivityStatus.ONGOING,
            [goals[5]],
            "2025-09-30",
        ),
        (
            association,
            "Studiecirklar om delat föräldraskap",
            "Sex cirklar för blivande föräldrar i Krokom, Åre och Östersund, i samarbete med "
            "barnmorskemottagningarna.",
            2024,
            ActivityStatus.DONE,
            [goals[3]],
            "2024-11-28",
        ),
        (
            association,
            "Yrkesvalsdagar utan könsnormer",
            "Temadagar för årskurs 8 där yrkesverksamma i yrken med sned könsfördelning berättar "
            "om sitt arbete.",
            2025,
            ActivityStatus.ONGOING,
            [goals[2]],
            "2025-10-15",
        ),
    ]
    for commitment, title, description, year, status, chosen, reported in reports:
        reporter = commitment.contact_user or official
        activity = actor_services.actor_activity_report(
            actor=reporter,
            commitment=commitment,
            title=title,
            description=description,
            year=year,
            status=status,
            goals=chosen,
        )
        ActorActivity.objects.filter(pk=activity.pk).update(reported_at=_at(reported, 14))
    # A request waiting for an official, so that the staff queue shows something.
    actor_services.commitment_request(
        actor=requester,
        strategy=strategy,
        actor_name="Krokomsbygdens företagarförening",
        actor_kind="association",
        commitment="Föreningen vill arbeta för att fler kvinnor startar och driver företag i "
        "bygden, med mentorer och nätverksträffar.",
        contact_name="Kim Persson",
        contact_email=requester.email,
        goals=[goals[1]],
    )


NETWORK_DESCRIPTION = """\
Ett nätverk för dem som arbetar med demokrati och medborgardialog i länets kommuner, i regionen \
och i civilsamhället. Vi delar erfarenheter, planerar gemensamma dialoger och lär av varandra.

Nätverket träffas fyra gånger om året, på plats eller digitalt.
"""


def _network(region: Organisation, strategy: Strategy, official: Any) -> None:
    network = actor_services.network_save(
        actor=official,
        organisation=region,
        name="Demokratinätverket i länet",
        slug=NETWORK_SLUG,
        description=NETWORK_DESCRIPTION,
        strategy=strategy,
    )
    municipalities = {m.code: m for m in Municipality.objects.all()}
    members = [
        ("Östersunds kommun", "municipality", "2380", "Lena Berglund", "kommun@demo.delaktig.se"),
        ("Krokoms kommun", "municipality", "2309", "Olof Strand", "olof.strand@demo.delaktig.se"),
        (
            "Härjedalens kommun",
            "municipality",
            "2361",
            "Britt Höglund",
            "britt.hoglund@demo.delaktig.se",
        ),
        (
            "Studieförbundet Fjällbygd",
            "association",
            "",
            "Ahmed Yusuf",
            "ahmed.yusuf@demo.delaktig.se",
        ),
    ]
    for name, kind, code, contact, email in members:
        actor_services.network_member_add(
            actor=official,
            network=network,
            actor_name=name,
            actor_kind=kind,
            municipality=municipalities.get(code),
            contact_name=contact,
            contact_email=email,
        )
    actor_services.network_meeting_save(
        actor=official,
        network=network,
        title="Riskguiden i praktiken",
        starts_at=_at("2025-10-08", 13),
        place="Regionens hus, Östersund, och digitalt",
        agenda="1. Erfarenheter av Riskguiden i regionen\n2. Krokoms dialog om skolstrukturen\n"
        "3. Gemensam utbildning för dialogledare 2026",
        notes="Regionen berättade hur Riskguiden använts före dialogerna om vården i "
        "Härjedalen. Krokom delade hur de förberedde en dialog där stämningen var hätsk. "
        "Nätverket vill ordna en gemensam utbildning för dialogledare våren 2026; regionen "
        "tar fram ett förslag till nästa träff.",
    )
    upcoming = timezone.localdate() + timedelta(days=24)
    actor_services.network_meeting_save(
        actor=official,
        network=network,
        title="Så följer vi upp våra demokratiplaner",
        starts_at=timezone.make_aware(datetime.combine(upcoming, time(13, 0))),
        place="Digitalt, länk skickas till medlemmarna",
        agenda="1. Regionens uppföljning av handlingsplanen 2023–2025\n"
        "2. Indikatorer som fler kan använda\n3. Övriga frågor",
    )


def load(region: Organisation, official: Any, residents: list[Any]) -> None:
    """Load the follow-up demo for ``region``; part of loading the demo region once."""
    democracy, goals = _democracy_strategy(region, official)
    _action_plan(region, democracy, goals, official)
    _democracy_indicators(democracy, goals, official)
    gender, gender_goals = _gender_strategy(region, official)
    requester = residents[0] if residents else official
    _commitments(gender, gender_goals, official, requester)
    _network(region, democracy, official)
