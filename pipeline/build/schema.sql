-- The database the dashboard reads (built by `python -m pipeline build`, never edited by hand).
-- One file, rebuilt into a temporary file and swapped in atomically.

CREATE TABLE reports (
    report_id    VARCHAR PRIMARY KEY,   -- stable id: the file's path relative to the reports folder
    source       VARCHAR NOT NULL,      -- the path as read
    sha256       VARCHAR NOT NULL,
    format       VARCHAR NOT NULL,      -- txt | html | docx | pdf
    script       VARCHAR,               -- simplified | traditional
    jurisdiction VARCHAR,
    province     VARCHAR,
    city         VARCHAR,
    county       VARCHAR,
    level        VARCHAR,               -- national | province | prefecture | county | township | department
    year         INTEGER,
    title        VARCHAR,
    department   VARCHAR,               -- 司法局 for a department's report (jurisdiction = its government)
    meta_sources VARCHAR,               -- JSON: field → the signal that decided it (标题, 落款, 索引号 …)
    text         VARCHAR NOT NULL USING COMPRESSION zstd,  -- the normalised text that offsets point into (zstd: checkpointing the default string compression took ~5 s at 10,000 reports)
    ingested_at  TIMESTAMP NOT NULL,
    is_current   BOOLEAN NOT NULL DEFAULT TRUE,  -- false for an older duplicate of (jurisdiction, year)
    duplicate_of VARCHAR,               -- report_id of the current report when this one is superseded
    file_mtime   TIMESTAMP,             -- the file's modification time: the newer duplicate is current
    parser_version VARCHAR NOT NULL     -- fingerprint of the extraction code; a new one re-parses the file
);

CREATE TABLE indicators (
    report_id  VARCHAR NOT NULL,
    key        VARCHAR NOT NULL,
    value      DOUBLE NOT NULL,
    unit       VARCHAR NOT NULL,
    qualifier  VARCHAR NOT NULL,        -- exact | over | approx | under
    derived    BOOLEAN NOT NULL,
    evidence   VARCHAR,
    start      INTEGER,                 -- offsets of the figure in reports.text (null when derived)
    "end"      INTEGER,
    origin     VARCHAR NOT NULL,        -- extracted | corrected
    PRIMARY KEY (report_id, key)
);

CREATE TABLE indicator_defs (
    key         VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,       -- 名称 shown in the dashboard
    group_key   VARCHAR NOT NULL,       -- reconsideration | litigation | disputes | decisions | enforcement | services
    group_name  VARCHAR NOT NULL,       -- 行政复议 | 行政诉讼 | 矛盾纠纷化解 | 依法决策 | 行政执法 | 公共法律服务与学法
    kind        VARCHAR NOT NULL,       -- count | rate | money
    unit        VARCHAR NOT NULL,       -- stored unit: 件 / 次 / % / 万元 ...
    direction   VARCHAR NOT NULL,       -- higher | lower | neutral (is a higher value better?)
    definition  VARCHAR NOT NULL,
    sort_order  INTEGER NOT NULL
);

CREATE TABLE mentions (
    report_id VARCHAR NOT NULL,
    seq       INTEGER NOT NULL,
    value     DOUBLE NOT NULL,
    unit      VARCHAR NOT NULL,
    qualifier VARCHAR NOT NULL,
    clause    VARCHAR NOT NULL USING COMPRESSION zstd,
    start     INTEGER NOT NULL,
    "end"     INTEGER NOT NULL
    -- no PRIMARY KEY: its index doubled the table's size and cost ~1 s at 10,000 reports;
    -- (report_id, seq) uniqueness is one of the post-build checks instead (pipeline/checks.py)
);

-- Manual corrections, mirrored from data/corrections.csv; applied over extracted values on every build.
CREATE TABLE corrections (
    report_id  VARCHAR NOT NULL,
    field      VARCHAR NOT NULL,        -- an indicator key, or a metadata field (jurisdiction, year, ...)
    new_value  VARCHAR,                 -- empty means "remove this value"
    reason     VARCHAR NOT NULL,
    who        VARCHAR,
    "at"       TIMESTAMP NOT NULL,
    applied    BOOLEAN NOT NULL         -- false when it matched no report in this build
);

CREATE TABLE ingest_log (
    run_id  VARCHAR NOT NULL,
    report_id VARCHAR,                  -- null for a file that got no id
    source  VARCHAR NOT NULL,
    sha256  VARCHAR,
    status  VARCHAR NOT NULL,           -- parsed | unchanged | failed | removed | duplicate
    error   VARCHAR,                    -- plain-words reason, or the duplicate it conflicts with
    "at"    TIMESTAMP NOT NULL  -- quoted: AT is a keyword in DuckDB 2
);

CREATE TABLE builds (
    run_id      VARCHAR PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    files_seen  INTEGER NOT NULL,
    parsed      INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    indicators  INTEGER NOT NULL,
    seconds     DOUBLE NOT NULL
);

-- What the parser found, before corrections: kept so that a rebuild can re-apply (or drop) a
-- correction on an unchanged file without parsing it again.
CREATE TABLE extracted_meta (
    report_id    VARCHAR PRIMARY KEY,
    jurisdiction VARCHAR,
    province     VARCHAR,
    city         VARCHAR,
    county       VARCHAR,
    level        VARCHAR,
    year         INTEGER,
    title        VARCHAR,
    department   VARCHAR,
    meta_sources VARCHAR
);

CREATE TABLE extracted_indicators (
    report_id  VARCHAR NOT NULL,
    key        VARCHAR NOT NULL,
    value      DOUBLE NOT NULL,
    unit       VARCHAR NOT NULL,
    qualifier  VARCHAR NOT NULL,
    derived    BOOLEAN NOT NULL,
    evidence   VARCHAR,
    start      INTEGER,
    "end"      INTEGER
);

-- Views the dashboard reads.
CREATE VIEW current_reports AS
SELECT * FROM reports WHERE is_current;

CREATE VIEW indicator_values AS
SELECT r.report_id, r.jurisdiction, r.department, r.province, r.city, r.county, r.level, r.year,
       i.key, d.name, d.group_key, d.group_name, d.kind, d.unit,
       i.value, i.unit AS unit_as_written, i.qualifier, i.derived, i.evidence, i.start, i."end",
       i.origin, d.sort_order
FROM indicators i
JOIN reports r ON r.report_id = i.report_id AND r.is_current
JOIN indicator_defs d ON d.key = i.key;

-- Every current report's display name (`place`): the jurisdiction, plus where it is when places
-- elsewhere share the name (its city, or province, for 鼓楼区 of 南京 and of 福州; its county too for a
-- township: 城关镇 of 社旗县 and of 西峡县), so one label never mixes two places. A department's
-- report is a place of its own (城中区司法局), never mixed with its government's. Defined here once.
CREATE VIEW places AS
SELECT report_id, CASE
    WHEN jurisdiction IS NULL THEN '（未识别地区）'
    WHEN count(DISTINCT concat_ws('/', province, city, county)) OVER (PARTITION BY jurisdiction, department) > 1
        THEN jurisdiction || coalesce(department, '') || '（' || coalesce(city, province, '')
             || CASE WHEN level = 'township' THEN coalesce(county, '') ELSE '' END || '）'
    ELSE jurisdiction || coalesce(department, '') END AS place
FROM current_reports;
