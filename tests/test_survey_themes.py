"""Theme finding for free-text survey answers (pure Python, no database)."""

import random

import pytest
from sklearn.metrics import adjusted_rand_score

from delaktig.surveys.themes import Theme, ThemeResult, find_themes, split_theme, tokens

# Answers to "Vad skulle göra det lättare att delta i regionens medborgardialoger?",
# eight per planted topic, with varying word forms.
CORPUS: dict[str, list[str]] = {
    "trafik": [
        "Bättre bussförbindelser till mötena, bussen går för sällan från byn.",
        "Det går inga bussar på kvällen hem från Östersund efter mötet.",
        "Kollektivtrafiken måste passa mötestiderna, annars kommer jag inte dit.",
        "Fler bussar och tåg till orten där mötet hålls.",
        "Gratis bussresa eller busskort till dialogmötet vore bra.",
        "Jag har ingen bil och bussarna slutar gå vid sex.",
        "Samåkning eller en buss från kommunens mindre orter till mötena.",
        "Kollektivtrafik till mötena, tåget och bussarna är för dyra.",
    ],
    "tider": [
        "Håll mötena på kvällstid, jag jobbar dagtid.",
        "Möten på helgen i stället för mitt på dagen när man jobbar.",
        "Senare tider på kvällen, efter arbetstid.",
        "Kvällsmöten eller helgmöten skulle passa mig som jobbar heltid.",
        "Ha dialogerna på lördagar eller söndagar, helger passar bäst.",
        "Tiderna är dåliga, mötena ligger alltid på arbetstid.",
        "Erbjud både kvällar och helger så fler kan komma efter jobbet.",
        "Jag jobbar skift, så olika tider på dagen och kvällen vore bra.",
    ],
    "digitalt": [
        "Kunna delta digitalt via webben eller en app.",
        "Sänd mötena digitalt så man kan följa dem hemifrån på webben.",
        "En app där man kan lämna synpunkter digitalt när det passar.",
        "Digitala möten på Teams eller Zoom vore smidigt.",
        "Webbenkät och digital dialog i stället för fysiska möten.",
        "Let me join online, a website or an app would be easier.",
        "Digital medverkan via mobilen, appen och webbsidan.",
        "Livesända dialogerna på webben och ta emot frågor digitalt.",
    ],
    "sprak": [
        "Tolk på mötena, jag pratar inte så bra svenska.",
        "Information på lättläst svenska och på andra språk.",
        "Erbjud tolkar till arabiska och somaliska på mötet.",
        "Material på flera språk, inte bara svenska.",
        "Lättläst text och teckenspråkstolk vid dialogen.",
        "Språket i inbjudan är krångligt, skriv lättläst och enkel svenska.",
        "Tolkning till mitt modersmål skulle hjälpa mycket, språket är svårt.",
        "Översätt materialet till fler språk och ha tolk på plats.",
    ],
    "barn": [
        "Barnomsorg under mötet så att småbarnsföräldrar kan komma.",
        "Barnpassning vid mötena, jag har små barn hemma.",
        "Att barnen får följa med och att det finns barnvakt på plats.",
        "Ordna barnomsorg eller lek för barnen medan vi pratar.",
        "Som ensamstående förälder behöver jag barnpassning för att delta.",
        "Barnvakt eller barnhörna på mötet, barnen kan inte vara ensamma.",
        "Erbjud barnomsorg under dialogmötena för föräldrar med barn.",
        "Barnvänliga möten med barnpassning, barn är välkomna.",
    ],
}
TEXTS = [text for answers in CORPUS.values() for text in answers]
LABELS = [topic for topic, answers in CORPUS.items() for _ in answers]
JUNK = ["", "   ", "vet ej", "🙂", "...", "Vet inte!", "-", "123"]


def labels_of(result: ThemeResult, n: int) -> list[int]:
    labels = [-1] * n
    for number, theme in enumerate(result.themes):
        for i in theme.members:
            labels[i] = number
    return labels


def check_structure(result: ThemeResult, n: int) -> None:
    seen: list[int] = [i for theme in result.themes for i in theme.members]
    seen += result.unassigned
    assert sorted(seen) == sorted(set(seen)), "an answer is in two places"
    assert all(0 <= i < n for i in seen)
    sizes = [len(t.members) for t in result.themes]
    assert sizes == sorted(sizes, reverse=True)
    assert list(result.unassigned) == sorted(result.unassigned)
    for theme in result.themes:
        assert isinstance(theme, Theme)
        assert list(theme.members) == sorted(theme.members)
        assert 1 <= len(theme.representatives) <= 3
        assert len(set(theme.representatives)) == len(theme.representatives)
        assert set(theme.representatives) <= set(theme.members)
        assert len(theme.terms) <= 5


# --- tokens() ---------------------------------------------------------------------------------


def test_tokens_stem_inflected_forms_together() -> None:
    assert tokens("bussar bussen bussarna buss") == ["buss"] * 4
    assert len(set(tokens("kollektivtrafik kollektivtrafiken"))) == 1
    assert len(set(tokens("tolk tolkar tolken tolkarna"))) == 1


def test_tokens_drop_stop_words_and_lower_case() -> None:
    assert tokens("Jag och du är inte här") == []
    assert tokens("vet ej") == []
    assert tokens("Bussarna går för SÄLLAN") == ["buss", "går"]


def test_tokens_keep_swedish_letters() -> None:
    assert tokens("Östersunds") == tokens("östersund") == ["östersund"]
    assert tokens("Åre, Älvdalen och Övertorneå") == ["åre", "älvdal", "övertorneå"]


def test_tokens_drop_punctuation_urls_numbers_and_emoji() -> None:
    assert tokens("Se https://region.se/dialog?id=12 och www.example.com!") == []
    assert tokens("Mejla mig på anna@example.se") == ["mejl"]
    assert tokens("2024, 10:30 och 3 st 🙂🙂 ... !!!") == []
    assert tokens("barnomsorg!!!") == ["barnomsorg"]


# --- find_themes() ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_topics_are_recovered(seed: int) -> None:
    result = find_themes(TEXTS, seed=seed)
    check_structure(result, len(TEXTS))
    assert 4 <= len(result.themes) <= 8
    assigned = [i for t in result.themes for i in t.members]
    assert len(assigned) >= len(TEXTS) - 2
    score = adjusted_rand_score(LABELS, labels_of(result, len(TEXTS)))
    assert score >= 0.7


def test_terms_are_readable_words_of_the_corpus() -> None:
    result = find_themes(TEXTS)
    words = {w.lower().strip(".,!?") for text in TEXTS for w in text.split()}
    all_terms = [term for theme in result.themes for term in theme.terms]
    assert all_terms
    assert set(all_terms) <= words
    flat = set(all_terms)
    # Each planted topic shows up through a characteristic word in some theme's terms.
    for group in (
        {"bussar", "bussen", "buss", "bussarna", "kollektivtrafik", "kollektivtrafiken"},
        {"tolk", "språk", "lättläst", "svenska", "tolkar"},
        {"barnomsorg", "barn", "barnpassning", "barnen", "barnvakt"},
        {"digitalt", "webben", "app", "digital", "digitala"},
        {"helger", "kvällen", "tider", "helgen", "jobbar", "kvällstid"},
    ):
        assert flat & group, group


def test_representatives_are_typical_members() -> None:
    result = find_themes(TEXTS)
    for theme in result.themes:
        topics = [LABELS[i] for i in theme.members]
        majority = max(set(topics), key=topics.count)
        assert LABELS[theme.representatives[0]] == majority


def test_compounds_link_answers_that_share_no_whole_word() -> None:
    texts = [
        "Barnpassning",
        "Barnvakt på plats",
        "Barnomsorg under kvällen",
        "Lekhörna för barn",
        "Busskort till alla",
        "Bussar hem efteråt",
        "En busslinje till byn",
        "Bussförbindelser från orterna",
    ]
    result = find_themes(texts)
    assert {t.members for t in result.themes} == {(0, 1, 2, 3), (4, 5, 6, 7)}
    assert {t.terms[0] for t in result.themes} == {"barn", "bussar"}


def test_non_answers_are_unassigned() -> None:
    texts = TEXTS + JUNK
    result = find_themes(texts)
    check_structure(result, len(texts))
    junk = set(range(len(TEXTS), len(texts)))
    assert junk <= set(result.unassigned)
    assert not junk & {i for t in result.themes for i in t.members}


def test_only_non_answers() -> None:
    assert find_themes(JUNK) == ThemeResult(themes=(), unassigned=tuple(range(len(JUNK))))
    assert find_themes([]) == ThemeResult(themes=(), unassigned=())


def test_few_answers_form_a_single_theme() -> None:
    texts = ["Fler bussar", "vet ej", "Tolk på mötet", "Barnpassning"]
    result = find_themes(texts)
    assert len(result.themes) == 1
    assert result.themes[0].members == (0, 2, 3)
    assert result.unassigned == (1,)


def test_identical_answers_do_not_break_clustering() -> None:
    result = find_themes(["Fler bussar!"] * 10)
    assert len(result.themes) == 1
    assert result.themes[0].members == tuple(range(10))
    assert result.themes[0].terms == ("bussar",)


@pytest.mark.parametrize("max_themes", [1, 2, 3])
def test_max_themes_is_respected(max_themes: int) -> None:
    result = find_themes(TEXTS, max_themes=max_themes)
    check_structure(result, len(TEXTS))
    assert 1 <= len(result.themes) <= max_themes


def test_min_theme_size_is_respected() -> None:
    result = find_themes(TEXTS + JUNK, min_theme_size=6)
    assert all(len(t.members) >= 6 for t in result.themes)


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError):
        find_themes(TEXTS, max_themes=0)
    with pytest.raises(ValueError):
        split_theme(TEXTS, [0, 1], parts=0)
    with pytest.raises(IndexError):
        split_theme(TEXTS, [len(TEXTS)])


def test_deterministic() -> None:
    texts = TEXTS + JUNK
    first = find_themes(texts, seed=3)
    assert find_themes(texts, seed=3) == first
    assert find_themes(list(texts), seed=3) == first
    members = [i for i, label in enumerate(LABELS) if label in ("trafik", "barn")]
    assert split_theme(texts, members, seed=5) == split_theme(texts, members, seed=5)


# --- split_theme() ----------------------------------------------------------------------------


def test_split_theme_separates_two_planted_topics() -> None:
    texts = TEXTS + JUNK
    members = [i for i, label in enumerate(LABELS) if label in ("digitalt", "sprak")]
    members.append(len(TEXTS) + 2)  # "vet ej"
    result = split_theme(texts, list(reversed(members)))
    check_structure(result, len(texts))
    assert len(result.themes) == 2
    assert result.unassigned == (len(TEXTS) + 2,)
    groups = {frozenset(LABELS[i] for i in theme.members) for theme in result.themes}
    assert groups == {frozenset({"digitalt"}), frozenset({"sprak"})}


def test_split_theme_into_three_parts() -> None:
    members = [i for i, label in enumerate(LABELS) if label in ("trafik", "tider", "barn")]
    result = split_theme(TEXTS, members, parts=3)
    assert len(result.themes) == 3
    score = adjusted_rand_score(
        [LABELS[i] for i in members], [labels_of(result, len(TEXTS))[i] for i in members]
    )
    assert score >= 0.7


def test_split_theme_of_tiny_or_empty_selection() -> None:
    assert split_theme(TEXTS, []) == ThemeResult(themes=(), unassigned=())
    result = split_theme(TEXTS, [0, 8])
    assert len(result.themes) == 1
    assert result.themes[0].members == (0, 8)


# --- scale ------------------------------------------------------------------------------------

_TOPIC_WORDS = {
    "trafik": ["bussar", "bussen", "kollektivtrafik", "tåget", "busskort", "hållplats"],
    "tider": ["kvällstid", "helger", "kvällen", "lördagar", "arbetstid", "tiderna"],
    "digitalt": ["digitalt", "webben", "appen", "app", "digitala", "sända"],
    "sprak": ["tolk", "språk", "lättläst", "tolkar", "svenska", "översättning"],
    "barn": ["barnomsorg", "barnpassning", "barnen", "barnvakt", "föräldrar", "barn"],
}
_FILLER = ["möten", "mötet", "regionen", "dialog", "delta", "information", "gärna", "viktigt"]


def test_two_thousand_synthetic_answers() -> None:
    rng = random.Random(42)
    topics = list(_TOPIC_WORDS)
    texts: list[str] = []
    labels: list[str] = []
    for _ in range(2000):
        topic = rng.choice(topics)
        words = rng.sample(_TOPIC_WORDS[topic], 3) + rng.sample(_FILLER, 2)
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + ".")
        labels.append(topic)
    texts[7] = "vet ej"
    result = find_themes(texts, seed=1)
    check_structure(result, len(texts))
    assert 7 in result.unassigned
    assert len(result.themes) <= 8
    keep = [i for i in range(len(texts)) if i != 7]
    predicted = labels_of(result, len(texts))
    score = adjusted_rand_score([labels[i] for i in keep], [predicted[i] for i in keep])
    assert score >= 0.9
