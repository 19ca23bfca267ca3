"""Screening what residents write: personal data, threats, hate and harassment (Swedish).

A pure module (standard library only, no Django): `screen(text)` returns a `Screening` with
`Finding`s. The moderation app decides what to do with them (point personal data out to the
writer before sending; send threats, hate and harassment to pre-moderation). See
docs/screening.md for the measured precision and recall.

    >>> result = screen("Ring mig på 070-1740605 så pratar vi mer.")
    >>> [(f.label, f.text, f.detector) for f in result.findings]
    [('phone', '070-1740605', 'phone.swedish')]
    >>> screen("Det här beslutet är ett hån mot landsbygden.").clean
    True

Interface
    `screen(text, *, terms=(), classifiers=()) -> Screening`
    `Screening.findings` (text order), `.personal_data`, `.harmful`, `.labels`, `.severity`
    (highest harmful severity or None), `.clean`.
    `Finding(label, start, end, text, detector, severity=None, term="")`, `.kind`.
    `Term(text, label, severity="medium", match="word", needs_target=False)`: an
    organisation's own addition to the built-in lists, or an exception (`label="allow"`).
    `Classifier` (protocol: `name`, `classify(text) -> Sequence[Finding]`), `HttpClassifier`,
    `ClassifierUnavailable` (raised by a classifier that cannot answer; `screen` lets it
    through so the caller can send the text to a person).

Personal-data detectors (label: detector key)
    personnummer / samordningsnummer: "personnummer.luhn" / "samordningsnummer.luhn" —
        YYMMDD-NNNN, YYMMDDNNNN, YYYYMMDDNNNN, YYYYMMDD-NNNN, YYMMDD+NNNN (100 years or
        older), with a space, en dash or spaces around the dash. The date must exist and not
        be in the future (samordningsnummer: day + 60) and the Luhn check digit must be right,
        so order, invoice and case numbers of the same shape are not flagged.
    phone: "phone.swedish" / "phone.international" — 0…, +46…, 0046…, +46 (0)…, (08) …,
        grouped with spaces, hyphens, dots or slashes. Mobile numbers (070/072/073/076/079)
        need 10 digits, others 8 to 10. Not: 112, 1177, amounts, years, dates, times
        ("08.00-17.00"), "070-talet", numbers after bankgiro/plusgiro/Swish/OCR/order/faktura/
        ärende/kundnummer.
    email: "email.plain" / "email.obfuscated" — also "namn at example punkt se", "(at)",
        "[at] … [dot]", "<at>", "snabel-a"; an obfuscated address needs a known top-level
        domain (se, com, nu, org, net, fi, no, dk, eu, …).
    address: "address.street" — a street name ending in a street word (-gatan, -vägen,
        -gränd, -stigen, -torget, -allén, -backen, -leden, -gången, -platsen, -kajen, …, also
        "Stora Nygatan", "Kungs gata") and a house number (1–3 digits, letter, range), with
        apartment/entrance/floor, postcode and town when present. Not: a street without a
        number, a number followed by a unit (km, kr, minuter …), Riksvägen and the like.
    health_named: "health_named.name_and_health" — a capitalised common first name (data
        file names_sv.txt) followed in the same sentence, within eight words and through a
        verb (har, är, fått, lider av …), by a health word (health_sv.txt: diagnoses,
        illnesses, disabilities, treatments, sick leave). Not: "jag", "min bror" without a
        name, a name after "jag heter". Names outside the list are not recognised.

Harmful detectors (label, severity)
    The text is normalised to tokens (see `text.py`: case, å/ä/ö, leetspeak, repeated
    letters, letters spaced out, sms forms, enclitic pronouns "hänga'n"; first names become
    "xname", a surname after one, a capitalised word with a surname ending (-berg, -qvist,
    -sson …) or a capitalised word after a title ("kommunalrådet Berg") "xsur"). Then:
    terms: "terms.<label>" (built-in terms_sv.toml) and "org_terms.<label>" (the `terms`
        argument). match="word": the word and its inflections (-en -et -er -ar -or -na -erna
        -arna -s -a -ade -at -ande …; for a word ending in -a/-e also its stem: "hora" →
        "horor", "horan"), and, for words of five letters or more, as the last part of a
        compound ("landsförrädare" for "förrädare"). match="prefix": any word starting with
        the text ("neger" → "negrer…"). match="phrase": the words in order, each inflected,
        with up to two other words between them. "a|b" lists alternatives; a hyphen means
        the parts as separate words or one word.
    patterns: "pattern.<label>.<id>" — threats in context (we_know_where, you_will_see,
        you_will_regret, you_know_why, we_remember, beware, we_will_find_you,
        waiting_outside, bringing_a_weapon, go_die, kill, beat_up, arson, damage,
        sexual_threat, intent_violence, incitement, execution, body_harm, conditional,
        you_will_pay, last_warning, not_safe, coming_for_you, something_may_happen,
        take_care_of, visit, dead_man), hate (arson_religious, slur, slur_compound,
        vermin_origin) and harassment (wish_illness, no_peace, insult_predicate, degrading,
        sexual, stalking, doxxing, campaign). A killing or beating verb needs a person, role or
        group as its object and no particle after it ("döda dig", "någon borde hänga honom"),
        so "skjut upp beslutet", "hänga med", "dödar småföretagen" and "en bomb under
        budgeten" are not threats. slur_compound is one rule built from two lists in the data
        file (`[compound_slur]`): every protected group's word joined to every word of
        contempt ("lappjävel", "judesvin", "bögäckel", "zigenarpack").
    hate rule: "rule.hate.<id>" — a protected group (ethnicity, origin, religion, sexual
        orientation, gender identity, sex, disability, national minorities) and a hateful
        predicate (dehumanising: vermin, disease and animal words, "räknas inte som
        människor"; violence and extermination; exclusion: "ska kastas ut", "borde inte få
        rösta"; conspiracy; generalising crime; contempt) in the same sentence. A group named
        neutrally, with sympathy or negated ("invandrare är inte kriminella"), or a policy
        opinion is not hate.
    slur at a person: "rule.harassment.slur_at_person" — a slur (a hate term or slur
        pattern) in a sentence that names or addresses one person is harassment as well.
    context rules (what makes a hit not count): the text reports it (a reporting word —
        skrev, sa, kallade, hotade, stod, enligt, polisen … — earlier in the sentence, or the
        words are in quotation marks in a text that has a reporting word); the writer is the
        victim or a witness (polisanmält, "vad gör jag", "jag fick ett brev/sms" …) — then no
        harmful term in the whole text counts; a veiled threat ("ni kommer att ångra er",
        "vi kommer ihåg") in a text about an election, vote or protest; insult words
        (needs_target) when the sentence names or addresses nobody (so "så jävla dåligt"
        and "ett hån mot landsbygden" are clean); an organisation's "allow" term covering
        the words. A vote word right after one person ("om du röstar ja") or before
        "ja"/"nej" is a decision in a council, not an election.
    classifiers: "classifier.<name>" — whatever the given classifiers return.

What it does not do: understand irony, sarcasm or a threat spread over several sentences
that have no threatening words; read other languages than Swedish (English swear words are
not listed); recognise names that are not in names_sv.txt or surnames alone; catch
personal data written out in words ("noll sju noll …"). Built-in lists are data files an
organisation can extend with `terms` without changing code.
"""

from collections.abc import Sequence

from .harmful import harmful_findings
from .http import HttpClassifier
from .model import (
    HARMFUL_LABELS,
    PERSONAL_DATA_LABELS,
    Classifier,
    ClassifierUnavailable,
    Finding,
    Screening,
    Term,
)
from .patterns import PatternError
from .personal import addresses, emails, health_named, identity_numbers, luhn_check_digit, phones
from .text import Stream

__all__ = [
    "HARMFUL_LABELS",
    "PERSONAL_DATA_LABELS",
    "Classifier",
    "ClassifierUnavailable",
    "Finding",
    "HttpClassifier",
    "PatternError",
    "Screening",
    "Term",
    "luhn_check_digit",
    "screen",
]


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    """Drop a phone number that lies inside an identity number (the number is read once)."""
    identities = [f for f in findings if f.label in ("personnummer", "samordningsnummer")]
    return [
        f
        for f in findings
        if f.label != "phone" or not any(i.start < f.end and f.start < i.end for i in identities)
    ]


def screen(
    text: str, *, terms: Sequence[Term] = (), classifiers: Sequence[Classifier] = ()
) -> Screening:
    """Screen a text; see the module docstring for what each detector finds.

    `terms` are an organisation's additions and "allow" exceptions (invalid ones raise
    `PatternError`, a ValueError). `classifiers` are asked in order; a classifier that fails
    raises `ClassifierUnavailable`, which this function does not catch.
    """
    stream = Stream.of(text)
    findings = [
        *identity_numbers(text),
        *phones(text),
        *emails(text),
        *addresses(text),
        *health_named(text, stream),
    ]
    findings = _without_overlaps(findings)
    findings.extend(harmful_findings(text, stream, terms))
    for classifier in classifiers:
        findings.extend(
            f
            for f in classifier.classify(text)
            if f.label in HARMFUL_LABELS or f.label in PERSONAL_DATA_LABELS
        )
    findings.sort(key=lambda f: (f.start, f.end, f.label, f.detector))
    return Screening(tuple(findings))
