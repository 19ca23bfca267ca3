"""Normalising a text into a token stream that the term and pattern matchers run over.

Each word of the original text becomes one normalised token: lower case, accents other than
å/ä/ö removed (é → e), leetspeak digits and signs inside words read as letters (0→o, 1→i,
3→e, 4→a, 5→s, 7→t, @→a, $→s, ! and | → i), runs of a repeated letter collapsed to one
("hooora" → "hora", and also "fitta" → "fita": the term lists go through the same function,
so both sides agree), common sms and dialect spellings read as the standard word ("dej" →
"dig", "e" → "är", "veit" → "vet", "int" → "inte"). Å/ä/ö are kept in the token (so "höra"
is not "hora"); the matchers accept each list word also without them ("doda" for "döda",
see `fold`). Letters typed with spaces, dots or hyphens between them ("h o r a", "h-o-r-a")
are joined into one word; the enclitic pronouns of speech and dialect become words of their
own ("hänga'n" → "hänga honom", "ta'na" → "ta henne"). A capitalised word that is a common
Swedish first name becomes the token "xname"; a capitalised word right after it, a
capitalised word with a common surname ending (-sson, -berg, -qvist, -ström, -lund … — not
after a preposition, so "i Lund" stays a town) and a capitalised word after a title
("kommunalrådet Berg", "ordförande Holm") become "xsur", so patterns can ask for "a named
person". Every token keeps its span in the original text, and its sentence number and
whether it stands inside quotation marks.
"""

import bisect
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o"})
_ACCENTS = str.maketrans(
    {"é": "e", "è": "e", "ü": "u", "æ": "ä", "ø": "ö", "á": "a", "à": "a", "í": "i", "ó": "o"}
)
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "€": "e",
        "!": "i",
        "|": "i",
    }
)
_SMS = {
    "dej": "dig",
    "mej": "mig",
    "sej": "sig",
    "ja": "jag",
    "e": "är",
    "o": "och",
    "ngn": "någon",
    "nån": "någon",
    "nan": "någon",
    "ngt": "något",
    "nåt": "något",
    "kmr": "komer",
    "skal": "ska",
    "sk": "ska",
    "va": "var",
    "vart": "var",
    "d": "det",
    "u": "du",
    "veit": "vet",
    "däj": "dig",
    "mäj": "mig",
    "ho": "hon",
    "he": "det",
    "daj": "dig",
    "int": "inte",
    "ente": "inte",
    "ijäl": "ihjäl",
    "ihjel": "ihjäl",
    "jäkla": "jävla",
    "djävla": "jävla",
    "jvla": "jävla",
    "javla": "jävla",
    "hä": "det",
    "dä": "det",
    "hänne": "henne",
    "hänna": "henne",
    "sku": "skulle",
    "ba": "bara",
    "dåm": "dom",
    "nåra": "några",
}
# A capitalised word with a common Swedish surname ending ("Lindqvist", "Sandberg", "Perssons")
# is read as a surname, unless a preposition puts it in a place name ("i Lund").
_SURNAME = re.compile(
    r"\w+(?:sson|qvist|kvist|ström|berg|gren|lund|dahl|holm|blad|stedt|strand|bäck|sjö|fors|"
    r"löf|feldt|fält|gård|ling|mark|ros|blom|lind|én|ér)s?"
)
_PLACE_BEFORE = frozenset("i på från till mot vid utanför genom mellan om ur nära över".split())
# Titles of officials: a capitalised word right after one is a name ("kommunalrådet Berg").
_TITLE = re.compile(
    r"\w*(?:råd|rådet|ordförande|ordföranden|handläggare|handläggaren|tjänsteman|tjänstemannen|"
    r"rektor|rektorn|chef|chefen|politiker|politikern|ledamot|ledamoten|direktör|direktören|"
    r"sekreterare|sekreteraren|minister|ministern|borgmästare|landshövding|landshövdingen|"
    r"tjänsteperson|tjänstepersonen|kollega|kollegan|grannen|granne|fru|herr)"
)
# Enclitic forms in dialect and speech: "på't", "ta'n", "hänga'na". The pronouns 'n (honom)
# and 'na (henne) become words of their own; other enclitics are dropped.
_ENCLITIC = re.compile(r"['’](?:t|n|na|ru|e|u)$")
_PRONOUN_ENCLITIC = re.compile(r"(?<=\w)['’](?:n|na)$")
_ENCLITIC_PRONOUNS = {"'n": "honom", "'na": "henne"}
_WORD = re.compile(r"[\w@$€]+(?:[-'’!|][\w@$€]+)*")
_SENTENCE_BREAK = re.compile(r"(?<!\d)[.:](?!\d)|[!?](?!\w)|[;\n]|\s[-–]\s")
_QUOTE = re.compile(r"(?<![\w])(['\"”“«‘„])(.+?)(['\"”“»’])(?![\w])", re.S)
_REPEAT = re.compile(r"(.)\1+")
BREAK = "§"


@dataclass(frozen=True)
class Token:
    norm: str
    start: int
    end: int
    sentence: int
    quoted: bool
    capitalised: bool


def normalise_word(word: str) -> str:
    """One word as the matchers see it (see the module docstring)."""
    lower = word.lower().replace("’", "'")
    if lower in _ENCLITIC_PRONOUNS:
        return _ENCLITIC_PRONOUNS[lower]
    lower = _ENCLITIC.sub("", lower).replace("'", "")
    if any(c.isalpha() for c in lower):
        lower = lower.translate(_LEET)
    collapsed = _REPEAT.sub(r"\1", lower.translate(_ACCENTS))
    return _SMS.get(collapsed, collapsed)


def fold(word: str) -> str:
    """A normalised word without å/ä/ö, as typed on a keyboard without them ("doda")."""
    return word.translate(_FOLD)


@cache
def first_names() -> frozenset[str]:
    """Common Swedish first names (data file names_sv.txt), normalised."""
    text = resources.files("delaktig.screening").joinpath("names_sv.txt").read_text("utf-8")
    names: set[str] = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.update(normalise_word(name) for name in line.split())
    return frozenset(names)


def _raw_words(text: str) -> list[tuple[str, int, int]]:
    """Words with spans, joining letters spelled out with spaces or dots ("h o r a")."""
    words: list[tuple[str, int, int]] = []
    for match in _WORD.finditer(text):
        enclitic = _PRONOUN_ENCLITIC.search(match.group())
        if enclitic:  # "hänga'n" is "hänga" and "'n" (honom)
            cut = match.start() + enclitic.start()
            words.append((text[match.start() : cut], match.start(), cut))
            words.append((text[cut : match.end()], cut, match.end()))
            continue
        parts = re.split(r"[-]", match.group())
        if len(parts) > 1 and all(parts):
            offset = match.start()
            for part in parts:
                words.append((part, offset, offset + len(part)))
                offset += len(part) + 1
        else:
            words.append((match.group(), match.start(), match.end()))
    joined: list[tuple[str, int, int]] = []
    index = 0
    while index < len(words):
        end = index
        while (
            end + 1 < len(words)
            and len(words[end][0]) == 1
            and len(words[end + 1][0]) == 1
            and words[end][0].isalpha()
            and words[end + 1][0].isalpha()
            and re.fullmatch(r"[ .*_-]{1,2}", text[words[end][2] : words[end + 1][1]])
        ):
            end += 1
        if end - index >= 2:
            letters = "".join(w[0] for w in words[index : end + 1])
            joined.append((letters, words[index][1], words[end][2]))
            index = end + 1
        else:
            joined.append(words[index])
            index += 1
    return joined


def _is_surname(word: str, previous: str, sentence_start: bool) -> bool:
    """A capitalised word read as someone's surname (see `_SURNAME` and `_TITLE`)."""
    if previous in _PLACE_BEFORE:
        return False
    if not sentence_start and _TITLE.fullmatch(previous):
        return True
    return len(word) > 4 and _SURNAME.fullmatch(word.lower()) is not None


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTE.finditer(text)]


def tokenise(text: str) -> list[Token]:
    """The normalised tokens of a text (see the module docstring)."""
    breaks = [m.start() for m in _SENTENCE_BREAK.finditer(text)]
    quotes = _quoted_spans(text)
    names = first_names()
    tokens: list[Token] = []
    previous_name = False
    previous_sentence = -1
    previous = ""
    for word, start, end in _raw_words(text):
        sentence = bisect.bisect_left(breaks, start)
        norm = normalise_word(word)
        capitalised = word[:1].isupper()
        sentence_start = sentence != previous_sentence
        if capitalised and norm in names and not (sentence_start and len(norm) <= 2):
            norm, is_name = "xname", True
        elif capitalised and previous_name and not sentence_start and word[1:].islower():
            norm, is_name = "xsur", False
        elif capitalised and word[1:].islower() and _is_surname(word, previous, sentence_start):
            norm, is_name = "xsur", False
        else:
            is_name = False
        quoted = any(a <= start < b for a, b in quotes)
        tokens.append(Token(norm, start, end, sentence, quoted, capitalised))
        previous_name = is_name
        previous_sentence = sentence
        previous = norm
    return tokens


@dataclass(frozen=True)
class Stream:
    """The tokens joined as "tok tok tok " with a map from stream offsets back to tokens."""

    text: str
    tokens: tuple[Token, ...]
    offsets: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> "Stream":
        """The stream of a text; a token "§" marks each sentence break and the end."""
        tokens: list[Token] = []
        for token in tokenise(text):
            if tokens and token.sentence != tokens[-1].sentence:
                tokens.append(Token(BREAK, token.start, token.start, token.sentence, False, False))
            tokens.append(token)
        if tokens:  # the text ends a sentence too
            end = len(text)
            tokens.append(Token(BREAK, end, end, tokens[-1].sentence + 1, False, False))
        offsets = []
        position = 0
        for token in tokens:
            offsets.append(position)
            position += len(token.norm) + 1
        return cls(" ".join(t.norm for t in tokens) + " ", tuple(tokens), tuple(offsets))

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """The first and last token index covered by stream offsets [start, end)."""
        first = bisect.bisect_right(self.offsets, start) - 1
        last = bisect.bisect_right(self.offsets, max(start, end - 2)) - 1
        return max(first, 0), max(last, first, 0)
