"""Threats, hate and harassment: term lists, patterns and the context rules that weigh them."""

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from .model import Finding, Term
from .patterns import PatternError, compile_pattern, token_matcher
from .text import BREAK, Stream, fold, normalise_word


@dataclass(frozen=True)
class Rule:
    """One compiled term or pattern."""

    detector: str
    label: str
    severity: str
    regex: re.Pattern[str]
    term: str
    needs_target: bool = False
    veiled: bool = False


@dataclass(frozen=True)
class Lexicon:
    """The built-in lists, compiled once."""

    macros: Mapping[str, str]
    rules: tuple[Rule, ...]
    hate_predicates: tuple[Rule, ...]
    groups: re.Pattern[str]
    target: re.Pattern[str]
    reporting: re.Pattern[str]
    victim: tuple[re.Pattern[str], ...]
    electoral: re.Pattern[str]
    person: re.Pattern[str]  # one person named or addressed (not a group, not "ni")


@dataclass(frozen=True)
class Hit:
    rule: Rule
    first: int  # token indexes in the stream, inclusive
    last: int


def _term_spec(term: Term) -> str:
    """The pattern (patterns.py syntax) for a term."""
    cleaned = re.sub(r"[^\w\s|'’@$€-]", " ", term.text)
    words = [w.strip("-") for w in cleaned.split()]
    if not words or not all(words):
        raise PatternError(f"nothing to match in {term.text!r}")

    def one(alternative: str, suffix: str, compound: bool) -> str:
        parts = [p for p in alternative.split("-") if p]
        if not parts:
            raise PatternError(f"nothing to match in {term.text!r}")
        parts[-1] += suffix
        if compound and len(parts) == 1 and len(normalise_word(parts[0].rstrip("+*"))) >= 5:
            parts[0] = "%" + parts[0]
        return "_".join(parts)

    if term.match == "prefix":
        items = ["|".join(one(a, "*", False) for a in w.split("|") if a) for w in words]
        return " ".join(items)
    compound = term.match == "word" and len(words) == 1
    items = ["|".join(one(a, "+", compound) for a in w.split("|") if a) for w in words]
    return (" ~2 " if term.match == "phrase" else " ").join(items)


def term_rule(term: Term, macros: Mapping[str, str], origin: str = "org_terms") -> Rule:
    """Compile a term; `origin` is "terms" for the built-in lists, "org_terms" for additions."""
    regex = compile_pattern(_term_spec(term), macros)
    return Rule(
        f"{origin}.{term.label}",
        term.label,
        term.severity,
        regex,
        term.text,
        needs_target=term.needs_target,
    )


def _data() -> dict[str, Any]:
    text = resources.files("delaktig.screening").joinpath("terms_sv.toml").read_text("utf-8")
    return tomllib.loads(text)


def _compound_slur_rule(entry: Mapping[str, Any]) -> Rule:
    """One rule for every group word joined to every contempt word ("lapp" + "jävel")."""

    def forms(words: str) -> str:
        normalised = {normalise_word(w) for w in words.split("|") if w}
        both = sorted(normalised | {fold(w) for w in normalised}, key=lambda w: (-len(w), w))
        return "|".join(re.escape(w) for w in both)

    regex = re.compile(f"(?<![^ ])(?:{forms(entry['groups'])})(?:{forms(entry['tails'])})[^ §]* ")
    return Rule("pattern.hate.slur_compound", "hate", entry.get("severity", "medium"), regex, "")


@cache
def lexicon() -> Lexicon:
    """The built-in lists from terms_sv.toml, compiled."""
    data = _data()
    macros: dict[str, str] = dict(data["macros"])
    rules: list[Rule] = []
    for entry in data.get("term", []):
        match = entry.get("match", "word")
        single = match != "phrase" and len(entry["text"].split()) == 1
        for text in entry["text"].split("|") if single else [entry["text"]]:
            term = Term(
                text,
                entry["label"],
                entry.get("severity", "medium"),
                match,
                entry.get("needs_target", False),
            )
            rules.append(term_rule(term, macros, origin="terms"))
    for entry in data.get("pattern", []):
        rules.append(
            Rule(
                f"pattern.{entry['label']}.{entry['id']}",
                entry["label"],
                entry["severity"],
                compile_pattern(entry["pattern"], macros),
                entry["id"],
                needs_target=entry.get("needs_target", False),
                veiled=entry.get("veiled", False),
            )
        )
    if "compound_slur" in data:
        rules.append(_compound_slur_rule(data["compound_slur"]))
    predicates = tuple(
        Rule(
            f"rule.hate.{entry['id']}",
            "hate",
            entry.get("severity", "medium"),
            compile_pattern(entry["pattern"], macros),
            entry["id"],
        )
        for entry in data.get("hate_predicate", [])
    )
    context = data["context"]
    return Lexicon(
        macros=macros,
        rules=tuple(rules),
        hate_predicates=predicates,
        groups=compile_pattern("@G", macros),
        target=token_matcher("@T", macros),
        reporting=token_matcher(context["reporting"], macros),
        victim=tuple(compile_pattern(p, macros) for p in context["victim"]),
        electoral=token_matcher(context["electoral"], macros),
        person=token_matcher("@P", macros),
    )


def _hits(stream: Stream, rules: Iterable[Rule]) -> Iterator[Hit]:
    for rule in rules:
        for match in rule.regex.finditer(stream.text):
            first, last = stream.token_range(match.start(), match.end())
            while first < last and stream.tokens[first].norm == BREAK:
                first += 1
            while last > first and stream.tokens[last].norm == BREAK:
                last -= 1
            yield Hit(rule, first, last)


@dataclass(frozen=True)
class _Context:
    """What the whole text says about how to read the hits."""

    reported_anywhere: bool
    victim: bool
    electoral: bool


def _context(stream: Stream, lex: Lexicon) -> _Context:
    norms = [t.norm for t in stream.tokens]
    # "om du röstar ja" is the target's own vote in a council, not an election: a vote word
    # right after one person named or addressed, or before "ja"/"nej" (normalised "ja" is
    # "jag"), does not make the text electoral.
    electoral = any(
        lex.electoral.fullmatch(n)
        and not (i and lex.person.fullmatch(norms[i - 1]))
        and not (i + 1 < len(norms) and norms[i + 1] in ("jag", "nej"))
        for i, n in enumerate(norms)
    )
    return _Context(
        reported_anywhere=any(lex.reporting.fullmatch(n) for n in norms),
        victim=any(p.search(stream.text) for p in lex.victim),
        electoral=electoral,
    )


def _sentence(stream: Stream, hit: Hit) -> range:
    sentence = stream.tokens[hit.first].sentence
    tokens = stream.tokens
    start = hit.first
    while start > 0 and tokens[start - 1].sentence == sentence:
        start -= 1
    end = hit.last
    while end + 1 < len(tokens) and tokens[end + 1].sentence == sentence:
        end += 1
    return range(start, end + 1)


def _suppressed(stream: Stream, hit: Hit, lex: Lexicon, context: _Context) -> bool:
    """The context rules: reported speech, victims' reports, elections, missing targets."""
    tokens = stream.tokens
    if context.victim:
        return True
    quoted = any(tokens[i].quoted for i in range(hit.first, hit.last + 1))
    if quoted and context.reported_anywhere:
        return True
    sentence = _sentence(stream, hit)
    if any(lex.reporting.fullmatch(tokens[i].norm) for i in sentence if i < hit.first):
        return True
    if hit.rule.veiled and context.electoral:
        return True
    if hit.rule.needs_target:
        outside = (i for i in sentence if not hit.first <= i <= hit.last)
        if not any(lex.target.fullmatch(tokens[i].norm) for i in outside):
            return True
    return False


def _overlaps(hit: Hit, others: Sequence[Hit]) -> bool:
    return any(o.first <= hit.last and hit.first <= o.last for o in others)


def _hate_rule_hits(stream: Stream, lex: Lexicon) -> Iterator[Hit]:
    """A protected group and a hateful predicate in the same sentence."""
    groups = list(_hits(stream, [Rule("group", "hate", "medium", lex.groups, "group")]))
    if not groups:
        return
    for predicate in _hits(stream, lex.hate_predicates):
        sentence = stream.tokens[predicate.first].sentence
        for group in groups:
            if stream.tokens[group.first].sentence == sentence and not (
                group.first == predicate.first and group.last == predicate.last
            ):
                first = min(group.first, predicate.first)
                last = max(group.last, predicate.last)
                yield Hit(predicate.rule, first, last)
                break


SLUR_DETECTORS = frozenset({"terms.hate", "pattern.hate.slur", "pattern.hate.slur_compound"})


def _slurs_at_a_person(stream: Stream, hits: Iterable[Hit], lex: Lexicon) -> Iterator[Hit]:
    """A slur in a sentence that names or addresses one person is harassment of them too."""
    tokens = stream.tokens
    for hit in hits:
        if hit.rule.detector not in SLUR_DETECTORS:
            continue
        sentence = _sentence(stream, hit)
        if any(
            lex.person.fullmatch(tokens[i].norm) for i in sentence if not hit.first <= i <= hit.last
        ):
            rule = Rule(
                "rule.harassment.slur_at_person", "harassment", "medium", lex.groups, hit.rule.term
            )
            yield Hit(rule, hit.first, hit.last)


def harmful_findings(text: str, stream: Stream, terms: Sequence[Term] = ()) -> list[Finding]:
    """Threat, hate and harassment findings from the built-in lists and the given terms."""
    lex = lexicon()
    extra = _compiled_terms(tuple(terms))
    allow_hits = list(_hits(stream, extra[1]))
    context = _context(stream, lex)
    candidates = [*_hits(stream, lex.rules), *_hits(stream, extra[0])]
    candidates.extend(_hate_rule_hits(stream, lex))
    candidates.extend(list(_slurs_at_a_person(stream, candidates, lex)))
    findings: dict[tuple[str, int, int, str], Finding] = {}
    for hit in candidates:
        if _overlaps(hit, allow_hits) or _suppressed(stream, hit, lex, context):
            continue
        start, end = stream.tokens[hit.first].start, stream.tokens[hit.last].end
        rule = hit.rule
        key = (rule.label, start, end, rule.detector)
        if key not in findings:
            findings[key] = Finding(
                rule.label, start, end, text[start:end], rule.detector, rule.severity, rule.term
            )
    return list(findings.values())


@lru_cache(maxsize=64)
def _compiled_terms(terms: tuple[Term, ...]) -> tuple[tuple[Rule, ...], tuple[Rule, ...]]:
    """An organisation's terms compiled: (flagging rules, "allow" rules)."""
    macros = lexicon().macros
    flagging: list[Rule] = []
    allowing: list[Rule] = []
    for term in terms:
        rule = term_rule(term, macros)
        (allowing if term.label == "allow" else flagging).append(rule)
    return tuple(flagging), tuple(allowing)
