"""The maths of Polis-compatible opinion maps.

The method follows Polis (compdemocracy.org, "polismath") as documented there and as
re-implemented by red-dwarf; the code here is our own, vectorised with numpy/scipy.sparse:

1. Participants count ("in-conv") once they voted on ``min(7, n_statements)`` statements; when
   fewer than 15 qualify, the most active other voters top the set up to 15. Given when each
   vote was first cast (``VoteHistory``), the rule is replayed as the conversation grew and
   whoever was ever in stays in, as in Polis (``ever_in_conv``).
2. PCA with two components of the vote matrix whose missing votes are imputed by the
   statement's mean vote. Imputing by the column mean is the same as centring the columns and
   leaving missing cells at zero, so the PCA runs on a *sparse* centred matrix (eigenvectors of
   ``C.T @ C`` via ARPACK on a linear operator, or a dense ``eigh`` for small conversations).
   Each participant's projection is scaled by ``sqrt(n_statements / n_votes)`` (Polis'
   sparsity-aware projection) so that people with few votes are not piled up at the centre.
   Like Polis, statements moderated out count in both as if everyone had passed on them.
3. The in-conv participants are clustered into up to 100 base clusters with k-means; the base
   clusters (weighted by their size) are grouped with k-means for k = 2..max_k (capped at
   ``2 + n_base // 12`` like Polis), and k is chosen by the silhouette of the base clusters.
4. Per group, Polis' representativeness statistics with pseudo-counts pick the representative
   statements; consensus and group-aware consensus are computed over all grouped participants.

Determinism: participants are put in a canonical order (sorted by id) before anything else, and
every k-means without a warm start begins as Polis' does (the first k distinct points,
``_first_distinct``), so the same votes give the same groups whatever the row order of the
input and whatever the seed.

Every rule names its source in Polis' ``math`` component (``compdemocracy/polis``,
``math/src/polismath/math/``); ``docs/opinion-maps-method.md`` says which were checked on
which data.

Stability rule for k (see :func:`_choose_k`), Polis' own: with a ``previous`` result the
groups change to a new k only once it has had the best silhouette in 4 runs in a row
(``GROUP_K_BUFFER``). k-means is then warm-started from the previous base and group centres
(PCA signs are aligned with the previous components first).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]
from scipy.linalg import eigh  # type: ignore[import-untyped]
from scipy.sparse.linalg import LinearOperator, eigsh  # type: ignore[import-untyped]
from scipy.spatial.distance import cdist  # type: ignore[import-untyped]

Id = int | str
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Direction = Literal["agree", "disagree"]
# How k-means starts without a previous result: Polis' own cold start, or k-means++ restarts
# (the method before issue 23, kept for the leave-one-out in ``bench/opinionmaps.py``).
Start = Literal["polis", "kmeans++"]

# The sources below are files of ``math/src/polismath/math/`` in ``compdemocracy/polis``.
MIN_VOTES = 7  # conversation.clj, :in-conv: (min 7 n-cmts)
MIN_IN_CONV = 15  # conversation.clj, :in-conv: greedy-n
BASE_CLUSTERS = 100  # conversation.clj, :opts' :base-k
# Lloyd steps: clusters.clj, kmeans, takes one step and then up to max-iters more. The base
# clusters pass :max-iters (:base-iters 100); the groups pass :cluster-iters, which kmeans does
# not read, so its default max-iters of 20 applies to them (:group-iters 100 never does).
BASE_STEPS = 100 + 1
GROUP_STEPS = 20 + 1
PICK_MAX = 5  # repness.clj, select-rep-comments and select-consensus-comments: (take 5)
# repness.clj and stats.clj, z-sig-90?: the one-sided 90 % critical value of the standard normal
Z_90 = 1.2815515655446004
GROUP_K_BUFFER = 4  # Polis' group-k-buffer: runs in a row a new k must win
DENSE_EIGH_LIMIT = 400  # statements; above this the PCA uses ARPACK on a linear operator


@dataclass(frozen=True)
class VoteMatrix:
    """Votes of participants (rows) on statements (columns).

    ``values`` holds +1 (agree) and -1 (disagree); passes are not stored there. ``seen`` holds 1
    for every vote cast, passes included, so "pass" and "not voted" stay distinguishable.
    """

    participant_ids: list[Id]
    statement_ids: list[Id]
    values: sp.csr_matrix
    seen: sp.csr_matrix
    # Statements moderated out and left out of the matrix. Polis keeps them as columns of
    # zeros that every participant has "seen", so they still count in the sparsity scaling.
    moderated_out: int = 0

    @classmethod
    def from_triples(
        cls,
        participant_ids: Sequence[Id],
        statement_ids: Sequence[Id],
        rows: npt.ArrayLike,
        cols: npt.ArrayLike,
        votes: npt.ArrayLike,
    ) -> VoteMatrix:
        """Build from (row index, column index, vote in {1, 0, -1}) triples, one per cell."""
        r = np.asarray(rows, dtype=np.int64)
        c = np.asarray(cols, dtype=np.int64)
        v = np.asarray(votes, dtype=np.float64)
        if not (len(r) == len(c) == len(v)):
            raise ValueError("rows, cols and votes must have the same length")
        if np.any((v != 1) & (v != 0) & (v != -1)):
            raise ValueError("votes must be 1, 0 or -1")
        shape = (len(participant_ids), len(statement_ids))
        seen = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=shape)
        seen.sum_duplicates()
        if seen.nnz and seen.data.max() > 1:
            raise ValueError("more than one vote for the same participant and statement")
        nz = v != 0
        values = sp.csr_matrix((v[nz], (r[nz], c[nz])), shape=shape)
        values.sum_duplicates()
        return cls(list(participant_ids), list(statement_ids), values, seen)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.participant_ids), len(self.statement_ids))

    def take_rows(self, order: npt.ArrayLike) -> VoteMatrix:
        idx = np.asarray(order, dtype=np.int64)
        return VoteMatrix(
            [self.participant_ids[i] for i in idx],
            list(self.statement_ids),
            self.values[idx].tocsr(),
            self.seen[idx].tocsr(),
            self.moderated_out,
        )

    def take_columns(self, columns: npt.ArrayLike) -> VoteMatrix:
        idx = np.asarray(columns, dtype=np.int64)
        return VoteMatrix(
            list(self.participant_ids),
            [self.statement_ids[j] for j in idx],
            self.values[:, idx].tocsr(),
            self.seen[:, idx].tocsr(),
            self.moderated_out,
        )


@dataclass(frozen=True)
class RepStatement:
    """A statement representative of a group, with Polis' statistics for its direction."""

    statement: Id
    direction: Direction
    n_success: int  # agrees (or disagrees) in the group
    n_trials: int  # votes in the group, passes included
    p_success: float  # (n_success + 1) / (n_trials + 2)
    p_test: float  # one-proportion z against 1/2
    repness: float  # p_success / the same probability among everyone else
    repness_test: float  # two-proportion z, group against everyone else


@dataclass(frozen=True)
class ConsensusStatement:
    statement: Id
    direction: Direction
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


@dataclass
class Result:
    participant_ids: list[Id]  # every participant of the input, canonical (sorted) order
    coordinates: FloatArray  # (n, 2) sparsity-scaled PCA projection
    in_conv: BoolArray  # (n,) clustered participants
    labels: IntArray  # (n,) group index, -1 for participants not clustered
    groups: list[list[Id]]
    repness: list[list[RepStatement]]
    consensus: list[ConsensusStatement]
    group_aware_consensus: dict[Id, float]  # product over groups of P(agree)
    group_aware_consensus_disagree: dict[Id, float]
    k: int
    silhouette: float
    silhouettes: dict[int, float]
    best_k: int  # the k with the best silhouette in this run (may differ from k, see rule)
    seconds: float
    # What a warm start needs:
    statement_ids: list[Id] = field(default_factory=list)
    components: FloatArray = field(default_factory=lambda: np.zeros((2, 0)))
    base_centres: FloatArray = field(default_factory=lambda: np.zeros((0, 2)))
    group_centres: FloatArray = field(default_factory=lambda: np.zeros((0, 2)))
    best_k_runs: int = 1  # runs in a row, this one included, in which best_k was best


def _sort_key(pid: Id) -> tuple[int, int, str]:
    return (0, pid, "") if isinstance(pid, int) else (1, 0, str(pid))


@dataclass(frozen=True)
class VoteHistory:
    """When each participant first voted on each statement, statements moderated out
    included: what Polis' rule for who is in the conversation reads as the conversation grows
    (``ever_in_conv``). One row per cell: ``rows`` index ``participant_ids``, ``cols`` name a
    statement by any integer, ``times`` order the votes (ties are votes an update sees at once).
    """

    participant_ids: list[Id]
    rows: IntArray
    cols: IntArray
    times: npt.NDArray[np.float64] | IntArray


def ever_in_conv(history: VoteHistory) -> set[Id]:
    """The participants Polis would have put in the conversation at some moment as it grew,
    and so keeps there ("once in, always in").

    Polis (``compdemocracy/polis``, ``math/src/polismath/math/conversation.clj``,
    ``base-conv-update-graph``, ``:in-conv``) adds, at each update, everyone whose votes
    (passes and statements moderated out included) number at least ``min(7, n-cmts)``, where
    ``n-cmts`` is the number of statements voted on so far, and never takes anyone out; while
    fewer than 15 are in, it adds the most active others until there are 15 (``greedy-n``).
    Early in a conversation, with fewer than seven statements, a participant who voted on each
    of them is in for good. Here every moment a vote was cast counts as an update, which is
    what Polis' frequent updates come to; a participant can only cross the threshold at one of
    their own votes, since between them the threshold can only rise.
    """
    n = len(history.rows)
    if not n:
        return set()
    order = np.argsort(np.asarray(history.times), kind="stable")
    rows = np.asarray(history.rows, dtype=np.int64)[order]
    cols = np.asarray(history.cols, dtype=np.int64)[order]
    times = np.asarray(history.times)[order]
    # Statements voted on by anyone up to each moment, ties in time seen together.
    first = np.zeros(n, dtype=bool)
    first[np.unique(cols, return_index=True)[1]] = True
    n_cmts = np.cumsum(first)[np.searchsorted(times, times, side="right") - 1]
    # Each participant's votes up to each of their moments, ties seen together.
    by_person = np.lexsort((times, rows))
    r, t = rows[by_person], times[by_person]
    new_person = np.r_[True, r[1:] != r[:-1]]
    new_moment = new_person | np.r_[True, t[1:] != t[:-1]]
    moment_end = np.r_[np.flatnonzero(new_moment)[1:], n] - 1
    person_start = np.maximum.accumulate(np.where(new_person, np.arange(n), 0))
    count = moment_end[np.cumsum(new_moment) - 1] - person_start + 1
    qualified = count >= np.minimum(MIN_VOTES, n_cmts[by_person])
    # When each participant first qualified (never: infinity).
    since = np.full(len(history.participant_ids), np.inf)
    np.minimum.at(since, r[qualified], t[qualified].astype(np.float64))
    ids = history.participant_ids
    chosen = {ids[i] for i in np.flatnonzero(np.isfinite(since)).tolist()}
    return chosen | _greedy_start(rows, times, since, ids)


def _greedy_start(
    rows: IntArray, times: npt.NDArray[Any], since: FloatArray, ids: list[Id]
) -> set[Id]:
    """Those Polis' greedy rule put in while fewer than 15 were in, replayed update by update
    (``rows`` and ``times`` in time order; ``since``: when each row qualified by the vote
    rule) until 15 are in: the most active others first, among equals the first to join."""
    inside: set[int] = set()
    counts: dict[int, int] = {}
    joined: dict[int, int] = {}
    greedy: set[Id] = set()
    by_since = np.argsort(since, kind="stable")
    next_qualified = 0
    n, start = len(rows), 0
    while start < n and len(inside) < MIN_IN_CONV:
        now = times[start]
        end = int(np.searchsorted(times, now, side="right"))
        for row in rows[start:end].tolist():
            counts[row] = counts.get(row, 0) + 1
            joined.setdefault(row, len(joined))
        while next_qualified < len(by_since) and since[by_since[next_qualified]] <= now:
            inside.add(int(by_since[next_qualified]))
            next_qualified += 1
        if len(inside) < MIN_IN_CONV:
            others = sorted(
                (row for row in counts if row not in inside),
                key=lambda row: (-counts[row], joined[row]),
            )
            for row in others[: MIN_IN_CONV - len(inside)]:
                inside.add(row)
                greedy.add(ids[row])
        start = end
    return greedy


def in_conv_mask(vote_counts: npt.ArrayLike, n_statements: int) -> BoolArray:
    """Polis' rule for who is clustered (counts are per participant, passes included)."""
    counts = np.asarray(vote_counts, dtype=np.int64)
    mask: BoolArray = counts >= min(MIN_VOTES, n_statements)
    mask &= counts > 0
    missing = MIN_IN_CONV - int(mask.sum())
    if missing > 0:
        others = np.flatnonzero(~mask & (counts > 0))
        # most active first; ties by position (canonical order) thanks to the stable sort
        others = others[np.argsort(-counts[others], kind="stable")]
        mask[others[:missing]] = True
    return mask


def _pca(centred: sp.csr_matrix, seed: int) -> FloatArray:
    """Top-two principal axes (2, n_statements) of a column-centred sparse matrix."""
    n_stmt = centred.shape[1]
    if n_stmt <= DENSE_EIGH_LIMIT:
        gram = np.asarray((centred.T @ centred).toarray(), dtype=np.float64)
        n_comp = min(2, n_stmt)
        _, vecs = eigh(gram, subset_by_index=[n_stmt - n_comp, n_stmt - 1])
        vecs = vecs[:, ::-1]
    else:
        ct = centred.T.tocsr()
        op = LinearOperator((n_stmt, n_stmt), matvec=lambda x: ct @ (centred @ x), dtype=np.float64)
        v0 = np.random.default_rng(seed).uniform(0.5, 1.5, n_stmt)
        vals, vecs = eigsh(op, k=2, which="LA", v0=v0, tol=1e-10)
        vecs = vecs[:, np.argsort(-vals)]
    comps = np.zeros((2, n_stmt))
    comps[: vecs.shape[1]] = vecs.T
    return comps


def _fix_signs(comps: FloatArray, statement_ids: list[Id], previous: Result | None) -> None:
    """Make the axes' signs deterministic, aligned with the previous run when given."""
    ref = None
    if previous is not None and previous.components.shape[1]:
        prev_index = {s: j for j, s in enumerate(previous.statement_ids)}
        pairs = [(j, prev_index[s]) for j, s in enumerate(statement_ids) if s in prev_index]
        if pairs:
            cur, old = np.array(pairs).T
            ref = (cur, old)
    for a in range(comps.shape[0]):
        if ref is not None:
            dot = float(comps[a, ref[0]] @ previous.components[a, ref[1]])  # type: ignore[union-attr]
            if dot < 0:
                comps[a] *= -1
                continue
            if dot > 0:
                continue
        j = int(np.argmax(np.abs(comps[a]))) if comps.shape[1] else 0
        if comps.shape[1] and comps[a, j] < 0:
            comps[a] *= -1


def weighted_silhouette(points: FloatArray, weights: FloatArray, labels: IntArray) -> float:
    """Silhouette of participants that stand, ``weights[i]`` of them, at ``points[i]``."""
    k = int(labels.max()) + 1
    if k < 2:
        return 0.0
    d = cdist(points, points)
    onehot = np.zeros((len(points), k))
    onehot[np.arange(len(points)), labels] = weights
    sums = d @ onehot  # weighted distance sums from each point to each cluster
    sizes = onehot.sum(axis=0)
    own_size = sizes[labels]
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(own_size > 1, sums[np.arange(len(points)), labels] / (own_size - 1), 0.0)
        mean_other = sums / sizes
    mean_other[np.arange(len(points)), labels] = np.inf
    b = mean_other.min(axis=1)
    denom = np.maximum(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where((own_size > 1) & (denom > 0), (b - a) / denom, 0.0)
    return float((weights * s).sum() / weights.sum())


def _first_distinct(x: FloatArray, k: int) -> FloatArray:
    """Polis' cold start (``clusters.clj``, ``init-clusters``): the first ``k`` distinct rows
    in the data's order, so that no seed decides the result."""
    _, first = np.unique(x, axis=0, return_index=True)
    return np.asarray(x[np.sort(first)[:k]], dtype=np.float64)


def _kmeans(
    x: FloatArray,
    k: int,
    weights: FloatArray | None = None,
    init: FloatArray | None = None,
    *,
    steps: int,
    start: Start = "polis",
    seed: int = 0,
) -> tuple[IntArray, FloatArray]:
    """k-means from ``init`` (a warm start), else from Polis' cold start (``start="polis"``,
    deterministic), or from the best of ten k-means++ starts drawn with ``seed``; at most
    ``steps`` Lloyd steps, as Polis."""
    # Imported here: scikit-learn (with pandas and scipy.stats) takes seconds to import, and
    # every app server, worker and tick would pay it at start-up to cluster nothing.
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    if init is not None and init.shape == (k, x.shape[1]):
        km = KMeans(n_clusters=k, init=init, n_init=1, max_iter=steps)
    elif start == "polis":
        init = _first_distinct(x, k)
        km = KMeans(n_clusters=len(init), init=init, n_init=1, max_iter=steps)
    else:
        km = KMeans(n_clusters=k, init="k-means++", n_init=10, random_state=seed, max_iter=steps)
    with warnings.catch_warnings():
        # Fewer distinct points than clusters leaves some clusters empty; the caller drops
        # empty base clusters, so sklearn's warning about it is expected here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        km.fit(x, sample_weight=weights)
    labels = np.asarray(km.labels_, dtype=np.int64)
    return labels, np.asarray(km.cluster_centers_, dtype=np.float64)


def _choose_k(silhouettes: dict[int, float], previous: Result | None) -> tuple[int, int, int]:
    """(chosen k, best k of this run, how many runs in a row that k has been best).

    Polis' smoother (``conversation.clj``, ``:group-k-smoother``, ``group-k-buffer`` 4): the
    k with the best silhouette is counted run after run, and the groups change to it only once
    it has been best in 4 runs in a row; the first run takes it at once.
    """
    best = max(silhouettes, key=lambda kk: (silhouettes[kk], -kk))
    if previous is None or previous.k not in silhouettes:
        return best, best, 1
    runs = previous.best_k_runs + 1 if previous.best_k == best else 1
    if best != previous.k and runs >= GROUP_K_BUFFER:
        return best, best, runs
    return previous.k, best, runs


def _prop_test(succ: FloatArray, n: FloatArray) -> FloatArray:
    """Polis' one-proportion z-test (with pseudo-counts) against 1/2."""
    out: FloatArray = 2 * np.sqrt(n + 1) * ((succ + 1) / (n + 1) - 0.5)
    return out


def _two_prop_test(
    succ_in: FloatArray, succ_out: FloatArray, n_in: FloatArray, n_out: FloatArray
) -> FloatArray:
    """Polis' two-proportion z-test (with pseudo-counts): group against everyone else."""
    s1, s2, n1, n2 = succ_in + 1, succ_out + 1, n_in + 1, n_out + 1
    p1, p2 = s1 / n1, s2 / n2
    p = (s1 + s2) / (n1 + n2)
    denom = np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(denom > 0, (p1 - p2) / denom, 0.0)
    return np.asarray(z, dtype=np.float64)


def group_counts(
    votes: VoteMatrix, labels: IntArray, k: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Agree, disagree and seen counts per group and statement, each (k, n_statements)."""
    members = np.flatnonzero(labels >= 0)
    indicator = sp.csr_matrix(
        (np.ones(len(members)), (labels[members], members)), shape=(k, len(labels))
    )
    agree = (votes.values > 0).astype(np.float64)
    disagree = (votes.values < 0).astype(np.float64)
    na = np.asarray((indicator @ agree).toarray(), dtype=np.float64)
    nd = np.asarray((indicator @ disagree).toarray(), dtype=np.float64)
    ns = np.asarray((indicator @ votes.seen).toarray(), dtype=np.float64)
    return na, nd, ns


def _repness(
    statement_ids: list[Id], na: FloatArray, nd: FloatArray, ns: FloatArray, pick_max: int
) -> list[list[RepStatement]]:
    out_na, out_nd, out_ns = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    pat, pdt = _prop_test(na, ns), _prop_test(nd, ns)
    ra = pa / ((out_na + 1) / (out_ns + 2))
    rd = pd / ((out_nd + 1) / (out_ns + 2))
    rat, rdt = _two_prop_test(na, out_na, ns, out_ns), _two_prop_test(nd, out_nd, ns, out_ns)
    sig_a = (pat > Z_90) & (rat > Z_90)
    sig_d = (pdt > Z_90) & (rdt > Z_90)
    agree_dir = np.where(sig_a != sig_d, sig_a, rat > rdt)
    metric_a = ra * rat * pa * pat
    metric_d = rd * rdt * pd * pdt
    metric = np.where(agree_dir, metric_a, metric_d)

    def make(g: int, j: int, agree: bool) -> RepStatement:
        return RepStatement(
            statement=statement_ids[j],
            direction="agree" if agree else "disagree",
            n_success=int(na[g, j] if agree else nd[g, j]),
            n_trials=int(ns[g, j]),
            p_success=float(pa[g, j] if agree else pd[g, j]),
            p_test=float(pat[g, j] if agree else pdt[g, j]),
            repness=float(ra[g, j] if agree else rd[g, j]),
            repness_test=float(rat[g, j] if agree else rdt[g, j]),
        )

    result: list[list[RepStatement]] = []
    for g in range(na.shape[0]):
        voted = ns[g] > 0
        sig = np.flatnonzero((sig_a[g] | sig_d[g]) & voted)
        chosen = [int(j) for j in sig[np.argsort(-metric[g, sig], kind="stable")]][:pick_max]
        if not chosen:  # Polis always shows the best one by the repness test
            cand = np.flatnonzero(voted)
            if len(cand):
                best_test = np.maximum(rat[g, cand], rdt[g, cand])
                chosen = [int(cand[np.argmax(best_test)])]
        picks = [(j, bool(agree_dir[g, j])) for j in chosen]
        if not any(agree for _, agree in picks):
            # ... and something the group agrees with, when there is such a statement
            engaged = (na[g] + nd[g]) > 0
            ok = engaged & ((pat[g] > Z_90) | ((ra[g] > 1) & (pa[g] > 0.5)))
            cand = np.flatnonzero(ok)
            if len(cand):
                rep = cand[ra[g, cand] > 1]
                if len(rep):
                    best = int(rep[np.argmax(metric_a[g, rep])])
                else:
                    best = int(cand[np.argmax(pa[g, cand] * pat[g, cand])])
                picks = [(best, True)] + [(j, a) for j, a in picks if j != best]
                picks = picks[:pick_max]
        # Polis lists agrees first, each direction by the repness metric
        picks.sort(key=lambda p: (not p[1], -(metric_a if p[1] else metric_d)[g, p[0]]))
        result.append([make(g, j, agree) for j, agree in picks])
    return result


def _consensus(
    statement_ids: list[Id], na: FloatArray, nd: FloatArray, ns: FloatArray, pick_max: int
) -> list[ConsensusStatement]:
    """Statements every group leans the same way on, overall significant (Polis statistics)."""
    ta, td, ts = na.sum(0), nd.sum(0), ns.sum(0)
    out: list[ConsensusStatement] = []
    for direction, n_succ, n_group in (("agree", ta, na), ("disagree", td, nd)):
        p = (n_succ + 1) / (ts + 2)
        z = _prop_test(n_succ, ts)
        p_groups = (n_group + 1) / (ns + 2)
        ok = (p > 0.5) & (z > Z_90) & np.all(p_groups > 0.5, axis=0) & (ts > 0)
        cand = np.flatnonzero(ok)
        cand = cand[np.argsort(-(p[cand] * z[cand]), kind="stable")][:pick_max]
        out += [
            ConsensusStatement(
                statement=statement_ids[j],
                direction="agree" if direction == "agree" else "disagree",
                n_success=int(n_succ[j]),
                n_trials=int(ts[j]),
                p_success=float(p[j]),
                p_test=float(z[j]),
            )
            for j in cand
        ]
    return out


@dataclass(frozen=True)
class _Clusters:
    """What clustering the projected participants gives (step 3)."""

    labels: IntArray
    k: int
    best_k: int
    best_k_runs: int
    silhouettes: dict[int, float]
    base_centres: FloatArray
    group_centres: FloatArray


@dataclass(frozen=True)
class _Statistics:
    """Per-group statistics of the statements (step 4)."""

    repness: list[list[RepStatement]]
    consensus: list[ConsensusStatement]
    agree: FloatArray  # group-aware consensus, per statement
    disagree: FloatArray


def _canonical(votes: VoteMatrix) -> VoteMatrix:
    """The participants sorted by id, so that the row order of the input does not matter."""
    order = sorted(
        range(len(votes.participant_ids)), key=lambda i: _sort_key(votes.participant_ids[i])
    )
    return votes.take_rows(order)


def _project(
    votes: VoteMatrix, counts: IntArray, seed: int, previous: Result | None
) -> tuple[FloatArray, FloatArray]:
    """(principal axes, sparsity-scaled coordinates of every participant): step 2."""
    n, n_stmt = votes.shape
    # PCA on the mean-imputed matrix == PCA on the sparse column-centred matrix.
    n_seen = np.asarray(votes.seen.sum(axis=0)).ravel()
    sums = np.asarray(votes.values.sum(axis=0)).ravel()
    means = np.divide(sums, n_seen, out=np.zeros(n_stmt), where=n_seen > 0)
    centred = (votes.values - votes.seen.multiply(means[np.newaxis, :])).tocsr()
    comps = _pca(centred, seed) if n_stmt >= 2 and n >= 2 else np.zeros((2, n_stmt))
    _fix_signs(comps, votes.statement_ids, previous)
    coords = np.asarray(centred @ comps.T, dtype=np.float64).reshape(n, 2)
    # Polis counts statements moderated out as zeros every participant has seen
    # (conversation.clj, nm/zero-out-columns; pca.clj, sparsity-aware-project-ptpt scales by
    # sqrt(n-cmnts / n-votes) with those zeros counted as votes). See
    # ``VoteMatrix.moderated_out``.
    n_out = votes.moderated_out
    coords *= np.sqrt((n_stmt + n_out) / np.maximum(counts + n_out, 1))[:, np.newaxis]
    return comps, coords


@dataclass(frozen=True)
class Options:
    """The method's choices that were made, or could be made, on data: the leave-one-out of
    ``bench/opinionmaps.py`` checks each against conversations it was not chosen on. The
    defaults are Polis' own (``docs/opinion-maps-method.md``)."""

    start: Start = "polis"
    # Score k on the base clusters as they are (Polis), or weighted by their members.
    weigh_silhouette: bool = False


def _cluster(
    coords: FloatArray,
    in_conv: BoolArray,
    previous: Result | None,
    max_k: int,
    base_clusters: int,
    options: Options,
    seed: int,
) -> _Clusters:
    """Base clusters of the in-conv participants, grouped into k groups: step 3."""
    labels = np.full(len(coords), -1, dtype=np.int64)
    members = np.flatnonzero(in_conv)
    x = coords[members]
    n_distinct = len(np.unique(x, axis=0)) if len(x) else 0
    none = _Clusters(labels, 0, 0, 0, {}, np.zeros((0, 2)), np.zeros((0, 2)))
    if n_distinct < 3:
        return none
    n_base = min(base_clusters, n_distinct)
    prev_base = previous.base_centres if previous is not None else None
    base_labels, base_centres = _kmeans(
        x, n_base, init=prev_base, steps=BASE_STEPS, start=options.start, seed=seed
    )
    weights = np.bincount(base_labels, minlength=n_base).astype(np.float64)
    used = np.flatnonzero(weights > 0)
    base_centres, weights = base_centres[used], weights[used]
    base_labels = np.searchsorted(used, base_labels)
    fits, silhouettes = _group_fits(base_centres, weights, previous, max_k, options, seed)
    if not fits:
        return _Clusters(labels, 0, 0, 0, silhouettes, base_centres, np.zeros((0, 2)))
    k, best_k, best_k_runs = _choose_k(silhouettes, previous)
    group_of_base, group_centres = fits[k]
    if not (previous is not None and previous.k == k):  # not warm-started: canonical order
        group_of_base, group_centres = _largest_first(group_of_base, group_centres, weights, k)
    labels[members] = group_of_base[base_labels]
    return _Clusters(labels, k, best_k, best_k_runs, silhouettes, base_centres, group_centres)


def _group_fits(
    base_centres: FloatArray,
    weights: FloatArray,
    previous: Result | None,
    max_k: int,
    options: Options,
    seed: int,
) -> tuple[dict[int, tuple[IntArray, FloatArray]], dict[int, float]]:
    """k-means of the base clusters for each k = 2..top_k, and the silhouette of each."""
    # conversation.clj, max-k-fn: (min max-max-k (+ 2 (int (/ n-base-clusters 12)))).
    top_k = min(max_k, 2 + len(weights) // 12, len(weights) - 1)
    fits: dict[int, tuple[IntArray, FloatArray]] = {}
    silhouettes: dict[int, float] = {}
    unit = np.ones_like(weights)
    for kk in range(2, top_k + 1):
        init = None
        if previous is not None and previous.k == kk:
            init = previous.group_centres
        fits[kk] = _kmeans(
            base_centres,
            kk,
            weights=weights,
            init=init,
            steps=GROUP_STEPS,
            start=options.start,
            seed=seed,
        )
        # Polis scores k on the base clusters themselves, unweighted (``clusters.clj``,
        # ``silhouette`` over the distances between base-cluster centres).
        scored = weights if options.weigh_silhouette else unit
        silhouettes[kk] = weighted_silhouette(base_centres, scored, fits[kk][0])
    return fits, silhouettes


def _largest_first(
    group_of_base: IntArray, group_centres: FloatArray, weights: FloatArray, k: int
) -> tuple[IntArray, FloatArray]:
    """The groups renumbered largest first, then by position."""
    sizes = np.bincount(group_of_base, weights=weights, minlength=k)
    perm = sorted(range(k), key=lambda g: (-sizes[g], *group_centres[g]))
    rank = np.empty(k, dtype=np.int64)
    rank[perm] = np.arange(k)
    return rank[group_of_base], group_centres[perm]


def _statistics(votes: VoteMatrix, labels: IntArray, k: int, pick_max: int) -> _Statistics:
    """Representative statements, consensus and group-aware consensus: step 4."""
    stmt_ids = votes.statement_ids
    if not k:
        nothing = np.zeros(len(stmt_ids))
        return _Statistics([], [], nothing, nothing)
    na, nd, ns = group_counts(votes, labels, k)
    return _Statistics(
        repness=_repness(stmt_ids, na, nd, ns, pick_max),
        consensus=_consensus(stmt_ids, na, nd, ns, pick_max),
        agree=np.prod((na + 1) / (ns + 2), axis=0),
        disagree=np.prod((nd + 1) / (ns + 2), axis=0),
    )


def analyze(
    votes: VoteMatrix,
    *,
    seed: int = 0,
    previous: Result | None = None,
    max_k: int = 5,
    pick_max: int = PICK_MAX,
    base_clusters: int = BASE_CLUSTERS,
    history: VoteHistory | None = None,
    options: Options = Options(),
) -> Result:
    """Run the Polis pipeline on ``votes`` (moderated-out statements already removed).

    ``history`` (when each vote was first cast) puts in the conversation everyone Polis would
    have put there as it grew (``ever_in_conv``); without it, only the rule on today's votes
    applies. Participants in ``previous``'s conversation stay in it. ``seed`` only chooses the
    start vector of the PCA's iterative solver for conversations of more than
    ``DENSE_EIGH_LIMIT`` statements, which converges to the same axes whatever it is.
    """
    started = time.perf_counter()
    votes = _canonical(votes)
    pids, stmt_ids = votes.participant_ids, votes.statement_ids
    counts = np.asarray(votes.seen.sum(axis=1)).ravel().astype(np.int64)
    in_conv = in_conv_mask(counts, len(stmt_ids))
    kept: set[Id] = set()
    if history is not None:
        kept |= ever_in_conv(history)
    if previous is not None:
        kept |= {
            p for p, was in zip(previous.participant_ids, previous.in_conv, strict=True) if was
        }
    if kept:
        in_conv |= np.fromiter((p in kept for p in pids), dtype=bool, count=len(pids))
    comps, coords = _project(votes, counts, seed, previous)
    clusters = _cluster(coords, in_conv, previous, max_k, base_clusters, options, seed)
    k, labels = clusters.k, clusters.labels
    stats = _statistics(votes, labels, k, pick_max)
    return Result(
        participant_ids=pids,
        coordinates=coords,
        in_conv=in_conv,
        labels=labels,
        groups=[[pids[i] for i in np.flatnonzero(labels == g)] for g in range(k)],
        repness=stats.repness,
        consensus=stats.consensus,
        group_aware_consensus={s: float(v) for s, v in zip(stmt_ids, stats.agree, strict=True)},
        group_aware_consensus_disagree={
            s: float(v) for s, v in zip(stmt_ids, stats.disagree, strict=True)
        },
        k=k,
        silhouette=clusters.silhouettes.get(k, 0.0),
        silhouettes=clusters.silhouettes,
        best_k=clusters.best_k,
        best_k_runs=clusters.best_k_runs,
        seconds=time.perf_counter() - started,
        statement_ids=list(stmt_ids),
        components=comps,
        base_centres=clusters.base_centres,
        group_centres=clusters.group_centres,
    )
