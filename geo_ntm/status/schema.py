"""Schema of the status store, as numbered migrations (``PRAGMA user_version`` counts them).

A migration is only ever appended; released ones are never edited.
"""

MIGRATIONS = [
    """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta (key, value) VALUES ('data_version', '0');
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    unit_level TEXT NOT NULL CHECK (unit_level IN ('commune', 'district', 'village', 'province')),
    unit_code TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('dat_chuan', 'hoan_thanh', 'nang_cao', 'kieu_mau')),
    field TEXT,
    decision_no TEXT,
    signed TEXT NOT NULL,
    signed_precision TEXT NOT NULL DEFAULT 'day' CHECK (signed_precision IN ('day', 'year')),
    year_label INTEGER NOT NULL,
    authority TEXT,
    criteria_set TEXT,
    criteria_met TEXT,
    source TEXT NOT NULL CHECK (source IN ('official', 'illustrative')),
    citation TEXT,
    note TEXT,
    supersedes INTEGER REFERENCES decisions (id),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    request_id TEXT
);
CREATE UNIQUE INDEX decisions_corrected_once ON decisions (supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX decisions_unit ON decisions (unit_level, unit_code);
CREATE TABLE revocations (
    id INTEGER PRIMARY KEY,
    unit_level TEXT NOT NULL CHECK (unit_level IN ('commune', 'district', 'village', 'province')),
    unit_code TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('dat_chuan', 'hoan_thanh', 'nang_cao', 'kieu_mau')),
    decision_no TEXT,
    signed TEXT NOT NULL,
    authority TEXT,
    reason TEXT,
    source TEXT NOT NULL CHECK (source IN ('official', 'illustrative')),
    citation TEXT,
    supersedes INTEGER REFERENCES revocations (id),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    request_id TEXT
);
CREATE UNIQUE INDEX revocations_corrected_once ON revocations (supersedes) WHERE supersedes IS NOT NULL;
CREATE TABLE difficulty_lists (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('commune', 'village')),
    title TEXT NOT NULL,
    legal_act TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    source TEXT NOT NULL CHECK (source IN ('official', 'illustrative')),
    citation TEXT,
    amends TEXT REFERENCES difficulty_lists (id)
);
CREATE TABLE difficulty_entries (
    list_id TEXT NOT NULL REFERENCES difficulty_lists (id),
    unit_code TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    village TEXT,
    source TEXT NOT NULL CHECK (source IN ('official', 'illustrative')),
    note TEXT
);
CREATE TABLE village_counts (
    id INTEGER PRIMARY KEY,
    commune_code TEXT NOT NULL,
    commune_name TEXT NOT NULL,
    as_of TEXT NOT NULL,
    total INTEGER NOT NULL CHECK (total >= 0),
    ntm INTEGER NOT NULL CHECK (ntm >= 0 AND ntm <= total),
    kieu_mau INTEGER NOT NULL CHECK (kieu_mau >= 0 AND kieu_mau <= ntm),
    dbkk_total INTEGER CHECK (dbkk_total IS NULL OR (dbkk_total >= 0 AND dbkk_total <= total)),
    dbkk_ntm INTEGER CHECK (dbkk_ntm IS NULL OR (dbkk_ntm >= 0 AND dbkk_ntm <= dbkk_total)),
    source TEXT NOT NULL CHECK (source IN ('official', 'illustrative')),
    citation TEXT,
    supersedes INTEGER REFERENCES village_counts (id),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    request_id TEXT
);
CREATE TABLE plan_targets (
    id TEXT PRIMARY KEY,
    title_vi TEXT NOT NULL,
    title_en TEXT NOT NULL,
    metric TEXT NOT NULL,
    target REAL NOT NULL,
    deadline TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('official', 'illustrative')),
    scope TEXT NOT NULL DEFAULT '[]',
    province_code TEXT,
    citation TEXT
);
CREATE TABLE reported_figures (
    id INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    metric TEXT NOT NULL,
    value REAL NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('official', 'illustrative')),
    citation TEXT
);
CREATE TABLE assessments (
    id INTEGER PRIMARY KEY,
    unit_level TEXT NOT NULL CHECK (unit_level IN ('commune', 'district')),
    unit_code TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    as_of TEXT NOT NULL,
    criteria_set TEXT NOT NULL,
    criteria_met TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('official', 'illustrative')),
    citation TEXT,
    supersedes INTEGER REFERENCES assessments (id),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    request_id TEXT
);
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    request_id TEXT,
    action TEXT NOT NULL,
    tbl TEXT NOT NULL,
    record_id TEXT,
    detail TEXT
)
""",
    # 2: authenticated edits. API tokens (only a hash of each is kept), the HTTP context of every
    # write (joined to ``changes`` by request_id), idempotency keys of submissions, and uploaded
    # spreadsheets between their dry run and their confirmation (the bytes apart, so that updating an
    # upload's state does not rewrite them).
    """
CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    key_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
);
CREATE UNIQUE INDEX tokens_active_name ON tokens (name) WHERE revoked_at IS NULL;
CREATE TABLE requests (
    request_id TEXT PRIMARY KEY,
    client_request_id TEXT,
    at TEXT NOT NULL,
    method TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    client TEXT,
    token_id INTEGER REFERENCES tokens (id),
    token_name TEXT,
    role TEXT,
    user_agent TEXT
);
CREATE INDEX changes_at ON changes (at);
CREATE INDEX changes_request ON changes (request_id);
CREATE TABLE submissions (
    token_id INTEGER NOT NULL REFERENCES tokens (id),
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    location TEXT,
    created_at TEXT NOT NULL,
    request_id TEXT,
    PRIMARY KEY (token_id, key)
);
CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    request_id TEXT,
    filename TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    options TEXT NOT NULL,
    data_version INTEGER NOT NULL,
    report TEXT NOT NULL,
    ready INTEGER NOT NULL CHECK (ready IN (0, 1)),
    state TEXT NOT NULL CHECK (state IN ('checked', 'applying', 'applied', 'failed')),
    finished_at TEXT,
    finished_by TEXT,
    finished_request_id TEXT,
    result TEXT
);
CREATE TABLE upload_contents (
    upload_id TEXT PRIMARY KEY REFERENCES uploads (id),
    content BLOB NOT NULL
)
""",
    # 3: hardening. Each audit entry carries the hash that chains it to the one before
    # (:mod:`.chain`), and ``meta`` keeps the newest entry (its "head"); the entries already there
    # are chained by :data:`SEAL`. An upload being applied names the request that claimed it, so
    # that a claim left by a killed process can be told from one in progress and recovered; an
    # upload names the token that made it (only that editor, or an admin, sees and confirms it).
    """
ALTER TABLE changes ADD COLUMN hash TEXT;
INSERT INTO meta (key, value) VALUES ('audit_head', '');
ALTER TABLE uploads ADD COLUMN claimed_at TEXT;
ALTER TABLE uploads ADD COLUMN claimed_by TEXT;
ALTER TABLE uploads ADD COLUMN claim_request_id TEXT;
ALTER TABLE uploads ADD COLUMN owner_token_id INTEGER;
CREATE INDEX uploads_created ON uploads (created_at, id)
""",
    # 4: the 2026-2030 period. Decisions and revocations take the pilot level ``hien_dai`` and
    # dates known only to the month or as a bound (``by``, ``inferred``): SQLite cannot change a
    # CHECK, so both tables are rebuilt with the same columns (foreign keys deferred to COMMIT;
    # nothing else references them). Assessments say what was not met (the rest is "not
    # assessed") and against which commune group; commune groups and the review steps of
    # merged units are records of their own, corrected like the others (``supersedes``).
    """
PRAGMA defer_foreign_keys = ON;
CREATE TABLE decisions_v4 (
    id INTEGER PRIMARY KEY,
    unit_level TEXT NOT NULL CHECK (unit_level IN ('commune', 'district', 'village', 'province')),
    unit_code TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('dat_chuan', 'hoan_thanh', 'nang_cao', 'kieu_mau', 'hien_dai')),
    field TEXT,
    decision_no TEXT,
    signed TEXT NOT NULL,
    signed_precision TEXT NOT NULL DEFAULT 'day'
        CHECK (signed_precision IN ('day', 'month', 'year', 'by', 'inferred')),
    year_label INTEGER NOT NULL,
    authority TEXT,
    criteria_set TEXT,
    criteria_met TEXT,
    source TEXT NOT NULL CHECK (source IN ('official', 'illustrative')),
    citation TEXT,
    note TEXT,
    supersedes INTEGER REFERENCES decisions_v4 (id),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    request_id TEXT
);
INSERT INTO decisions_v4 (id, unit_level, unit_code, unit_name, level, field, decision_no, signed, signed_precision,
    year_label, authority, criteria_set, criteria_met, source, citation, note, supersedes, recorded_at, recorded_by,
    request_id)
SELECT id, unit_level, unit_code, unit_name, level, field, decision_no, signed, signed_precision, year_label,
    authority, criteria_set, criteria_met, source, citation, note, supersedes, recorded_at, recorded_by, request_id
FROM decisions;
DROP TABLE decisions;
ALTER TABLE decisions_v4 RENAME TO decisions;
CREATE UNIQUE INDEX decisions_corrected_once ON decisions (supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX decisions_unit ON decisions (unit_level, unit_code);
CREATE TABLE revocations_v4 (
    id INTEGER PRIMARY KEY,
    unit_level TEXT NOT NULL CHECK (unit_level IN ('commune', 'district', 'village', 'province')),
    unit_code TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('dat_chuan', 'hoan_thanh', 'nang_cao', 'kieu_mau', 'hien_dai')),
    decision_no TEXT,
    signed TEXT NOT NULL,
    authority TEXT,
    reason TEXT,
    source TEXT NOT NULL CHECK (source IN ('official', 'illustrative')),
    citation TEXT,
    supersedes INTEGER REFERENCES revocations_v4 (id),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    request_id TEXT
);
INSERT INTO revocations_v4 (id, unit_level, unit_code, unit_name, level, decision_no, signed, authority, reason, source,
    citation, supersedes, recorded_at, recorded_by, request_id)
SELECT id, unit_level, unit_code, unit_name, level, decision_no, signed, authority, reason, source, citation,
    supersedes, recorded_at, recorded_by, request_id
FROM revocations;
DROP TABLE revocations;
ALTER TABLE revocations_v4 RENAME TO revocations;
CREATE UNIQUE INDEX revocations_corrected_once ON revocations (supersedes) WHERE supersedes IS NOT NULL;
ALTER TABLE assessments ADD COLUMN criteria_not_met TEXT;
ALTER TABLE assessments ADD COLUMN commune_group INTEGER CHECK (commune_group IS NULL OR commune_group IN (1, 2, 3));
CREATE TABLE commune_groups (
    id INTEGER PRIMARY KEY,
    unit_code TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    commune_group INTEGER NOT NULL CHECK (commune_group IN (1, 2, 3)),
    valid_from TEXT NOT NULL,
    criteria_set TEXT NOT NULL,
    basis TEXT,
    source TEXT NOT NULL CHECK (source IN ('official', 'illustrative')),
    citation TEXT,
    supersedes INTEGER REFERENCES commune_groups (id),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    request_id TEXT
);
CREATE UNIQUE INDEX commune_groups_corrected_once ON commune_groups (supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX commune_groups_unit ON commune_groups (unit_code);
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    unit_level TEXT NOT NULL DEFAULT 'commune' CHECK (unit_level IN ('commune', 'province')),
    unit_code TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('self_assessed', 'verified', 'recognised', 'not_recognised')),
    reviewed_on TEXT NOT NULL,
    document_no TEXT,
    document TEXT,
    authority TEXT,
    criteria_set TEXT,
    decision_id INTEGER REFERENCES decisions (id),
    source TEXT NOT NULL CHECK (source IN ('official', 'illustrative')),
    citation TEXT,
    note TEXT,
    supersedes INTEGER REFERENCES reviews (id),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    request_id TEXT
);
CREATE UNIQUE INDEX reviews_corrected_once ON reviews (supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX reviews_unit ON reviews (unit_level, unit_code)
""",
    # 5: a plan target says when it was set (published), so that a province code reused by a new
    # province (24: Bắc Giang, then the new Bắc Ninh) does not show the new province's goals in
    # the old one's figures.
    """
ALTER TABLE plan_targets ADD COLUMN set_on TEXT
""",
]
#: Migrations whose number is here also run Python (in the same transaction) after their SQL.
SEAL = 3
