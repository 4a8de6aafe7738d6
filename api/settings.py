"""Service settings, read from the environment (prefix ``GEO_NTM_``) when the app is built."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from geo_ntm.boundaries.regions import CACHE_DIR, is_national
from geo_ntm.paths import DEFAULT_REGION, DEFAULT_STORE, SOURCES_DIR
from geo_ntm.status.store import is_url

NATIONAL_STORE = DEFAULT_STORE.with_name("geo-ntm-vn.sqlite")


class Settings(BaseSettings):
    """Everything the service can be told. Built inside :func:`api.main.create_app`, never at import."""

    model_config = SettingsConfigDict(env_prefix="GEO_NTM_", extra="forbid")

    #: The region: a file written by ``geo-ntm boundaries build``, or ``vn`` for all of Vietnam
    #: (built on first use into ``var/regions``, about two minutes; see boundaries/README.md).
    region: Path = DEFAULT_REGION
    #: Where a region named by ``region`` (``vn``) is built and kept, and the sources it is built from.
    region_cache: Path = CACHE_DIR
    sources: Path = SOURCES_DIR
    #: The status store, created and migrated at start: a SQLite file's path, or a PostgreSQL
    #: database's URL (``postgresql://user:password@host:5432/db``) for many workers or machines.
    #: Unset, the national region gets a SQLite store of its own (``geo-ntm-vn.sqlite`` beside the
    #: default one).
    store: str = str(DEFAULT_STORE)
    #: Load the region's embedded status data into an empty store at start: for the province the
    #: Bắc Giang dataset (illustrative at commune level, labelled so), for ``vn`` the public record
    #: (official figures and decisions only).
    demo: bool = True
    #: Origins allowed to read the API from browsers (CORS, GET/HEAD only); ["*"] for a public portal.
    cors_origins: list[str] = ["*"]
    #: Memory for finished answers (layers, tiles, downloads), in MB.
    cache_mb: int = 256
    #: Reads (pages, layers, status, decisions) need no token; false: every read needs a reader token.
    public_reads: bool = True
    #: Largest request body accepted (spreadsheet uploads, JSON), in bytes; a larger one gets 413.
    max_upload_bytes: int = 5 * 1024 * 1024
    #: Hours during which an import's dry run can be confirmed.
    import_ttl_hours: int = 24
    #: Optional base-map tile URL template (``https://…/{z}/{x}/{y}.png``); pages work without one.
    base_map_url: str | None = None
    #: Attribution shown with the base map.
    base_map_attribution: str = ""
    #: Sites allowed to show our embed pages in a frame (CSP frame-ancestors), e.g.
    #: ["https://snn.bacninh.gov.vn"]; empty: only this site. "*" allows any site.
    frame_ancestors: list[str] = []
    #: Public base URL of the service when behind a proxy (used in embed snippets and oEmbed).
    public_url: str | None = None
    #: Anyone may upload a document (letter, plan) to read its units and figures; false: a reader token is needed.
    public_documents: bool = True
    #: Where uploaded documents are kept (SQLite); default beside the store, ``<store>-documents.sqlite``.
    documents: Path | None = None

    @field_validator("store", mode="before")
    @classmethod
    def _store_text(cls, value):
        return str(value) if isinstance(value, PathLike) else value

    def documents_path(self) -> Path:
        if self.documents is not None:
            return self.documents
        store = self.store_path()
        if is_url(store):  # documents stay in SQLite (drafts, read by the worker that got them)
            return DEFAULT_STORE.with_name("geo-ntm-documents.sqlite")
        return Path(store).with_name(Path(store).stem + "-documents.sqlite")

    def store_path(self) -> str:
        """The store to open (a path or a URL): the one set, else the default of the region (national data apart)."""
        if "store" not in self.model_fields_set and is_national(self.region):
            return str(NATIONAL_STORE)
        return self.store
