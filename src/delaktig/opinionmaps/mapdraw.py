"""Geometry of the opinion map picture: group regions, binned participants, "you are here".

Pure numpy/scipy, no Django. Coordinates come from the maths; the picture is a square
``SIZE`` × ``SIZE`` SVG with a margin. Each group is drawn as the convex hull of all its
members, padded a little, and labelled with its letter; every member's dot and the viewer's
marker therefore lie inside their group's region. Participants are binned on a grid so
that the picture stays small whatever the number of participants.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import ConvexHull, QhullError  # type: ignore[import-untyped]

SIZE = 400.0
MARGIN = 36.0
GRID = 48  # bins per side for the participant dots
PAD = 10.0


def group_letter(index: int) -> str:
    return string.ascii_uppercase[index]


@dataclass(frozen=True)
class Region:
    group: int
    letter: str
    points: str  # SVG polygon points
    label_x: float
    label_y: float
    size: int


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    group: int  # -1: not in a group


@dataclass(frozen=True)
class Picture:
    size: float
    regions: list[Region]
    dots: list[Dot]
    you: tuple[float, float] | None


def _scale(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    if not len(coords):
        return coords
    low, high = coords.min(axis=0), coords.max(axis=0)
    span = float(max((high - low).max(), 1e-9))
    inner = SIZE - 2 * MARGIN
    centred = (coords - (low + high) / 2) / span * inner
    out = centred + SIZE / 2
    out[:, 1] = SIZE - out[:, 1]  # SVG's y axis points down
    return np.asarray(out, dtype=np.float64)


def _hull(points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Corners of the padded region around ``points`` (a polygon, clockwise or not)."""
    centre = points.mean(axis=0)
    unique = np.unique(np.round(points, 3), axis=0)
    try:
        corners = unique[ConvexHull(unique).vertices] if len(unique) >= 3 else unique
    except QhullError:  # all on one line
        corners = unique
    if len(corners) < 3:  # a point or a segment: draw a small octagon around it
        angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
        radius = max(PAD, float(np.linalg.norm(corners - centre, axis=1).max()) + PAD)
        ring = np.column_stack([np.cos(angles), np.sin(angles)]) * radius
        return np.asarray(centre + ring, dtype=np.float64)
    away = corners - centre
    norms = np.maximum(np.linalg.norm(away, axis=1, keepdims=True), 1e-9)
    return np.asarray(corners + away / norms * PAD, dtype=np.float64)


def draw(
    coordinates: npt.ArrayLike,
    labels: npt.ArrayLike,
    k: int,
    you: int | None = None,
) -> Picture:
    """The picture for participants at ``coordinates`` with group ``labels`` (-1: none).

    ``you`` is the row of the viewer, if they took part.
    """
    coords = _scale(np.asarray(coordinates, dtype=np.float64).reshape(-1, 2))
    lab = np.asarray(labels, dtype=np.int64)
    regions = []
    for g in range(k):
        members = coords[lab == g]
        if not len(members):
            continue
        corners = np.clip(_hull(members), 2, SIZE - 2)
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
        lx, ly = np.clip(members.mean(axis=0), 14, SIZE - 14)
        regions.append(
            Region(g, group_letter(g), points, float(lx), float(ly), int((lab == g).sum()))
        )

    dots = []
    if len(coords):
        cell = np.floor(coords / (SIZE / GRID)).astype(np.int64)
        key = cell[:, 0] * (GRID + 1) + cell[:, 1]
        # One dot per bin and group, sized by how many stand there.
        combo = key * (k + 2) + (lab + 1)
        uniq, first, counts = np.unique(combo, return_index=True, return_counts=True)
        for u, i, c in zip(uniq.tolist(), first.tolist(), counts.tolist(), strict=True):
            g = int(u % (k + 2)) - 1
            cx, cy = (cell[i] + 0.5) * (SIZE / GRID)
            dots.append(Dot(float(cx), float(cy), float(min(1.5 + np.sqrt(c), 6.0)), g))
    where = None
    if you is not None and 0 <= you < len(coords):
        where = (float(coords[you, 0]), float(coords[you, 1]))
    return Picture(SIZE, regions, dots, where)
