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
from geo_ntm.layers.simplify import simplify_for_zoom, zoom_band
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
FIELDS = {
    "code": ("Mã đơn vị (GSO)", "GSO unit code"),
    "uid": ("Mã phiên bản (mã@ngày hiệu lực)", "Version id"),
    "name": ("Tên", "Name (Vietnamese)"),
    "name_en": ("Tên tiếng Anh", "English name"),
    "type": ("Loại đơn vị", "Unit type"),
    "parent_code": ("Mã đơn vị cấp trên", "Parent unit code"),
    "parent_name": ("Đơn vị cấp trên", "Parent unit"),
    "province_code": ("Mã tỉnh", "Province code"),
    "status": ("Mức đạt (mã)", "Status key"),
    "status_vi": ("Mức đạt", "Status (Vietnamese)"),
    "status_en": ("Mức đạt (tiếng Anh)", "Status (English)"),
    "rank": ("Bậc", "Rank 0-3"),
    "decision_no": ("Số quyết định", "Decision number"),
    "decision_signed": ("Ngày ký", "Signed on"),
    "decision_precision": ("Độ chính xác ngày ký", "Precision of the signing date"),
    "year_label": ("Năm công nhận", "Recognition year ('năm')"),
    "authority": ("Cơ quan", "Authority"),
    "criteria_set": ("Bộ tiêu chí", "Criteria set"),
    "criteria_met": ("Tiêu chí đạt", "Criteria met"),
    "criteria_total": ("Số tiêu chí", "Number of criteria"),
    "criteria_source": ("Nguồn tiêu chí", "Criteria from"),
    "review_vi": ("Chờ rà soát: đơn vị cũ", "Awaiting review detail (vi)"),
    "review_en": ("Chờ rà soát (tiếng Anh)", "Awaiting review detail"),
    "constituents": ("Đơn vị cũ hợp thành", "Constituents"),
    "formed_on": ("Ngày hình thành", "Formed on"),
    "held_before": ("Mức đạt trước khi thành phường/thị trấn", "Level held before becoming a ward/town"),
    "review_state": ("Rà soát sau sắp xếp: bước", "Review of the merged unit: state"),
    "review_on": ("Rà soát: ngày", "Review: date of the step"),
    "review_document": ("Rà soát: văn bản", "Review: document"),
    "review_source": ("Rà soát: nguồn", "Review: data source label"),
    "constituents_past": (
        "Đơn vị cũ (đến 30/6/2025) đạt chuẩn NTM: tất cả / một phần / không",
        "Constituents' past: all / some / none NTM",
    ),
    "known_by": ("Công nhận không muộn hơn ngày (trước đó: chưa rõ)", "Recognised on or before (unknown before)"),
    "commune_group": ("Nhóm xã (2026-2030)", "Commune group (2026-2030)"),
    "group_source": ("Nhóm xã: nguồn", "Commune group: data source label"),
    "progress_set": ("Bộ tiêu chí của giai đoạn", "Criteria set of the period"),
    "progress_met": ("Tiêu chí đạt (2026-2030)", "Criteria met (2026-2030)"),
    "progress_not_met": ("Tiêu chí chưa đạt (2026-2030)", "Criteria not met (2026-2030)"),
    "progress_unknown": ("Tiêu chí chưa đánh giá (2026-2030)", "Criteria not assessed (2026-2030)"),
    "progress_total": ("Số tiêu chí (2026-2030)", "Number of criteria (2026-2030)"),
    "progress_as_of": ("Đánh giá 2026-2030 ngày", "2026-2030 assessment as of"),
    "progress_source": ("Đánh giá 2026-2030: nguồn", "2026-2030 assessment: data source label"),
    "source": ("Nguồn dữ liệu", "Data source label"),
    "citation": ("Trích dẫn", "Citation"),
    "dbkk": ("Xã ĐBKK", "Especially difficult commune"),
    "dbkk_list": ("Danh sách ĐBKK", "Difficulty list"),
    "villages_total": ("Số thôn", "Villages"),
    "villages_ntm": ("Thôn đạt chuẩn NTM", "NTM villages"),
    "villages_kieu_mau": ("Thôn NTM kiểu mẫu", "Model villages"),
    "dbkk_villages": ("Thôn ĐBKK", "Difficult villages"),
    "dbkk_villages_ntm": ("Thôn ĐBKK đạt chuẩn", "Difficult villages at NTM"),
    "villages_as_of": ("Số liệu thôn tính đến", "Village counts as of"),
    "area_km2": ("Diện tích (km²)", "Area (km²)"),
}
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

    def __init__(self, service: StatusService, max_frames: int = 64):
        self.service = service
        self._frames: OrderedDict[tuple, gpd.GeoDataFrame] = OrderedDict()
        self._max = max_frames
        self._lock = threading.Lock()
        self._geometry: dict[tuple, dict] = {}

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
        simplified = simplify_for_zoom(base[["uid", "code", "name", "status", "geometry"]], band) if len(base) else base
        shapes = dict(zip(simplified["uid"], simplified.geometry))
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
