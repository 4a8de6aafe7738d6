"""Drawing by estimate how a unit's land was shared between several new units.

The 2025 mapping says that some old communes went to several new ones (``partial``) without
saying where the new border runs, and land held jointly by several units (see
:mod:`.vintage`) can end in several new units too. A map needs an outline all the same, so the
land is shared out by estimate and every outline drawn this way is marked approximate:

- each new unit grows from the land it is known to have (its whole predecessors, its *core*;
  a unit with none grows from the predecessor whose name it took, if any);
- a point goes to the nearest core, each distance lowered by a weight per new unit, and the
  weights are set so that each new unit takes roughly its official area less its core
  (additively weighted Voronoi regions on a grid of about :data:`CELLS` cells);
- each base part is then cut along the grid boundaries (smoothed), so the pieces tile it exactly.

The official areas thus shape the estimate; the area check reports these units apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import rasterio.features
import shapely
from affine import Affine

from .geometry import polygonal

#: Grid cells per shared area: enough for a smooth border, few enough to stay fast.
CELLS = 6000
_ITERATIONS = 400


@dataclass
class Share:
    """Land to share: its base parts and the new units that may take it."""

    parts: list[str]
    receivers: list[str]


@dataclass
class Receiver:
    """A new unit taking land: what it already has, where it grows from, what it should take (km²)."""

    core: object | None
    seed: object | None
    target_km2: float


def share_out(geoms: dict[str, object], shares: list[Share], receivers: dict[str, Receiver]) -> dict[str, dict]:
    """Cut the parts of ``shares`` between their receivers.

    Returns part id → {receiver code: polygon}; the polygons of a part tile it exactly.
    """
    parts = [p for s in shares for p in s.parts]
    allowed = {p: s.receivers for s in shares for p in s.parts}
    codes = sorted({r for s in shares for r in s.receivers})
    if len(codes) == 1:
        return {p: {codes[0]: geoms[p]} for p in parts}
    minx, miny, maxx, maxy = shapely.total_bounds([geoms[p] for p in parts])
    lon0, lat0 = (minx + maxx) / 2, (miny + maxy) / 2
    scale = np.cos(np.radians(lat0))

    def to_grid(g):
        return shapely.transform(g, lambda xy: np.column_stack([(xy[:, 0] - lon0) * scale, xy[:, 1] - lat0]))

    def from_grid(g):
        return shapely.transform(g, lambda xy: np.column_stack([xy[:, 0] / scale + lon0, xy[:, 1] + lat0]))

    flat = {p: to_grid(geoms[p]) for p in parts}
    minx, miny, maxx, maxy = shapely.total_bounds(list(flat.values()))
    cell = max(np.sqrt((maxx - minx) * (maxy - miny) / CELLS), 1e-7)
    width, height = int(np.ceil((maxx - minx) / cell)) + 1, int(np.ceil((maxy - miny) / cell)) + 1
    transform = Affine(cell, 0, minx, 0, -cell, maxy)
    distance = _distances(codes, receivers, to_grid, transform, width, height)
    inside, touched = {}, {}
    for p in parts:
        inside[p] = _cells(flat[p], transform, width, height, all_touched=False)
        touched[p] = _cells(flat[p], transform, width, height, all_touched=True)
    weights = _weights(codes, receivers, parts, allowed, inside, distance)
    out = {}
    for p in parts:
        rows, cols = np.nonzero(touched[p])
        labels = _assign(codes, allowed[p], distance, weights, rows, cols)
        out[p] = _cut(geoms[p], flat[p], labels, rows, cols, codes, transform, width, height, cell, from_grid)
    return out


def _cells(geom, transform, width, height, all_touched: bool) -> np.ndarray:
    return rasterio.features.rasterize(
        [(geom, 1)], out_shape=(height, width), transform=transform, all_touched=all_touched, dtype="uint8"
    ).astype(bool)


def _distances(codes, receivers, to_grid, transform, width, height) -> np.ndarray:
    """Distance (grid units) from every cell centre to each receiver's core, or seed; 0 without either."""
    cols, rows = np.meshgrid(np.arange(width), np.arange(height))
    xs, ys = transform.c + (cols + 0.5) * transform.a, transform.f + (rows + 0.5) * transform.e
    points = shapely.points(xs.ravel(), ys.ravel())
    out = np.zeros((len(codes), height, width))
    for i, code in enumerate(codes):
        origin = receivers[code].core if receivers[code].core is not None else receivers[code].seed
        if origin is not None and not origin.is_empty:
            flat = to_grid(origin)
            shapely.prepare(flat)
            out[i] = shapely.distance(points, flat).reshape(height, width) / abs(transform.a)
    return out


def _assign(codes, allowed, distance, weights, rows, cols) -> np.ndarray:
    """Index (into ``codes``) of the receiver each cell goes to, among those allowed."""
    score = distance[:, rows, cols] - weights[:, None]
    barred = np.array([c not in allowed for c in codes])
    score[barred] = np.inf
    return np.argmin(score, axis=0)


def _weights(codes, receivers, parts, allowed, inside, distance) -> np.ndarray:
    """Weights giving each receiver about its target share of the land (in cells)."""
    targets = np.array([max(receivers[c].target_km2, 0.0) for c in codes])
    targets = targets / targets.sum() if targets.sum() > 0 else np.full(len(codes), 1 / len(codes))
    rows, cols, barred = [], [], []
    for p in parts:
        r, c = np.nonzero(inside[p])
        rows.append(r)
        cols.append(c)
        barred.append(np.repeat(np.array([[code not in allowed[p]] for code in codes]), len(r), axis=1))
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    if not len(rows):
        return np.zeros(len(codes))
    near = distance[:, rows, cols]
    near[np.concatenate(barred, axis=1)] = np.inf
    want = targets * len(rows)
    weights = np.zeros(len(codes))
    best, best_error = weights.copy(), np.inf
    step = max(float(np.nanmax(np.where(np.isfinite(near), near, 0))), 1.0) / 4
    for _ in range(_ITERATIONS):
        got = np.bincount(np.argmin(near - weights[:, None], axis=0), minlength=len(codes))
        error = float(np.abs(got - want).sum())
        if error < best_error:
            best, best_error = weights.copy(), error
        if error <= 0.005 * len(rows):
            break
        weights = weights + step * (want - got) / len(rows)
        step *= 0.985
    return best


def _cut(geom, flat, labels, rows, cols, codes, transform, width, height, cell, from_grid) -> dict:
    """The part cut along the grid where its cells change receiver; the pieces tile it exactly."""
    found = np.unique(labels)
    if len(found) == 1:
        return {codes[int(found[0])]: geom}
    raster = np.full((height, width), -1, dtype="int32")
    raster[rows, cols] = labels
    shapes: dict[int, list] = {}
    for poly, value in rasterio.features.shapes(raster, mask=raster >= 0, transform=transform, connectivity=4):
        shapes.setdefault(int(value), []).append(shapely.geometry.shape(poly))
    order = sorted(shapes, key=lambda v: -sum(g.area for g in shapes[v]))
    pieces = {}
    rest = geom
    for value in order[1:]:
        region = from_grid(shapely.simplify(shapely.union_all(shapes[value]), cell * 0.75))
        piece = polygonal(shapely.intersection(rest, region))
        if not piece.is_empty:
            pieces[codes[value]] = piece
            rest = polygonal(shapely.difference(rest, piece))
    pieces[codes[order[0]]] = rest
    return {code: g for code, g in pieces.items() if not g.is_empty}
