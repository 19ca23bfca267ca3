"""The templates of impact assessments (konsekvensanalyser), one per kind. Plain data.

A template is a tuple of sections; each section is a question the person preparing the decision
answers, with guidance. Answers are stored as ``{section_key: str | list[str]}``. When a
template changes in a way that changes what a stored answer means (a section or an option
removed or renamed), raise its ``version``; assessments keep the version they were written with.

No Django model is imported here, so the templates and the checks on answers are tested alone.
Problems found in answers carry a stable code (``Problem.code``) that ``services.py`` turns into
a message in the language of the request.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Longest answer to one section, in characters.
MAX_TEXT = 20_000


class Kind(StrEnum):
    CHILD = "child"
    GENDER_EQUALITY = "gender_equality"
    ENVIRONMENT = "environment"
    ACCESSIBILITY = "accessibility"
    MINORITIES = "minorities"


class FieldType(StrEnum):
    TEXT = "text"
    CHOICES = "choices"  # one of the options
    MULTICHOICES = "multichoices"  # any number of the options


Label = str | Promise


@dataclass(frozen=True)
class Option:
    key: str
    label: Label


@dataclass(frozen=True)
class Section:
    key: str
    label: Label
    help_text: Label
    field_type: FieldType = FieldType.TEXT
    options: tuple[Option, ...] = ()
    required: bool = False

    def option_label(self, key: str) -> Label:
        for option in self.options:
            if option.key == key:
                return option.label
        return key


@dataclass(frozen=True)
class Template:
    kind: Kind
    name: Label  # "Barnkonsekvensanalys"
    description: Label  # shown above the form and on the public page
    version: int
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    @property
    def required_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.required)


def _conclusion(help_text: Label) -> Section:
    return Section("conclusion", _("Slutsats"), help_text, required=True)


# --- Barnkonsekvensanalys: prövning av barnets bästa -------------------------------------------

# The articles of the Convention on the Rights of the Child (lag 2018:1197) most often concerned
# by decisions of regions and municipalities. Articles 2, 3, 6 and 12 are the general principles.
CHILD_ARTICLES = (
    Option(
        "art2",
        _("Artikel 2 – Alla barn har samma rättigheter och lika värde (icke-diskriminering)"),
    ),
    Option(
        "art3",
        _("Artikel 3 – Barnets bästa ska beaktas i första hand vid alla åtgärder som rör barn"),
    ),
    Option("art6", _("Artikel 6 – Rätt till liv, överlevnad och utveckling")),
    Option("art12", _("Artikel 12 – Rätt att uttrycka sina åsikter och få dem beaktade")),
    Option("art13", _("Artikel 13 – Yttrandefrihet och rätt till information")),
    Option("art15", _("Artikel 15 – Rätt att bilda och delta i föreningar och möten")),
    Option("art16", _("Artikel 16 – Rätt till privatliv")),
    Option("art17", _("Artikel 17 – Rätt till information från olika källor, anpassad för barn")),
    Option("art18", _("Artikel 18 – Föräldrarnas gemensamma ansvar och samhällets stöd till dem")),
    Option("art19", _("Artikel 19 – Skydd mot våld, övergrepp, vanvård och utnyttjande")),
    Option("art22", _("Artikel 22 – Barn som söker eller har fått skydd som flyktingar")),
    Option(
        "art23",
        _(
            "Artikel 23 – Barn med funktionsnedsättning har rätt till ett fullvärdigt och "
            "anständigt liv och att delta aktivt i samhället"
        ),
    ),
    Option("art24", _("Artikel 24 – Rätt till bästa möjliga hälsa och till hälso- och sjukvård")),
    Option("art27", _("Artikel 27 – Rätt till skälig levnadsstandard")),
    Option("art28", _("Artikel 28 – Rätt till utbildning")),
    Option(
        "art29",
        _("Artikel 29 – Utbildningens mål: att utveckla barnets personlighet, anlag och förmågor"),
    ),
    Option(
        "art30",
        _(
            "Artikel 30 – Barn som tillhör en minoritet eller ett urfolk har rätt till sin "
            "kultur, sin religion och sitt språk"
        ),
    ),
    Option(
        "art31",
        _(
            "Artikel 31 – Rätt till vila, fritid, lek och rekreation och till kultur och "
            "konstnärligt liv"
        ),
    ),
    Option("art33", _("Artikel 33 – Skydd mot narkotika")),
    Option("art34", _("Artikel 34 – Skydd mot sexuella övergrepp och sexuell exploatering")),
    Option("art36", _("Artikel 36 – Skydd mot alla andra former av utnyttjande")),
    Option(
        "art39",
        _("Artikel 39 – Stöd till återhämtning för barn som utsatts för övergrepp eller våld"),
    ),
)

CHILD = Template(
    kind=Kind.CHILD,
    name=_("Barnkonsekvensanalys"),
    description=_(
        "Barnkonventionen är svensk lag sedan 1 januari 2020 (lag 2018:1197). Vid beslut som rör "
        "barn ska barnets bästa utredas och beaktas i första hand, och barn har rätt att uttrycka "
        "sina åsikter. Analysen visar hur det har gått till: vilka barn som berörs, vad vi vet, "
        "vad barnen själva tycker, vilka alternativ som prövats och hur barnets bästa har vägts "
        "mot andra intressen. Barn är alla under 18 år."
    ),
    version=1,
    sections=(
        Section(
            "affected",
            _("Vilka barn berörs"),
            _(
                "Beskriv vilka barn beslutet berör, direkt eller indirekt: åldrar, var de bor, "
                "vilka verksamheter de möter. Tänk särskilt på barn i utsatta situationer, barn "
                "med funktionsnedsättning, barn som tillhör en nationell minoritet eller "
                "urfolket samerna, barn med annat modersmål och barn som inte själva kan göra "
                "sin röst hörd."
            ),
            required=True,
        ),
        Section(
            "articles",
            _("Artiklar i barnkonventionen som berörs"),
            _(
                "Artiklarna 2, 3, 6 och 12 är konventionens grundprinciper och ska alltid "
                "beaktas. Välj dem och de andra artiklar som beslutet berör."
            ),
            FieldType.MULTICHOICES,
            CHILD_ARTICLES,
            required=True,
        ),
        Section(
            "articles_comment",
            _("Hur artiklarna berörs"),
            _(
                "Beskriv kort hur beslutet berör de valda artiklarna. Nämn här andra artiklar "
                "som berörs men inte finns i listan."
            ),
        ),
        Section(
            "knowledge",
            _("Kunskapsunderlag"),
            _(
                "Vad vet vi om barnens situation? Statistik uppdelad på ålder och kön, forskning, "
                "utredningar, uppföljningar, erfarenheter från verksamheten och från andra "
                "kommuner och regioner. Ange källorna. Skriv också vad vi inte vet."
            ),
            required=True,
        ),
        Section(
            "children_asked",
            _("Har barn fått komma till tals?"),
            _("Barn har rätt att uttrycka sina åsikter i alla frågor som rör dem (artikel 12)."),
            FieldType.CHOICES,
            (
                Option("directly", _("Ja, barn har tillfrågats direkt")),
                Option(
                    "through_others",
                    _("Ja, genom personer eller organisationer som företräder barnen"),
                ),
                Option("no", _("Nej – skälen beskrivs nedan")),
            ),
            required=True,
        ),
        Section(
            "children_views",
            _("Barnens egna åsikter"),
            _(
                "Hur fick barnen komma till tals: vilka barn och hur många, på vilket sätt "
                "(samtal, enkät, workshop, ungdomsråd, skolor, fritidsgårdar) och med vilken "
                "information om frågan? Vad sa de? Om barn inte kunde tillfrågas, förklara "
                "varför och hur deras perspektiv ändå har tagits in. Barnens åsikter ska tillmätas "
                "betydelse i förhållande till deras ålder och mognad."
            ),
            required=True,
        ),
        Section(
            "options",
            _("Alternativ som har övervägts"),
            _(
                "Beskriv de alternativ som har övervägts, också att låta bli eller att genomföra "
                "beslutet på ett annat sätt eller vid en annan tidpunkt."
            ),
            required=True,
        ),
        Section(
            "consequences",
            _("Konsekvenser för barn av varje alternativ"),
            _(
                "Beskriv för varje alternativ de positiva och negativa konsekvenserna för barnen, "
                "på kort och på lång sikt. Skilj på grupper av barn som påverkas olika, till "
                "exempel flickor och pojkar, yngre och äldre barn."
            ),
            required=True,
        ),
        Section(
            "best_interests",
            _("Bedömning av barnets bästa"),
            _(
                "Väg samman kunskapsunderlaget och barnens åsikter: vilket alternativ är bäst för "
                "barnen? Om förslaget till beslut inte är det som är bäst för barnen, redovisa "
                "vilka andra intressen som har vägts mot barnets bästa och varför de väger "
                "tyngre."
            ),
            required=True,
        ),
        Section(
            "compensating_measures",
            _("Kompenserande åtgärder"),
            _(
                "Om beslutet får negativa konsekvenser för barn: vilka åtgärder minskar eller "
                "kompenserar dem, vem ansvarar och när? Skriv ”Behövs inte” och varför om "
                "beslutet inte får negativa konsekvenser."
            ),
        ),
        Section(
            "feedback_to_children",
            _("Återkoppling till barnen"),
            _(
                "Hur får de barn som har lämnat synpunkter veta vad som beslutades och hur deras "
                "åsikter påverkade beslutet? Använd ett språk som barnen förstår."
            ),
        ),
        _conclusion(
            _(
                "Sammanfatta analysen i några meningar som kan stå i tjänsteskrivelsen eller "
                "beslutsunderlaget."
            )
        ),
    ),
)


# --- Jämställdhetsanalys -------------------------------------------------------------------------

# The six sub-goals of Swedish gender-equality policy, numbered as GenderEqualityGoal.number in
# delaktig.followup (the option key is the number), with the same wording.
GENDER_EQUALITY_GOALS = (
    Option("1", _("En jämn fördelning av makt och inflytande")),
    Option("2", _("Ekonomisk jämställdhet")),
    Option("3", _("Jämställd utbildning")),
    Option("4", _("Jämn fördelning av det obetalda hem- och omsorgsarbetet")),
    Option("5", _("Jämställd hälsa")),
    Option("6", _("Mäns våld mot kvinnor ska upphöra")),
)

GENDER_EQUALITY = Template(
    kind=Kind.GENDER_EQUALITY,
    name=_("Jämställdhetsanalys"),
    description=_(
        "Målet för jämställdhetspolitiken är att kvinnor och män ska ha samma makt att forma "
        "samhället och sina egna liv. Analysen visar hur beslutet påverkar kvinnor och män, "
        "flickor och pojkar, med stöd i könsuppdelad statistik, och vilka av de sex "
        "jämställdhetspolitiska delmålen det berör."
    ),
    version=1,
    sections=(
        Section(
            "affected",
            _("Vilka berörs"),
            _(
                "Vilka kvinnor och män, flickor och pojkar berörs av beslutet – som invånare, "
                "brukare, patienter, elever eller anställda?"
            ),
            required=True,
        ),
        Section(
            "statistics",
            _("Könsuppdelad statistik"),
            _(
                "Redovisa statistik uppdelad på kön, gärna också på ålder och andra "
                "bakgrundsfaktorer: vilka använder verksamheten, vilka får vilka resurser, hur "
                "skiljer sig behov och resultat? Om statistiken saknas, skriv vad som saknas och "
                "hur den kan tas fram."
            ),
            required=True,
        ),
        Section(
            "goals",
            _("Jämställdhetspolitiska delmål som berörs"),
            _("Välj de delmål som beslutet kan påverka, positivt eller negativt."),
            FieldType.MULTICHOICES,
            GENDER_EQUALITY_GOALS,
        ),
        Section(
            "differences",
            _("Skillnader i villkor och behov"),
            _(
                "Vilka skillnader finns mellan kvinnors och mäns, flickors och pojkars villkor, "
                "behov och möjligheter i frågan? Tänk på fördelningen av resurser, bemötande, "
                "inflytande, tid och trygghet."
            ),
            required=True,
        ),
        Section(
            "consequences",
            _("Konsekvenser"),
            _(
                "Minskar, förstärker eller lämnar beslutet skillnaderna oförändrade? Beskriv "
                "konsekvenserna för kvinnor och män, flickor och pojkar."
            ),
            required=True,
        ),
        Section(
            "measures",
            _("Åtgärder"),
            _(
                "Vad kan göras för att beslutet ska bidra till jämställdhet eller för att "
                "motverka negativa konsekvenser? Hur följs det upp med könsuppdelad statistik?"
            ),
        ),
        _conclusion(_("Sammanfatta analysen i några meningar för beslutsunderlaget.")),
    ),
)


# --- Miljökonsekvenser ---------------------------------------------------------------------------

ENVIRONMENT = Template(
    kind=Kind.ENVIRONMENT,
    name=_("Miljökonsekvensanalys"),
    description=_(
        "Analysen visar hur beslutet påverkar klimatet och miljön, med stöd i de nationella "
        "miljökvalitetsmålen och organisationens egna miljö- och klimatmål. Den ersätter inte en "
        "miljöbedömning enligt miljöbalken när en sådan krävs."
    ),
    version=1,
    sections=(
        Section(
            "aspects",
            _("Miljöaspekter som berörs"),
            _("Välj det som beslutet påverkar, positivt eller negativt."),
            FieldType.MULTICHOICES,
            (
                Option("climate", _("Klimatet: utsläpp av växthusgaser")),
                Option("energy", _("Energianvändning")),
                Option("transport", _("Transporter och resor")),
                Option("resources", _("Material, resursanvändning och avfall")),
                Option("chemicals", _("Kemikalier och giftfri miljö")),
                Option("biodiversity", _("Biologisk mångfald och ekosystem")),
                Option("water", _("Vatten")),
                Option("air_noise", _("Luftkvalitet och buller")),
                Option("land", _("Mark och markanvändning")),
                Option("adaptation", _("Klimatanpassning: värme, översvämning, ras och torka")),
            ),
            required=True,
        ),
        Section(
            "knowledge",
            _("Nuläge och underlag"),
            _(
                "Vad vet vi om miljöpåverkan i dag? Ange mätningar, beräkningar, "
                "utredningar och källor."
            ),
            required=True,
        ),
        Section(
            "options",
            _("Alternativ som har övervägts"),
            _("Beskriv alternativen och hur de skiljer sig i miljöpåverkan."),
        ),
        Section(
            "consequences",
            _("Konsekvenser för miljön"),
            _(
                "Beskriv de positiva och negativa konsekvenserna på kort och lång sikt, och vilka "
                "miljömål som påverkas."
            ),
            required=True,
        ),
        Section(
            "overall",
            _("Sammantagen bedömning"),
            _("Hur påverkas miljön sammantaget?"),
            FieldType.CHOICES,
            (
                Option("positive", _("Övervägande positivt")),
                Option("none", _("Ingen betydande påverkan")),
                Option("mixed", _("Både positivt och negativt")),
                Option("negative", _("Övervägande negativt")),
            ),
            required=True,
        ),
        Section(
            "measures",
            _("Åtgärder"),
            _("Vilka åtgärder minskar den negativa påverkan, vem ansvarar och när?"),
        ),
        _conclusion(_("Sammanfatta analysen i några meningar för beslutsunderlaget.")),
    ),
)


# --- Tillgänglighet ------------------------------------------------------------------------------

ACCESSIBILITY = Template(
    kind=Kind.ACCESSIBILITY,
    name=_("Tillgänglighetsanalys"),
    description=_(
        "Analysen visar hur beslutet påverkar personer med funktionsnedsättning: i den fysiska "
        "miljön, i information och kommunikation och i verksamheten. Bristande tillgänglighet "
        "är en form av diskriminering enligt diskrimineringslagen."
    ),
    version=1,
    sections=(
        Section(
            "groups",
            _("Grupper som berörs"),
            _("Välj de funktionsnedsättningar som beslutet särskilt berör."),
            FieldType.MULTICHOICES,
            (
                Option("movement", _("Rörelseförmåga")),
                Option("vision", _("Syn")),
                Option("hearing", _("Hörsel")),
                Option("cognition", _("Kognition och intellektuell förmåga")),
                Option("speech", _("Tal, språk och kommunikation")),
                Option("allergy", _("Allergi och överkänslighet")),
                Option("mental_health", _("Psykisk funktionsnedsättning och psykisk ohälsa")),
            ),
            required=True,
        ),
        Section(
            "barriers",
            _("Hinder och behov"),
            _(
                "Vilka hinder kan uppstå eller tas bort? Tänk på lokaler och utemiljö, "
                "information (webb enligt WCAG, lättläst, teckenspråk, syntolkning, tolk), "
                "bemötande, tider och avstånd."
            ),
            required=True,
        ),
        Section(
            "consulted",
            _("Samråd"),
            _(
                "Har tillgänglighetsrådet, funktionsrättsorganisationer eller berörda personer "
                "fått säga sitt? Vad sa de? Om inte, förklara varför."
            ),
            required=True,
        ),
        Section(
            "consequences",
            _("Konsekvenser"),
            _("Beskriv konsekvenserna för de berörda grupperna, positiva och negativa."),
            required=True,
        ),
        Section(
            "measures",
            _("Åtgärder"),
            _("Vilka åtgärder tar bort eller minskar hindren, vem ansvarar och när?"),
        ),
        _conclusion(_("Sammanfatta analysen i några meningar för beslutsunderlaget.")),
    ),
)


# --- Nationella minoriteter och urfolket samerna -------------------------------------------------

MINORITIES = Template(
    kind=Kind.MINORITIES,
    name=_("Analys för nationella minoriteter och samer"),
    description=_(
        "Judar, romer, samer, sverigefinnar och tornedalingar är nationella minoriteter, och "
        "samerna är också ett urfolk. Enligt lagen om nationella minoriteter och "
        "minoritetsspråk (2009:724) ska de få inflytande i frågor som berör dem, och barns "
        "utveckling av en kulturell identitet och sitt minoritetsspråk ska främjas särskilt. "
        "Analysen visar hur beslutet berör minoriteterna och hur de har fått säga sitt."
    ),
    version=1,
    sections=(
        Section(
            "minorities",
            _("Minoriteter som berörs"),
            _("Välj de minoriteter som beslutet berör."),
            FieldType.MULTICHOICES,
            (
                Option("jews", _("Judar")),
                Option("roma", _("Romer")),
                Option("sami", _("Samer")),
                Option("sweden_finns", _("Sverigefinnar")),
                Option("tornedalians", _("Tornedalingar")),
            ),
            required=True,
        ),
        Section(
            "administrative_area",
            _("Förvaltningsområde för minoritetsspråk"),
            _(
                "I ett förvaltningsområde för finska, meänkieli eller samiska har enskilda rätt "
                "att använda språket hos myndigheten och att få förskola och äldreomsorg helt "
                "eller delvis på språket."
            ),
            FieldType.CHOICES,
            (
                Option("yes", _("Organisationen ingår i ett förvaltningsområde")),
                Option("no", _("Organisationen ingår inte i något förvaltningsområde")),
            ),
        ),
        Section(
            "affected",
            _("Hur berörs minoriteterna"),
            _(
                "Rör beslutet språk och kultur, information på minoritetsspråk, förskola, skola "
                "eller äldreomsorg, renskötsel, mark- och vattenanvändning i samiska områden "
                "eller möjligheten att delta i samhället? Tänk särskilt på barn och unga."
            ),
            required=True,
        ),
        Section(
            "consultation",
            _("Samråd och konsultation"),
            _(
                "Myndigheter ska ge minoriteterna möjlighet till inflytande och så långt möjligt "
                "samråda med deras företrädare (2009:724, 5 §). I frågor av särskild betydelse "
                "för samerna ska regioner och kommuner också konsultera Sametinget och, när det "
                "är aktuellt, samebyar och samiska organisationer (lag 2022:66). Beskriv vilka "
                "som tillfrågades, hur och vad de sa – eller varför samråd inte skedde."
            ),
            required=True,
        ),
        Section(
            "consequences",
            _("Konsekvenser"),
            _("Beskriv konsekvenserna för varje berörd minoritet, positiva och negativa."),
            required=True,
        ),
        Section(
            "measures",
            _("Åtgärder"),
            _(
                "Vilka åtgärder stärker minoriteternas rättigheter eller motverkar negativa "
                "konsekvenser, vem ansvarar och när?"
            ),
        ),
        _conclusion(_("Sammanfatta analysen i några meningar för beslutsunderlaget.")),
    ),
)


TEMPLATES: dict[Kind, Template] = {
    template.kind: template
    for template in (CHILD, GENDER_EQUALITY, ENVIRONMENT, ACCESSIBILITY, MINORITIES)
}

KIND_CHOICES: list[tuple[str, Label]] = [(t.kind.value, t.name) for t in TEMPLATES.values()]


def template_for(kind: str) -> Template:
    """The template of ``kind``; KeyError for a kind that does not exist."""
    try:
        return TEMPLATES[Kind(kind)]
    except ValueError as error:
        raise KeyError(kind) from error


# --- Checking answers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong with one answer. ``code`` is stable; ``params`` fill the message."""

    code: str  # unknown_section | not_text | too_long | invalid_choice | not_a_list
    params: Mapping[str, Any]


def is_answered(section: Section, value: Any) -> bool:
    if section.field_type is FieldType.MULTICHOICES:
        return bool(value) and isinstance(value, list | tuple)
    return isinstance(value, str) and bool(value.strip())


def check_answers(
    template: Template, answers: Mapping[str, Any]
) -> tuple[dict[str, str | list[str]], dict[str, Problem]]:
    """Normalise ``answers`` and find what does not fit the template.

    Returns the answers to keep (text stripped of surrounding white space, unanswered sections
    left out, lists in the order given without repeats) and the problems by section key.
    Required sections are not checked here; see :func:`missing_sections`.
    """
    keys = {s.key for s in template.sections}
    clean: dict[str, str | list[str]] = {}
    problems: dict[str, Problem] = {}
    for key in answers:
        if key not in keys:
            problems[key] = Problem("unknown_section", {"key": key})
    for section in template.sections:
        if section.key not in answers:
            continue
        value = answers[section.key]
        if value is None:
            continue
        allowed = {o.key for o in section.options}
        if section.field_type is FieldType.MULTICHOICES:
            if isinstance(value, str):
                value = [value] if value else []
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                problems[section.key] = Problem("not_a_list", {})
                continue
            chosen = list(dict.fromkeys(value))
            wrong = [v for v in chosen if v not in allowed]
            if wrong:
                problems[section.key] = Problem("invalid_choice", {"value": ", ".join(wrong)})
                continue
            if chosen:
                clean[section.key] = chosen
            continue
        if not isinstance(value, str):
            problems[section.key] = Problem("not_text", {})
            continue
        text = value.strip()
        if section.field_type is FieldType.CHOICES:
            if text and text not in allowed:
                problems[section.key] = Problem("invalid_choice", {"value": text})
                continue
        elif len(text) > MAX_TEXT:
            problems[section.key] = Problem("too_long", {"max": MAX_TEXT, "length": len(text)})
            continue
        if text:
            clean[section.key] = text
    return clean, problems


def missing_sections(template: Template, answers: Mapping[str, Any]) -> list[Section]:
    """The required sections that have no answer, in template order."""
    return [s for s in template.required_sections if not is_answered(s, answers.get(s.key))]


def display_answer(section: Section, value: Any) -> list[str] | str:
    """An answer as people read it: option labels instead of keys. Empty when unanswered."""
    if not is_answered(section, value):
        return [] if section.field_type is FieldType.MULTICHOICES else ""
    if section.field_type is FieldType.MULTICHOICES:
        return [str(section.option_label(v)) for v in value]
    if section.field_type is FieldType.CHOICES:
        return str(section.option_label(value))
    return str(value)
