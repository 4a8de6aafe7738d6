"""The catalogue of map layers, and their frames for a date, a zoom band and filters.

A layer is a view of the status rows (:func:`geo_ntm.status.layer.status_frame`): communes,
districts, the province, or the especially difficult communes. Frames and their simplified
copies are computed once per data version and request shape and then reused, so a repeated
request costs a dictionary lookup.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import geopandas as gpd
import shapely

from geo_ntm.errors import InvalidParameterError, NotFoundError
from geo_ntm.i18n import pairs
from geo_ntm.layers.grid_cache import GridCache
from geo_ntm.layers.outline_store import OutlineStore
from geo_ntm.layers.simplify import FULL_DETAIL_ZOOM, simplify_for_zoom, zoom_band
from geo_ntm.layers.tiles import check_bbox
from geo_ntm.status.layer import COLUMNS
from geo_ntm.status.levels import STATUSES
from geo_ntm.status.service import StatusService
from geo_ntm.status.snapshot import Snapshot
from geo_ntm.when import Note, When, absence


@dataclass(frozen=True)
class Layer:
    id: str
    level: str
    title_vi: str
    title_en: str
    description_vi: str
    description_en: str
    dbkk_only: bool = False


LAYERS = {
    layer.id: layer
    for layer in (
        Layer(
            "communes",
            "commune",
            "Kết quả NTM cấp xã",
            "Commune NTM status",
            "Xã, phường, thị trấn với mức đạt chuẩn NTM và quyết định công nhận.",
            "Communes, wards and towns with their NTM level and the recognising decision.",
        ),
        Layer(
            "districts",
            "district",
            "Kết quả NTM cấp huyện",
            "District NTM status",
            "Huyện, thị xã, thành phố thuộc tỉnh (đến 30/06/2025) với mức đạt chuẩn.",
            "Districts, towns and cities (until 30 June 2025) with their NTM level.",
        ),
        Layer(
            "provinces",
            "province",
            "Kết quả NTM cấp tỉnh",
            "Province NTM status",
            "Tỉnh và mức hoàn thành nhiệm vụ xây dựng NTM.",
            "The province and its NTM mission status.",
        ),
        Layer(
            "dbkk",
            "commune",
            "Xã đặc biệt khó khăn",
            "Especially difficult communes",
            "Xã khu vực III theo danh sách có hiệu lực vào ngày xem, với số thôn đạt chuẩn.",
            "Region III communes on the list in force that day, with their villages at NTM standard.",
            dbkk_only=True,
        ),
    )
}
#: Labels (vi, en), from the message catalogues.
FIELDS = pairs("field")
assert set(FIELDS) == set(COLUMNS)


@dataclass(frozen=True)
class Filters:
    """What a layer request keeps: a box, a district, statuses, ĐBKK or not, a province; checked once, when made."""

    bbox: tuple[float, float, float, float] | None = None
    district: str | None = None
    status: tuple[str, ...] = ()
    dbkk: bool | None = None
    province: str | None = None

    def __post_init__(self) -> None:
        bad = [s for s in self.status if s not in STATUSES]
        if bad:
            raise InvalidParameterError(f"status {bad} not known; allowed: {list(STATUSES)}")
        if self.bbox is not None:
            check_bbox(self.bbox)

    @property
    def key(self) -> tuple:
        """The filters as a cache key."""
        return (self.bbox, self.district, self.status, self.dbkk, self.province)


class Catalog:
    """Layers over the status of a data version, with their frames cached per version.

    Every method takes the :class:`~geo_ntm.status.snapshot.Snapshot` an answer is computed
    from, so a frame and the version in its cache key can never disagree.
    """

    def __init__(self, service: StatusService, max_frames: int = 64, outlines: OutlineStore | None = None):
        self.service = service
        #: Simplified outlines on disk, shared by workers and restarts (None: in memory only).
        self.outlines = outlines
        self._frames: OrderedDict[tuple, gpd.GeoDataFrame] = OrderedDict()
        self._max = max_frames
        self._lock = threading.Lock()
        self._geometry: dict[tuple, dict] = {}
        #: Written outlines (vector tiles, PNG rasters, GeoJSON geometries), reused by the next data version.
        self.tile_grids = GridCache(96 * 1024 * 1024)

    @property
    def atlas(self):
        return self.service.atlas

    def layer(self, layer_id: str) -> Layer:
        if layer_id not in LAYERS:
            raise NotFoundError(f"unknown layer {layer_id!r}; layers: {list(LAYERS)}")
        return LAYERS[layer_id]

    def note(self, snap: Snapshot, layer_id: str, when: When) -> Note | None:
        """Why the layer has no rows on ``when`` (None when it has some, or when it is merely filtered)."""
        layer = self.layer(layer_id)
        gone = absence(self.atlas, layer.level, when.as_of)
        if gone is None and layer.dbkk_only and self.frame(snap, layer_id, when).empty:
            lists = [d for d in snap.records.difficulty_lists if d.kind == "commune"]
            live = [d for d in lists if d.valid_from <= when.as_of and (d.valid_to is None or when.as_of <= d.valid_to)]
            if not live:
                return Note("no_list", {"day": when.as_of})
            return Note("list_communes_gone", {"day": when.as_of, "list": max(live, key=lambda d: d.valid_from).id})
        return gone

    def frame(self, snap: Snapshot, layer_id: str, when: When, band: int | None = None) -> gpd.GeoDataFrame:
        """The layer on ``when``, simplified for zoom band ``band`` (None: full detail)."""
        layer = self.layer(layer_id)
        key = (snap.version, layer_id, when.key, band)
        with self._lock:
            if key in self._frames:
                self._frames.move_to_end(key)
                return self._frames[key]
        if band is None:
            frame = snap.status_frame(layer.level, day=when.day, year=when.year)
            if layer.dbkk_only:
                frame = frame[frame["dbkk"]].reset_index(drop=True)
        else:
            full = self.frame(snap, layer_id, when)
            # Simplify the whole level together so shared edges stay shared, then keep the layer's rows.
            base = full if not layer.dbkk_only else self.frame(snap, "communes", when)
            shapes = self._shapes(base, band)
            frame = full.copy()
            frame["geometry"] = frame["uid"].map(shapes)
            frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=full.crs)
        with self._lock:
            self._frames[key] = frame
            while len(self._frames) > self._max:
                self._frames.popitem(last=False)
        return frame

    def _shapes(self, base: gpd.GeoDataFrame, band: int) -> dict:
        """Simplified outlines by uid; they depend on the boundaries only, so they outlive data versions."""
        key = (band, tuple(base["uid"]))
        with self._lock:
            if key in self._geometry:
                return self._geometry[key]
        uids = key[1]
        kept = self.outlines if uids and band < FULL_DETAIL_ZOOM else None  # full detail is a copy: nothing to keep
        shapes = kept.get(band, uids) if kept is not None else None
        if shapes is None:
            simplified = simplify_for_zoom(base[["uid", "code", "name", "status", "geometry"]], band) if uids else base
            shapes = dict(zip(simplified["uid"], simplified.geometry))
            if kept is not None:
                kept.put(band, uids, shapes)
        with self._lock:
            self._geometry[key] = shapes
        return shapes

    def select(
        self, snap: Snapshot, layer_id: str, when: When, *, zoom: int | None = None, filters: Filters = Filters()
    ) -> gpd.GeoDataFrame:
        """The layer's rows on ``when`` for a zoom, filtered."""
        band = zoom_band(zoom) if zoom is not None else None
        frame = self.frame(snap, layer_id, when, band)
        if filters.bbox is not None:
            hits = frame.sindex.query(shapely.box(*filters.bbox), predicate="intersects")
            frame = frame.iloc[sorted(hits)]
        if filters.district:
            frame = frame[(frame["parent_code"] == filters.district) | (frame["code"] == filters.district)]
        if filters.status:
            frame = frame[frame["status"].isin(filters.status)]
        if filters.dbkk is not None:
            frame = frame[frame["dbkk"] == filters.dbkk]
        if filters.province:
            frame = frame[(frame["province_code"] == filters.province) | (frame["code"] == filters.province)]
        return frame
