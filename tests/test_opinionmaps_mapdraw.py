"""Geometry of the opinion map picture (pure)."""

import numpy as np
import pytest

from delaktig.opinionmaps.mapdraw import (
    GRID,
    MARGIN,
    SIZE,
    Picture,
    draw,
    group_letter,
)


def clusters(sizes: list[int], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs far apart, one per group, as (coordinates, labels)."""
    rng = np.random.default_rng(seed)
    centres = [(-3.0, 0.0), (3.0, 1.0), (0.0, 4.0), (0.0, -4.0)]
    coords, labels = [], []
    for g, n in enumerate(sizes):
        coords.append(rng.normal(centres[g], 0.5, size=(n, 2)))
        labels += [g] * n
    return np.vstack(coords), np.array(labels)


def corners(points: str) -> np.ndarray:
    return np.array([[float(v) for v in p.split(",")] for p in points.split()])


def inside(polygon: np.ndarray, points: np.ndarray, tolerance: float = 1e-6) -> np.ndarray:
    """Which ``points`` lie in ``polygon`` (even-odd ray casting; the edge counts as inside)."""
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    x, y = pts[:, 0], pts[:, 1]
    result = np.zeros(len(pts), dtype=bool)
    on_edge = np.zeros(len(pts), dtype=bool)
    for (x1, y1), (x2, y2) in zip(polygon, np.roll(polygon, -1, axis=0), strict=True):
        crosses = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        result ^= crosses & (x < at)
        edge = np.array([x2 - x1, y2 - y1])
        length = max(float(np.hypot(*edge)), 1e-12)
        t = np.clip(((x - x1) * edge[0] + (y - y1) * edge[1]) / length**2, 0, 1)
        distance = np.hypot(x1 + t * edge[0] - x, y1 + t * edge[1] - y)
        on_edge |= distance <= tolerance
    return result | on_edge


def scaled(coords: np.ndarray) -> np.ndarray:
    """Where the picture puts ``coords``, worked out here from the documented layout."""
    low, high = coords.min(axis=0), coords.max(axis=0)
    span = max(float((high - low).max()), 1e-9)
    out = (coords - (low + high) / 2) / span * (SIZE - 2 * MARGIN) + SIZE / 2
    out[:, 1] = SIZE - out[:, 1]
    return out


def dot_counts(picture: Picture) -> dict[int, int]:
    """People per group, read back from the dots' radii (exact below the radius cap)."""
    counts: dict[int, int] = {}
    for dot in picture.dots:
        counts[dot.group] = counts.get(dot.group, 0) + round((dot.r - 1.5) ** 2)
    return counts


def test_group_letters() -> None:
    assert [group_letter(i) for i in range(5)] == ["A", "B", "C", "D", "E"]


def test_regions_cover_their_groups() -> None:
    coords, labels = clusters([30, 25, 12])
    picture = draw(coords, labels, 3)
    assert picture.size == SIZE
    assert [(r.group, r.letter, r.size) for r in picture.regions] == [
        (0, "A", 30),
        (1, "B", 25),
        (2, "C", 12),
    ]
    where = scaled(coords)
    for region in picture.regions:
        polygon = corners(region.points)
        assert len(polygon) >= 3
        assert polygon.min() >= 2 and polygon.max() <= SIZE - 2
        members = where[labels == region.group]
        assert inside(polygon, members).all()  # every member, outliers included
        assert inside(polygon, np.array([[region.label_x, region.label_y]])).all()
        others = where[labels != region.group]
        assert not inside(polygon, others).any()  # far-apart groups do not overlap


def test_everyone_is_drawn_once_in_the_square() -> None:
    coords, labels = clusters([9, 7])
    labels[[0, 9]] = -1  # two who were not grouped
    picture = draw(coords, labels, 2)
    assert dot_counts(picture) == {-1: 2, 0: 8, 1: 6}
    for dot in picture.dots:
        assert 0 <= dot.x <= SIZE and 0 <= dot.y <= SIZE
        assert 1.5 < dot.r <= 6.0
    # Dots sit at bin centres.
    step = SIZE / GRID
    assert all(((dot.x / step) - 0.5) % 1 == pytest.approx(0) for dot in picture.dots)


def test_people_on_the_same_spot_share_a_dot_per_group() -> None:
    coords = np.array([[0.0, 0.0]] * 4 + [[0.0, 0.0]] * 3 + [[1.0, 1.0]])
    labels = np.array([0] * 4 + [1] * 3 + [1])
    picture = draw(coords, labels, 2)
    assert len(picture.dots) == 3
    assert dot_counts(picture) == {0: 4, 1: 4}
    crowd = draw(np.zeros((100, 2)), np.zeros(100, dtype=int), 1)
    assert len(crowd.dots) == 1 and crowd.dots[0].r == 6.0  # the radius is capped


def test_you_are_where_your_row_is() -> None:
    coords, labels = clusters([10, 10])
    where = scaled(coords)
    for row in (0, 13, 19):
        picture = draw(coords, labels, 2, you=row)
        assert picture.you == pytest.approx(tuple(where[row]))
    assert draw(coords, labels, 2, you=None).you is None
    assert draw(coords, labels, 2, you=20).you is None
    assert draw(coords, labels, 2, you=-1).you is None


def test_svg_y_points_down_and_the_picture_keeps_its_margin() -> None:
    coords = np.array([[0.0, 0.0], [0.0, 1.0], [2.0, 0.5]])
    picture = draw(coords, [-1, -1, -1], 0, you=1)
    assert picture.you is not None
    top = picture.you
    bottom = draw(coords, [-1, -1, -1], 0, you=0).you
    right = draw(coords, [-1, -1, -1], 0, you=2).you
    assert bottom is not None and right is not None
    assert top[1] < bottom[1]  # higher up the map, smaller y in SVG
    assert right[0] == pytest.approx(SIZE - MARGIN)  # the widest span fills the inner square
    assert top[0] == bottom[0] == pytest.approx(MARGIN)


def test_picture_does_not_depend_on_scale_or_offset() -> None:
    coords, labels = clusters([15, 15], seed=2)
    one = draw(coords, labels, 2, you=3)
    other = draw(coords * 7.5 + np.array([100.0, -40.0]), labels, 2, you=3)
    assert [r.size for r in one.regions] == [r.size for r in other.regions]
    for a, b in zip(one.regions, other.regions, strict=True):
        np.testing.assert_allclose(corners(a.points), corners(b.points), atol=0.11)
    assert one.you == pytest.approx(other.you)
    assert dot_counts(one) == dot_counts(other)


def test_degenerate_groups_get_a_small_octagon() -> None:
    coords = np.array([[0.0, 0.0], [5.0, 5.0], [5.0, 5.0], [-3.0, 2.0], [-2.0, 2.0], [-1.0, 2.0]])
    labels = np.array([0, 1, 1, 2, 2, 2])  # one person; two on one spot; three on a line
    picture = draw(coords, labels, 3)
    assert [r.size for r in picture.regions] == [1, 2, 3]
    where = scaled(coords)
    for region in picture.regions:
        polygon = corners(region.points)
        assert len(polygon) >= 3
        assert inside(polygon, where[labels == region.group]).all()
    assert len(corners(picture.regions[0].points)) == 8
    assert len(corners(picture.regions[1].points)) == 8


def test_empty_groups_and_empty_pictures() -> None:
    coords, labels = clusters([5])
    picture = draw(coords, labels, 3)  # groups 1 and 2 have nobody
    assert [r.group for r in picture.regions] == [0]
    empty = draw(np.zeros((0, 2)), [], 0, you=0)
    assert empty.regions == [] and empty.dots == [] and empty.you is None
    alone = draw([[1.0, 2.0]], [0], 1, you=0)
    assert alone.you == pytest.approx((SIZE / 2, SIZE / 2))
    assert len(alone.regions) == 1 and len(alone.dots) == 1
