"""One record shape: the tables' columns (schema.sql) and the records the parser returns
(pipeline/parse/records.py) name the same fields, so the store can write rows by name."""

from __future__ import annotations

from dataclasses import fields

import duckdb
import pytest

from pipeline.build import store
from pipeline.parse.records import Mention, Metadata, ReportResult, Value


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    store.create_schema(con)
    return con


def names(record) -> list[str]:
    """A record's field names as the tables name them (a JSON field may be stored under another name)."""
    return [store.JSON_FIELDS.get(f.name, f.name) for f in fields(record)]


def test_reports_hold_the_file_fields_the_metadata_and_the_build_fields(con) -> None:
    assert set(store.FILE_FIELDS) <= set(names(ReportResult))
    assert set(store.table_columns(con, "reports")) == {
        *store.BUILD_FIELDS,
        *store.FILE_FIELDS,
        *names(Metadata),
    }


def test_extracted_meta_is_the_metadata_record(con) -> None:
    assert set(store.table_columns(con, "extracted_meta")) == {
        "report_id",
        *names(Metadata),
    }  # written by name


def test_extracted_indicators_are_the_value_record(con) -> None:
    assert store.table_columns(con, "extracted_indicators") == ("report_id", *names(Value))


def test_mentions_are_the_mention_record(con) -> None:
    assert store.table_columns(con, "mentions") == ("report_id", "seq", *names(Mention))


def test_a_field_the_table_lacks_fails_loudly(con) -> None:
    with pytest.raises(duckdb.BinderException):
        store.insert_rows(con, "mentions", [{"report_id": "x", "seq": 0, "no_such_field": 1}])
