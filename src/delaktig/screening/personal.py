"""Detectors for personal data: identity numbers, phone numbers, e-mail, addresses, health."""

import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from importlib import resources

from .model import Finding
from .patterns import alternatives
from .text import Stream, normalise_word

# ---------------------------------------------------------------- personnummer

_IDENTITY = re.compile(
    r"(?<![\w+/.,-])(?P<century>1[89]|20)?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})"
    r"(?P<sep>\s?[-+–—]\s?|\s)?(?P<serial>\d{3})(?P<check>\d)(?![\d])(?![.,]\d)"
)


def luhn_check_digit(nine_digits: str) -> int:
    """The check digit Skatteverket computes over YYMMDDNNN (Luhn, weights 2,1,2,1,...)."""
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 - index % 2)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _identity_label(match: re.Match[str], today: date) -> str | None:
    """ "personnummer", "samordningsnummer" or None (bad date or check digit)."""
    yy, mm, dd = int(match["yy"]), int(match["mm"]), int(match["dd"])
    coordination = 61 <= dd <= 91
    day = dd - 60 if coordination else dd
    if match["century"]:
        years = [int(match["century"]) * 100 + yy]
    elif "+" in (match["sep"] or ""):
        years = [y for y in (1800 + yy, 1900 + yy) if today.year - y >= 100]
    else:
        years = [y for y in (1900 + yy, 2000 + yy) if y <= today.year]
    if not any(_valid_date(y, mm, day) and date(y, mm, day) <= today for y in years):
        return None
    digits = f"{match['yy']}{match['mm']}{match['dd']}{match['serial']}"
    if luhn_check_digit(digits) != int(match["check"]):
        return None
    return "samordningsnummer" if coordination else "personnummer"


def identity_numbers(text: str, today: date | None = None) -> Iterator[Finding]:
    """Personnummer and samordningsnummer with a valid date and Luhn check digit."""
    today = today or date.today()  # noqa: DTZ011 (a birth date is a local calendar date)
    for match in _IDENTITY.finditer(text):
        label = _identity_label(match, today)
        if label is None:
            continue
        if not match["sep"] and not match["century"] and _phone_at(text, match.start()):
            continue  # ten digits starting 07…: a mobile number wins
        detector = f"{label}.luhn"
        yield Finding(label, match.start(), match.end(), match.group(), detector)


# ---------------------------------------------------------------- phone numbers

_PHONE = re.compile(
    r"(?<![\w+/.,:-])"
    r"(?P<prefix>(?:\+|00)\s?46\s?(?:\(0\)\s?)?[-–\s]?|\(0\d{1,3}\)\s?|0)"
    r"(?P<rest>\d(?:(?:\s?[-–./]\s?|\s)?\d){4,10})(?![\d])(?![.,]\d)"
)
_SEPARATORS = re.compile(r"\s?[-–./]\s?|\s")
_NOT_A_PHONE_BEFORE = re.compile(
    r"(bank ?giro|bg|plus ?giro|pg|swish|clearing|konto|ocr|order|faktura|ärende|referens|"
    r"org\.? ?nr|organisationsnummer|diarie|kundnummer|medlemsnummer|avi|kl\.?|klockan|"
    r"mellan|öppet|personnummer|pnr)\W{0,3}(nummer|nr|nummret|numret)?\W{0,3}$",
    re.IGNORECASE,
)
_TIME_RANGE = re.compile(r"^\d{1,2}[.:]\d{2}\s?[-–]\s?\d{1,2}[.:]\d{2}$")
_MOBILE = ("70", "72", "73", "76", "79")


def _national_digits(prefix: str, digits: str) -> str:
    """The national significant number: area code and subscriber number, no leading 0."""
    area = re.sub(r"\D", "", prefix)
    if area.startswith(("46", "0046")):
        return digits
    return area.lstrip("0") + digits if prefix.startswith("(") else digits


def _valid_phone(national: str) -> bool:
    if not national or national[0] == "0":
        return False
    if national.startswith("7"):
        return national[:2] in _MOBILE and len(national) == 9
    return 7 <= len(national) <= 9


def _phone_match(text: str, match: re.Match[str]) -> tuple[int, int] | None:
    """The span of a valid phone number in this match, dropping trailing groups if needed."""
    rest = match["rest"]
    cuts = [m.start() for m in _SEPARATORS.finditer(rest)] + [len(rest)]
    for cut in reversed(cuts):
        digits = re.sub(r"\D", "", rest[:cut])
        if _valid_phone(_national_digits(match["prefix"], digits)):
            end = match.start("rest") + cut
            if _TIME_RANGE.match(text[match.start() : end]):
                return None
            return match.start(), end
    return None


def _phone_at(text: str, start: int) -> bool:
    match = _PHONE.match(text, start)
    return bool(match and _phone_match(text, match))


def phones(text: str) -> Iterator[Finding]:
    """Swedish phone numbers: mobile and landline, national, +46, 0046 or +46 (0)."""
    for match in _PHONE.finditer(text):
        if _NOT_A_PHONE_BEFORE.search(text[max(0, match.start() - 30) : match.start()]):
            continue
        span = _phone_match(text, match)
        if span:
            start, end = span
            detector = (
                "phone.international"
                if match["prefix"][:1] in "+0" and (match["prefix"].startswith(("+", "00")))
                else "phone.swedish"
            )
            yield Finding("phone", start, end, text[start:end], detector)


# ---------------------------------------------------------------- e-mail

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_DOT = (
    r"(?:\s*(?:\(punkt\)|\[punkt\]|<punkt>|\{punkt\}|\(dot\)|\[dot\]|<dot>|\{dot\}|\(\.\))\s*"
    r"|\s+(?:punkt|dot)\s+|\s?\.\s?)"
)
_AT = (
    r"(?:\s*(?:\(at\)|\[at\]|<at>|\{at\}|\(@\)|\[@\]|\(a\)|\(snabel[- ]?a\)|\[snabel[- ]?a\]"
    r"|<snabel[- ]?a>)\s*|\s+(?:at|snabel[- ]?a|@)\s+|\s*snabel-?a\s*|(?<=\w)@(?=\w))"
)
_TLD = r"(?:se|com|nu|org|net|fi|no|dk|eu|info|io|de|uk|biz|me)"
_OBFUSCATED = re.compile(
    rf"(?<![\w.+-])[\w+-]+(?:{_DOT}[\w+-]+)*{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}{_TLD}(?![\w-])",
    re.IGNORECASE,
)


def emails(text: str) -> Iterator[Finding]:
    """E-mail addresses, also written with at/snabel-a/(at)/[at] and punkt/dot/[dot]."""
    taken: list[tuple[int, int]] = []
    for match in _EMAIL.finditer(text):
        taken.append(match.span())
        yield Finding("email", match.start(), match.end(), match.group(), "email.plain")
    for match in _OBFUSCATED.finditer(text):
        if any(a < match.end() and match.start() < b for a, b in taken):
            continue
        yield Finding("email", match.start(), match.end(), match.group(), "email.obfuscated")


# ---------------------------------------------------------------- street addresses

_STREET_SUFFIX = (
    r"(?:gatan|gata|vägen|gränd|gränden|stigen|torget|torg|allén|allé|backen|backe|leden|"
    r"gången|platsen|stråket|esplanaden|kajen|promenaden|slingan|ringen|liden|bryggan|höjden|"
    r"udden|svängen|kroken|gärdet|vallen|hagen|ängen|parken|strand|stranden|kullen|berget)"
)
_ADDRESS = re.compile(
    r"(?<![\w-])(?:(?:Stora|Lilla|Norra|Södra|Östra|Västra|Gamla|Nya|Övre|Nedre|S:t|Sankt)\s)?"
    r"(?P<street>[A-ZÅÄÖa-zåäö][a-zåäöé]+(?:-[a-zåäöé]+)?" + _STREET_SUFFIX + r"|"
    r"[A-ZÅÄÖ][a-zåäöé]+\s(?:[Gg]ata|[Vv]äg|[Gg]ränd|[Tt]org|[Aa]llé))"
    r"\s(?P<number>\d{1,3}(?:\s?[A-Za-z](?![\wåäö]))?(?:-\d{1,3})?)(?![\d,.]\d)"
    r"(?P<unit>(?:,?\s(?:lgh|lägenhet|uppg(?:ång)?|ingång|vån(?:ing)?|tr(?:appor)?|nb|"
    r"bv|c/o)\.?\s?\w{0,5})*)"
    r"(?P<post>,?\s\d{3}\s?\d{2}(?:\s+[A-ZÅÄÖ][a-zåäöé]+(?:[- ][A-ZÅÄÖ][a-zåäöé]+)?)?"
    r"|,\s[A-ZÅÄÖ][a-zåäöé]+(?:[- ][A-ZÅÄÖ][a-zåäöé]+)?(?![\w]))?"
)
_UNIT_AFTER = re.compile(
    r"^\s?(?:km|m|meter|kr|kronor|minuter|min|år|%|procent|st|gånger|timmar|dagar|veckor|"
    r"bussar|platser|barn|personer|hus|lägenheter|mil)\b"
)
_NOT_STREETS = {
    "riksvägen", "länsvägen", "europavägen", "motorvägen", "ingången", "uppgången",
    "övergången", "utgången", "nedgången", "gången", "genomgången", "gångvägen",
}  # fmt: skip


def addresses(text: str) -> Iterator[Finding]:
    """A street name with a house number (entrance, apartment, postcode, town if present)."""
    for match in _ADDRESS.finditer(text):
        after = text[match.end("number") :]
        if match["street"].lower() in _NOT_STREETS or _UNIT_AFTER.match(after):
            continue
        yield Finding("address", match.start(), match.end(), match.group(), "address.street")


# ---------------------------------------------------------------- health next to a name

_HEALTH_VERBS = (
    "har|hade|är|ar|var|fått|fatt|fick|får|far|lider|led|behandlas|behandlades|blev|blivit|"
    "drabbats|drabbades|diagnostiserats|genomgår|ligger|tar|äter|gick|går|sitter|kämpar"
)


@cache
def _health_pattern() -> re.Pattern[str]:
    text = resources.files("delaktig.screening").joinpath("health_sv.txt").read_text("utf-8")
    words = [w for line in text.splitlines() for w in line.split("#", 1)[0].split()]
    health = alternatives("|".join(words), {})
    stop = "jag mig min mitt mina xname vi oss hans hennes deras sin sina sitt".split()
    stops = "|".join(re.escape(normalise_word(w)) for w in stop)
    gap = rf"(?:(?!(?:{stops}) )[^ §]+ ){{0,7}}?"
    return re.compile(rf"(?<![^ ])xname (?P<gap>{gap})(?P<health>{health}) ")


def health_named(text: str, stream: Stream) -> Iterator[Finding]:
    """A named person (first name from names_sv.txt) and a health word in the same sentence.

    The words between must include a verb ("har", "är", "fått", "lider" ...) and not "jag",
    "mig", "vi" or another name; a name right after "jag heter" / "mitt namn är" is the
    writer's own and is skipped.
    """
    pattern = _health_pattern()
    verbs = set(_HEALTH_VERBS.split("|"))
    source = stream.text
    for match in pattern.finditer(source):
        first, last = stream.token_range(match.start(), match.end())
        gap = match["gap"].split()
        if not (verbs & set(gap)) and not match["health"].startswith(("sjukskriv", "deprim")):
            continue
        before = [t.norm for t in stream.tokens[max(0, first - 2) : first]]
        if before[-1:] == ["heter"] or before[-2:] in (["namn", "är"], ["jag", "är"]):
            continue
        tokens = stream.tokens
        start, end = tokens[first].start, tokens[last].end
        yield Finding("health_named", start, end, text[start:end], "health_named.name_and_health")
