"""A small pattern language over the normalised token stream (see `text.Stream`).

A pattern is a sequence of items separated by spaces; every item matches one token:

- `ord` the word exactly (after normalisation; a word with å/ä/ö also without them, so
  "döda" matches "döda" and "doda", but "hora" does not match "höra");
- `ord+` the word with Swedish inflection endings (-en -et -er -ar -or -na -erna -arna -orna
  -s -a -e -t -n -ade -at -ad -ande -de -te -are ..., and for a word ending in -a/-e of four
  letters or more also its stem: "hora+" matches "horor", "horan", "hororna");
- `ord*` any word starting with it; `%ord+` the word also as the last part of a compound
  ("%förrädare+" matches "landsförrädare");
- `a|b|c` any of the alternatives, and `a_b` the words a and b in a row (so "på_käften");
  `@X` the alternatives of macro X (defined in the data file);
- an item ending in `?` may be left out; `~N` allows up to N other words here;
- `!a|b` the next word is none of these (matches no token); `$` the sentence ends here
  (as an alternative, `$|nu` : the sentence ends or the next word is "nu").

No item matches across a sentence break ("§"), so a pattern stays inside one sentence.
"""

import re
from collections.abc import Mapping

from .text import BREAK, fold, normalise_word

ENDINGS = sorted(
    {
        "a", "e", "en", "et", "er", "ar", "or", "na", "ne", "erna", "arna", "orna", "s", "es",
        "ens", "ets", "ers", "ars", "ors", "ernas", "arnas", "ornas", "ade", "ades", "at", "ad",
        "ande", "ende", "t", "n", "r", "de", "te", "d", "are", "aren", "arens", "as", "ans",
        "ast", "aste", "ats", "ts", "ns", "rna",
    },
    key=lambda e: (-len(e), e),
)  # fmt: skip
_ENDINGS = "(?:" + "|".join(ENDINGS) + ")"
_TOKEN_CHAR = "[^ §]"  # noqa: S105 (one character of a token, not a password)
FILLER = f"(?:{_TOKEN_CHAR}+ )"


class PatternError(ValueError):
    """A pattern or term that cannot be compiled."""


def inflected(word: str) -> str:
    """A regex for a normalised word and its inflected forms.

    The stem of a word ending in -a/-e (four letters or more) only counts with an ending:
    "hora+" matches "horor" and "horan", not "hor".
    """
    if len(word) >= 4 and word[-1] in "ae":
        return f"(?:{re.escape(word)}{_ENDINGS}?|{re.escape(word[:-1])}{_ENDINGS})"
    return f"{re.escape(word)}{_ENDINGS}?"


def _alternative(spec: str, macros: Mapping[str, str], depth: int) -> str:
    if spec == "$":
        return BREAK
    if "_" in spec:
        return " ".join(_alternative(part, macros, depth) for part in spec.split("_") if part)
    if spec.startswith("@"):
        if spec[1:] not in macros or depth > 4:
            raise PatternError(f"unknown macro {spec}")
        return alternatives(macros[spec[1:]], macros, depth + 1)
    compound = spec.startswith("%")
    word = spec.lstrip("%")
    suffix = word[-1] if word[-1:] in "+*" else ""
    word = normalise_word(word.rstrip("+*"))
    if not word or not re.fullmatch(r"[\wa-z§]+", word):
        raise PatternError(f"not a word: {spec!r}")
    bodies = []
    for form in dict.fromkeys([word, fold(word)]):
        if suffix == "+":
            bodies.append(inflected(form))
        elif suffix == "*":
            bodies.append(re.escape(form) + f"{_TOKEN_CHAR}*")
        else:
            bodies.append(re.escape(form))
    body = bodies[0] if len(bodies) == 1 else "(?:" + "|".join(bodies) + ")"
    return f"{_TOKEN_CHAR}*{body}" if compound else body


def alternatives(spec: str, macros: Mapping[str, str], depth: int = 0) -> str:
    """A regex matching exactly one token that is any of the "|"-separated alternatives."""
    parts = [p for p in spec.split("|") if p]
    if not parts:
        raise PatternError(f"empty item {spec!r}")
    return "(?:" + "|".join(_alternative(p, macros, depth) for p in parts) + ")"


def compile_pattern(spec: str, macros: Mapping[str, str]) -> re.Pattern[str]:
    """Compile a pattern (see the module docstring) to a regex over `Stream.text`."""
    pieces = ["(?<![^ ])"]
    items = spec.split()
    if not items:
        raise PatternError("empty pattern")
    for item in items:
        if re.fullmatch(r"~\d", item):
            pieces.append(f"{FILLER}{{0,{item[1]}}}")
        elif item == "$":
            pieces.append("(?=§ |$)")
        elif item.startswith("!"):
            pieces.append(f"(?!{alternatives(item[1:], macros)} )")
        elif item.endswith("?"):
            pieces.append(f"(?:{alternatives(item[:-1], macros)} )?")
        else:
            pieces.append(f"{alternatives(item, macros)} ")
    return re.compile("".join(pieces))


def token_matcher(spec: str, macros: Mapping[str, str]) -> re.Pattern[str]:
    """A regex that fullmatches one normalised token against "|"-separated alternatives."""
    return re.compile(alternatives(spec, macros))
