"""Briefing downloads as Streamlit buttons: a CSV of the main table and an XLSX of every table with
its 说明 sheet. The files are made only when a button is clicked."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard import export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def now_text() -> str:
    """The export time as written in a 说明 sheet."""
    return datetime.now().strftime("%Y-%m-%d %H:%M")


def csv_xlsx_buttons(
    csv: Callable[[], bytes], xlsx: Callable[[], bytes], parts: list[object], key: str, csv_label: str
) -> None:
    """A CSV and an XLSX button side by side, file names from `parts`; each file is made only when
    its button is clicked."""
    left, right = st.columns(2)
    for column, label, make, ext, mime in (
        (left, csv_label, csv, "csv", "text/csv"),
        (right, "下载 Excel（XLSX）", xlsx, "xlsx", XLSX),
    ):
        column.download_button(
            label,
            make,
            file_name=export.export_filename(parts, ext),
            mime=mime,
            key=f"{key}_{ext}",
            icon=":material/download:",
            on_click="ignore",
        )


def briefing_buttons(
    sheets: Callable[[], dict[str, pd.DataFrame]],
    about: Callable[[], list[tuple[str, str]]],
    parts: list[object],
    key: str,
    csv_label: str = "下载 CSV",
) -> None:
    """`csv_label` (the first sheet, UTF-8 BOM, formula guard) and 下载 Excel（XLSX）(every sheet and
    说明); file names from `parts` (what, the peer group and its size, the year)."""
    csv_xlsx_buttons(
        lambda: export.to_csv_bytes(next(iter(sheets().values()))),
        lambda: export.to_xlsx_bytes(sheets(), about=about()),
        parts,
        key,
        csv_label,
    )


def table_buttons(pieces: Callable[[], Iterable[pd.DataFrame]], parts: list[object], key: str) -> None:
    """A plain table (in one or more pieces) as CSV, written a piece at a time, or XLSX."""
    csv_xlsx_buttons(
        lambda: export.pieces_to_csv_bytes(pieces()),
        lambda: export.to_xlsx_bytes(pd.concat(list(pieces()), ignore_index=True)),
        parts,
        key,
        "下载 CSV",
    )
