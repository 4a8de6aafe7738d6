"""The Mapbox Vector Tile 2.1 wire format, written directly: geometry commands with numpy.

``mapbox_vector_tile.encode`` walks every coordinate and every property in Python; at national
scale a zoom-5 tile holds 2,000+ communes and took a second to encode. Here each ring is one
numpy expression (deltas, zigzag, varints) and each property value is encoded once per tile
(most columns repeat a few values), so the same tile takes a fraction of that.

The input is what :func:`geo_ntm.layers.mvt._tile_grid` makes: geometries already on the tile's
integer grid with the y axis down, valid (``shapely.set_precision``). This module only orders
rings (exterior rings have a positive area in tile coordinates, interior ones a negative area,
as the specification requires), drops repeated points and rings that collapse, and writes the
protobuf messages of ``vector_tile.proto``.
"""

from __future__ import annotations

import struct

import numpy as np
import shapely

#: ``Feature.type`` of each shapely geometry type.
GEOM_TYPES = {"Point": 1, "MultiPoint": 1, "LineString": 2, "MultiLineString": 2, "Polygon": 3, "MultiPolygon": 3}
_MOVE_TO, _LINE_TO, _CLOSE = 1, 2, 7
_VARINT, _FIXED64, _BYTES = 0, 1, 2


def varint(n: int) -> bytes:
    """One unsigned integer as a protobuf varint."""
    return _SMALL[n] if n < _SMALL_LIMIT else _slow_varint(n)


def _slow_varint(n: int) -> bytes:
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


#: Varints of the small numbers (indices, lengths, tags), looked up instead of computed.
_SMALL_LIMIT = 1 << 14
_SMALL = [_slow_varint(n) for n in range(_SMALL_LIMIT)]


def varints(values: np.ndarray) -> bytes:
    """Non-negative integers (below 2**63) as packed varints, without a Python loop per value."""
    return _varints(values)[0].tobytes()


def _varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The varint bytes of ``values`` (uint8) and how many bytes each value took."""
    values = np.asarray(values, dtype=np.uint64)
    sizes = np.ones(len(values), dtype=np.int64)
    for k in range(1, 10):
        sizes += values >= np.uint64(1 << (7 * k))
    ends = np.cumsum(sizes)
    out = np.zeros(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    starts = ends - sizes
    for k in range(int(sizes.max()) if len(sizes) else 0):
        here = sizes > k
        byte = (values[here] >> np.uint64(7 * k)) & np.uint64(0x7F)
        more = (sizes[here] > k + 1).astype(np.uint64) << np.uint64(7)
        out[starts[here] + k] = (byte | more).astype(np.uint8)
    return out, sizes


def packed_rows(cells: np.ndarray) -> list[bytes]:
    """Each row's packed tags: ``(column, cells[row, column])`` as varints for every cell not -1, in column order."""
    n, m = cells.shape
    present = cells >= 0
    row_of, column = np.nonzero(present)  # row-major: each row's cells in column order
    pairs = np.column_stack([column, cells[row_of, column]]).ravel()
    data, sizes = _varints(pairs)
    per_row = np.bincount(row_of, weights=sizes.reshape(-1, 2).sum(axis=1), minlength=n).astype(np.int64)
    ends = np.cumsum(per_row)
    raw = data.tobytes()
    return [raw[a:b] for a, b in zip((ends - per_row).tolist(), ends.tolist(), strict=True)]


def zigzag(values: np.ndarray) -> np.ndarray:
    """Signed integers → the unsigned zigzag form MVT parameters use (0, -1, 1, -2 → 0, 1, 2, 3)."""
    values = values.astype(np.int64)
    return ((values << 1) ^ (values >> 63)).astype(np.uint64)


def field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field (a string, a message or a packed array)."""
    return varint(number << 3 | _BYTES) + varint(len(payload)) + payload


def varint_field(number: int, value: int) -> bytes:
    return varint(number << 3 | _VARINT) + varint(value)


def value_message(value) -> bytes:
    """``Tile.Value`` of a str, bool, int or float."""
    if isinstance(value, str):
        return field(1, value.encode("utf-8"))
    if isinstance(value, bool):
        return varint_field(7, int(value))
    if isinstance(value, int):
        return varint_field(5, value) if value >= 0 else varint_field(6, (-value << 1) - 1)
    return varint(3 << 3 | _FIXED64) + struct.pack("<d", float(value))


def geometries(geoms) -> list[tuple[bytes, int | None]]:
    """Each geometry on the tile grid as its packed command integers and ``Feature.type``.

    ``b""`` when nothing is left of it (empty, or collapsed on the grid).

    Polygons, the bulk of every layer here, are encoded all together (:func:`_polygons`); points
    and lines one by one.
    """
    out = [b""] * len(geoms)
    kinds = [None if g is None or g.is_empty else GEOM_TYPES.get(g.geom_type) for g in geoms]
    polygonal = [i for i, kind in enumerate(kinds) if kind == 3]
    for i, packed in zip(polygonal, _polygons([geoms[i] for i in polygonal]), strict=True):
        out[i] = packed
    for i, kind in enumerate(kinds):
        if kind in (1, 2):
            out[i] = _points_or_lines(geoms[i], kind)
    return list(zip(out, kinds, strict=True))


def _polygons(polygons: list) -> list[bytes]:
    """Every ring of every polygon at once: one numpy pass instead of one per ring.

    A ring loses its closing point and repeated points, is dropped under three points or with
    no area (a dropped exterior takes its holes along), and is reversed when wound the wrong way.
    The cursor runs on from ring to ring within a feature and starts at (0, 0) for each feature.
    """
    if not polygons:
        return []
    parts, feature_of_part = shapely.get_parts(np.asarray(polygons, dtype=object), return_index=True)
    rings, part_of_ring = shapely.get_rings(parts, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    closing = np.r_[ring[1:] != ring[:-1], True]
    xy, ring = np.rint(xy[~closing]).astype(np.int64), ring[~closing]
    if not len(xy):
        return [b""] * len(polygons)
    moved = (xy != _neighbour(xy, ring, -1)).any(axis=1)
    xy, ring = xy[moved], ring[moved]
    if not len(xy):
        return [b""] * len(polygons)
    sizes = np.bincount(ring, minlength=len(rings))
    after = _neighbour(xy, ring, 1)
    cross = xy[:, 0] * after[:, 1] - after[:, 0] * xy[:, 1]
    area = np.bincount(ring, weights=cross, minlength=len(rings))
    exterior = np.r_[True, part_of_ring[1:] != part_of_ring[:-1]]
    alive = (sizes >= 3) & (area != 0)
    shell_alive = np.zeros(len(parts), dtype=bool)
    shell_alive[part_of_ring[exterior]] = alive[exterior]
    alive &= shell_alive[part_of_ring]
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    local = np.arange(len(xy)) - starts[ring]
    flip = (area > 0) != exterior
    xy = xy[np.where(flip[ring], starts[ring] + sizes[ring] - 1 - local, starts[ring] + local)]
    keep = alive[ring]
    return _commands(xy[keep], ring[keep], alive, feature_of_part[part_of_ring], len(polygons))


def _neighbour(xy: np.ndarray, ring: np.ndarray, step: int) -> np.ndarray:
    """Each point's next (step 1) or previous (step -1) point in its ring, going round the ring."""
    out = np.roll(xy, -step, axis=0)
    first = np.r_[True, ring[1:] != ring[:-1]]
    last = np.r_[first[1:], True]
    if step == 1:
        out[last] = xy[first]
    else:
        out[first] = xy[last]
    return out


def _commands(xy: np.ndarray, ring: np.ndarray, alive: np.ndarray, feature_of_ring: np.ndarray, n: int) -> list[bytes]:
    """MoveTo, LineTo, ClosePath of every living ring, packed, cut into one byte string per feature."""
    kept = np.cumsum(alive) - 1  # ring id → its rank among the living rings
    rank = kept[ring]
    points = np.bincount(rank, minlength=int(alive.sum()))
    length = 2 * points + 3
    offset = np.cumsum(length) - length
    feature = feature_of_ring[alive]
    of_point = feature[rank]
    previous = np.roll(xy, 1, axis=0)
    previous[np.r_[True, of_point[1:] != of_point[:-1]][: len(xy)]] = 0  # each feature starts at (0, 0)
    params = zigzag(xy - previous)
    local = np.arange(len(xy)) - (np.cumsum(points) - points)[rank]
    at = offset[rank] + 1 + 2 * local + (local > 0)
    stream = np.zeros(int(length.sum()), dtype=np.uint64)
    stream[at], stream[at + 1] = params[:, 0], params[:, 1]
    stream[offset] = _MOVE_TO | (1 << 3)
    stream[offset + 3] = (_LINE_TO | ((points - 1) << 3)).astype(np.uint64)
    stream[offset + length - 1] = _CLOSE | (1 << 3)
    packed, sizes = _varints(stream)
    ends = np.r_[0, np.cumsum(sizes)]
    per_feature = np.bincount(feature, weights=length, minlength=n).astype(np.int64)
    bounds = ends[np.r_[0, np.cumsum(per_feature)]]
    data = packed.tobytes()
    return [data[bounds[i] : bounds[i + 1]] for i in range(n)]


def _points_or_lines(geom, kind: int) -> bytes:
    """Commands of a (multi)point (one MoveTo with every point) or (multi)line string (MoveTo, LineTo)."""
    cursor = np.zeros(2, dtype=np.int64)
    pieces = []
    if kind == 1:
        points = np.rint(shapely.get_coordinates(geom)).astype(np.int64)
        pieces.append(
            np.r_[_MOVE_TO | (len(points) << 3), zigzag(np.diff(np.vstack([cursor, points]), axis=0).ravel())]
        )
    for part in shapely.get_parts(geom) if kind == 2 else ():
        line = np.rint(shapely.get_coordinates(part)).astype(np.int64)
        line = line[np.r_[True, (line[1:] != line[:-1]).any(axis=1)]]
        if len(line) >= 2:
            params = zigzag(np.diff(np.vstack([cursor, line]), axis=0).ravel())
            pieces.append(np.r_[_MOVE_TO | (1 << 3), params[:2], _LINE_TO | ((len(line) - 1) << 3), params[2:]])
            cursor = line[-1]
    return varints(np.concatenate(pieces).astype(np.uint64)) if pieces else b""


def feature_message(geometry: bytes, geom_type: int, tags: bytes, feature_id: int | None) -> bytes:
    """``Tile.Feature``: id (if any), packed tags, type, packed geometry."""
    head = varint_field(1, feature_id) if feature_id is not None else b""
    return head + field(2, tags) + varint_field(3, geom_type) + field(4, geometry)


def layer_message(name: str, features: list[bytes], keys: list[str], values: list[bytes], extent: int) -> bytes:
    """``Tile.Layer`` version 2; the tile is this message as field 3 of ``Tile``."""
    body = [varint_field(15, 2), field(1, name.encode("utf-8"))]
    body += [field(2, f) for f in features]
    body += [field(3, k.encode("utf-8")) for k in keys]
    body += [field(4, v) for v in values]
    body.append(varint_field(5, extent))
    return field(3, b"".join(body))
