"""Group free-text survey answers (mostly Swedish, some English) into themes.

No Django here: the survey results page calls this and lets staff rename, merge and split
the themes it proposes.

Method
------
1. ``tokens()``: lower-case, drop URLs, e-mail addresses, numbers and punctuation, drop the
   stop words in ``stopwords_sv.txt`` (function words and survey filler such as "vet ej",
   matched on the word as written) and stem what is left with the Swedish Snowball stemmer,
   so "bussar", "bussen" and "bussarna" become one term.
2. Corpus-level refinements (``_Vocabulary``): stems Snowball leaves inflected are merged
   ("digitalt" → "digital", "mötena" → "möt") and compounds also count as their parts
   when those parts occur on their own ("barnpassning" → + "barn", "kvällsmöten" →
   + "kväll", "möt"). Without this, short Swedish answers on one topic often share no word.
3. TfidfVectorizer (its analyzer is ``_Vocabulary.features``) over unigrams and bigrams of
   those stems with sublinear tf; ``min_df`` is 1 for fewer than 10 answers, 2 up to 2,000
   answers and then grows by one per thousand (at most 5), so one-off words and typos do
   not become dimensions of their own. Rows are L2-normalised.
4. Clustering space. Up to ``_LSA_THRESHOLD`` answers, k-means runs on the normalised TF-IDF
   itself: it is small, and a truncated SVD of a few hundred short answers keeps too few
   directions to separate small themes. Above it, a 100-component TruncatedSVD (LSA),
   re-normalised, is used: k-means and the silhouette are then cheap dense computations
   (10,000 answers in a few seconds), and LSA merges near-synonyms that rarely co-occur.
5. k in ``2..max_themes`` is the one with the best mean silhouette (cosine) of a seeded
   k-means (fixed ``random_state``; 10 restarts, 3 above 2,000 answers). Above 2,000
   answers the silhouette is computed on a seeded sample of 2,000. Ties go to the smaller k.
6. Clusters smaller than ``min_theme_size`` are dissolved: each of their answers joins the
   surviving theme whose centroid is most similar, if it shares anything with it at all
   (cosine > 0); otherwise it is reported as unassigned, since there is no honest theme to
   put it in. If no cluster reaches ``min_theme_size``, all answers form one theme.

``unassigned`` therefore holds answers with no usable words ("", "vet ej", emoji, "..."),
plus answers whose words occur in no other answer (nothing to group them by) and, rarely,
answers of a dissolved tiny cluster that share nothing with any theme. Fewer than four
answers with usable words give a single theme holding all of them.

Themes are ordered largest first (equal sizes: smallest member index first); their terms
are the unigrams whose mean TF-IDF weight exceeds that of the other answers the most, each
shown as its most common written form; representatives are the members closest to the
theme's centroid in the clustering space. Everything is deterministic: the same texts and
seed give the same result.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import snowballstemmer
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
SparseMatrix = Any  # scipy.sparse CSR rows × features (scipy ships no type stubs here)

__all__ = ["Theme", "ThemeResult", "find_themes", "split_theme", "tokens"]

_MIN_ANSWERS_TO_CLUSTER = 4  # fewer usable answers than this: one theme
_LSA_THRESHOLD = 500  # more answers than this: cluster in an LSA reduction
_LSA_COMPONENTS = 100
_SILHOUETTE_SAMPLE = 2000
_N_INIT_SMALL = 10  # k-means restarts up to _SILHOUETTE_SAMPLE answers; cheap, and stabler
_N_INIT_LARGE = 3  # restarts above it, where one run already averages over many answers
_MAX_TERMS = 5
_MAX_REPRESENTATIVES = 3

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Theme:
    terms: tuple[str, ...]  # up to 5 readable top terms, most characteristic first
    members: tuple[int, ...]  # indices into the input texts, sorted
    representatives: tuple[int, ...]  # up to 3 most typical members, most typical first


@dataclass(frozen=True)
class ThemeResult:
    themes: tuple[Theme, ...]  # largest first; equal sizes by smallest member index
    unassigned: tuple[int, ...]  # sorted indices of answers no theme holds


@cache
def _stop_words() -> frozenset[str]:
    text = Path(__file__).with_name("stopwords_sv.txt").read_text(encoding="utf-8")
    words = (line.strip().lower() for line in text.splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


class _Analyser:
    """Stems words with a per-instance cache (a Snowball stemmer is not thread-safe)."""

    def __init__(self) -> None:
        self._stemmer = snowballstemmer.stemmer("swedish")
        self._stems: dict[str, str] = {}
        self._stop = _stop_words()

    def words(self, text: str) -> list[tuple[str, str]]:
        """(stem, word as written, lower-cased) for every usable word of ``text``."""
        text = unicodedata.normalize("NFC", text).lower()
        text = _URL.sub(" ", text)
        out: list[tuple[str, str]] = []
        for word in _WORD.findall(text):
            if len(word) < 2 or word in self._stop:
                continue
            stem = self._stems.get(word)
            if stem is None:
                stem = self._stemmer.stemWord(word)
                self._stems[word] = stem
            if len(stem) >= 2 and stem not in self._stop:
                out.append((stem, word))
        return out


def tokens(text: str) -> list[str]:
    """Lower-cased, Swedish-stemmed tokens of ``text`` without stop words.

    URLs, e-mail addresses, numbers, punctuation and one-letter words are dropped; å, ä
    and ö are kept.

        >>> tokens("Bussarna till Östersunds sjukhus går för sällan!")
        ['buss', 'östersund', 'sjukhus', 'går']
    """
    return [stem for stem, _ in _Analyser().words(text)]


def find_themes(
    texts: Sequence[str], *, max_themes: int = 8, min_theme_size: int = 2, seed: int = 0
) -> ThemeResult:
    """Themes among ``texts``; k in 2..``max_themes`` chosen by silhouette (see module doc)."""
    if max_themes < 1:
        raise ValueError("max_themes must be at least 1")
    return _themes(texts, range(len(texts)), max(1, min_theme_size), seed, max_k=max_themes)


def split_theme(
    texts: Sequence[str], members: Sequence[int], *, parts: int = 2, seed: int = 0
) -> ThemeResult:
    """Re-cluster just ``members`` of ``texts`` into ``parts`` themes (fewer only if the
    answers do not differ enough). TF-IDF is refitted on the members alone, so the words
    that tell them apart weigh more. Indices in the result still refer to ``texts``."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    n = len(texts)
    for i in members:
        if not -n <= i < n:
            raise IndexError(f"member {i} is not an index into texts")
    chosen = sorted({i % n for i in members}) if n else []
    return _themes(texts, chosen, 1, seed, fixed_k=parts)


_RESIDUAL_SUFFIXES = ("ena", "en", "et", "t")  # inflections Snowball leaves on some stems
_MIN_PREFIX = 4  # shortest known stem taken as the first part of a compound
_MIN_PART = 3  # shortest known stem taken as the last part, and shortest remainder


class _Vocabulary:
    """Corpus-level refinements of the Snowball stems before vectorising.

    * Residual inflections: a stem that is another stem of the corpus plus "-t", "-et",
      "-en" or "-ena" is merged into it ("digitalt" → "digital", "jobbet" → "jobb",
      "mötena" → "möten" → "möt").
    * Compounds: Swedish writes "barnpassning", "busskort", "kvällsmöten" as one word, so
      answers about the same thing often share no whole word. A compound also counts as
      its parts when a part is a stem used on its own elsewhere in the answers: a known
      first part of at least four letters (so "kvälls|möt" gives "kväll") or a known last
      part of at least three, each leaving at least three letters. The compound stays too.
    """

    def __init__(self, docs: list[list[str]]) -> None:
        known = {stem for doc in docs for stem in doc}
        self.canon: dict[str, str] = {}
        for stem in sorted(known, key=lambda s: (len(s), s)):  # bases before derived stems
            for suffix in _RESIDUAL_SUFFIXES:
                base = stem[: -len(suffix)]
                if stem.endswith(suffix) and len(base) >= _MIN_PART and base in known:
                    self.canon[stem] = self.canon.get(base, base)
                    break
        canonical = {self.canon.get(stem, stem) for stem in known}
        self.parts: dict[str, tuple[str, ...]] = {}
        for stem in canonical:
            found: list[str] = []
            for cut in range(len(stem) - _MIN_PART, _MIN_PREFIX - 1, -1):
                head = stem[:cut]
                if head in canonical:
                    found.append(head)
                    break
            for cut in range(_MIN_PART, len(stem) - _MIN_PART + 1):
                tail = stem[cut:]
                if tail in canonical:
                    found.append(tail)
                    break
            if found:
                self.parts[stem] = tuple(dict.fromkeys(found))

    def features(self, doc: list[str]) -> list[str]:
        """Unigrams (with compound parts) and bigrams of the refined stems of one answer."""
        stems = [self.canon.get(stem, stem) for stem in doc]
        unigrams = [p for stem in stems for p in (stem, *self.parts.get(stem, ()))]
        return unigrams + [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]


def _min_df(n_docs: int) -> int:
    if n_docs < 10:
        return 1
    return max(2, min(5, n_docs // 1000))


def _tfidf(docs: list[list[str]]) -> tuple[SparseMatrix, list[str], _Vocabulary]:
    """L2-normalised TF-IDF rows over unigram and bigram stems, and the feature names."""
    # scikit-learn is imported where it is used: with pandas and scipy.stats it takes seconds
    # to import, which every app server, worker and tick would pay at start-up.
    from sklearn.feature_extraction.text import TfidfVectorizer

    vocabulary = _Vocabulary(docs)
    min_df = _min_df(len(docs))
    while True:
        vectorizer = TfidfVectorizer(
            analyzer=vocabulary.features,
            sublinear_tf=True,
            min_df=min_df,
            dtype=np.float64,
        )
        try:
            matrix = vectorizer.fit_transform(docs)
        except ValueError:  # every term pruned by min_df
            if min_df == 1:
                raise
            min_df = 1
            continue
        features = [str(f) for f in vectorizer.get_feature_names_out()]
        return matrix.tocsr(), features, vocabulary


def _space(matrix: SparseMatrix, seed: int) -> FloatArray:
    """Dense, L2-normalised rows to cluster: the TF-IDF itself or its LSA reduction."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    n_docs, n_features = matrix.shape
    if n_docs > _LSA_THRESHOLD and n_features > _LSA_COMPONENTS:
        svd = TruncatedSVD(n_components=_LSA_COMPONENTS, random_state=seed)
        reduced = np.asarray(svd.fit_transform(matrix), dtype=np.float64)
        return np.asarray(normalize(reduced), dtype=np.float64)
    return np.asarray(matrix.toarray(), dtype=np.float64)


def _kmeans(points: FloatArray, k: int, seed: int) -> IntArray:
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        n_init = _N_INIT_SMALL if len(points) <= _SILHOUETTE_SAMPLE else _N_INIT_LARGE
        model = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(points)
    return np.asarray(model.labels_, dtype=np.intp)


def _best_k_labels(points: FloatArray, max_k: int, seed: int) -> IntArray:
    from sklearn.metrics import silhouette_score

    n = len(points)
    distinct = len(np.unique(np.round(points, 10), axis=0))
    top = min(max_k, distinct, n - 1)
    if top < 2:
        return np.zeros(n, dtype=np.intp)
    sample = _SILHOUETTE_SAMPLE if n > _SILHOUETTE_SAMPLE else None
    best: tuple[float, IntArray] | None = None
    for k in range(2, top + 1):
        labels = _kmeans(points, k, seed)
        if len(np.unique(labels)) < 2:
            continue
        try:
            score = float(
                silhouette_score(
                    points, labels, metric="cosine", sample_size=sample, random_state=seed
                )
            )
        except ValueError:  # the silhouette sample drew a single cluster
            continue
        if best is None or score > best[0] + 1e-12:
            best = (score, labels)
    return best[1] if best is not None else np.zeros(n, dtype=np.intp)


def _centroid(points: FloatArray) -> FloatArray:
    mean = points.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else mean


def _dissolve_small(points: FloatArray, labels: IntArray, min_size: int) -> IntArray:
    """Labels with clusters under ``min_size`` dissolved; -1 marks an unplaceable answer."""
    ids, counts = np.unique(labels, return_counts=True)
    keep = ids[counts >= min_size]
    if len(keep) == len(ids):
        return labels
    if len(keep) == 0:
        return np.zeros_like(labels)
    centroids = np.stack([_centroid(points[labels == c]) for c in keep])
    result = labels.copy()
    for i in np.flatnonzero(~np.isin(labels, keep)):
        sims = centroids @ points[i]
        best = int(np.argmax(sims))
        result[i] = keep[best] if sims[best] > 1e-12 else -1
    return result


def _readable(analysed: list[list[tuple[str, str]]], canon: dict[str, str]) -> dict[str, str]:
    """The most common written form of every stem (ties: shorter, then alphabetical)."""
    forms: dict[str, Counter[str]] = {}
    for words in analysed:
        for stem, word in words:
            forms.setdefault(canon.get(stem, stem), Counter())[word] += 1
    return {
        stem: min(counter.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]
        for stem, counter in forms.items()
    }


def _terms(
    matrix: SparseMatrix,
    features: list[str],
    rows: IntArray,
    readable: dict[str, str],
) -> tuple[str, ...]:
    """Unigrams weighing most more in these rows than in the rest of the answers."""
    inside = np.asarray(matrix[rows].mean(axis=0)).ravel()
    mask = np.ones(matrix.shape[0], dtype=bool)
    mask[rows] = False
    outside = np.asarray(matrix[mask].mean(axis=0)).ravel() if mask.any() else 0.0
    score = inside - outside
    order = sorted(
        (j for j, f in enumerate(features) if " " not in f and score[j] > 0 and inside[j] > 0),
        key=lambda j: (-score[j], features[j]),
    )
    terms: list[str] = []
    for j in order:
        term = readable.get(features[j], features[j])
        if term not in terms:
            terms.append(term)
        if len(terms) == _MAX_TERMS:
            break
    return tuple(terms)


def _themes(
    texts: Sequence[str],
    indices: Sequence[int],
    min_size: int,
    seed: int,
    *,
    max_k: int = 1,
    fixed_k: int | None = None,
) -> ThemeResult:
    analyser = _Analyser()
    analysed = {i: analyser.words(texts[i]) for i in indices}
    usable = [i for i in indices if analysed[i]]
    unassigned = [i for i in indices if not analysed[i]]
    if not usable:
        return ThemeResult(themes=(), unassigned=tuple(unassigned))

    docs = [[stem for stem, _ in analysed[i]] for i in usable]
    matrix, features, vocabulary = _tfidf(docs)
    has_terms = np.diff(matrix.indptr) > 0
    unassigned += [i for i, ok in zip(usable, has_terms, strict=True) if not ok]
    rows = np.flatnonzero(has_terms).astype(np.intp)
    matrix = matrix[rows]
    doc_ids = [usable[r] for r in rows]
    points = _space(matrix, seed)

    if len(doc_ids) < _MIN_ANSWERS_TO_CLUSTER:
        labels = np.zeros(len(doc_ids), dtype=np.intp)
    elif fixed_k is not None:
        distinct = len(np.unique(np.round(points, 10), axis=0))
        k = min(fixed_k, distinct)
        labels = _kmeans(points, k, seed) if k > 1 else np.zeros(len(doc_ids), dtype=np.intp)
    else:
        labels = _best_k_labels(points, max_k, seed)
        labels = _dissolve_small(points, labels, min_size)

    readable = _readable([analysed[i] for i in doc_ids], vocabulary.canon)
    themes: list[Theme] = []
    for label in np.unique(labels[labels >= 0]):
        member_rows = np.flatnonzero(labels == label).astype(np.intp)
        sims = points[member_rows] @ _centroid(points[member_rows])
        typical = member_rows[np.lexsort((member_rows, -sims))][:_MAX_REPRESENTATIVES]
        themes.append(
            Theme(
                terms=_terms(matrix, features, member_rows, readable),
                members=tuple(doc_ids[r] for r in member_rows),
                representatives=tuple(doc_ids[r] for r in typical),
            )
        )
    unassigned += [doc_ids[r] for r in np.flatnonzero(labels < 0)]
    themes.sort(key=lambda t: (-len(t.members), t.members[0]))
    return ThemeResult(themes=tuple(themes), unassigned=tuple(sorted(unassigned)))
