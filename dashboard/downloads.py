"""Briefing downloads as Streamlit buttons: a CSV of the main table and an XLSX of every table with
its 说明 sheet. The files are made only when a button is clicked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard import export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def now_text() -> str:
    """The export time as written in a 说明 sheet."""
    return datetime.now().strftime("%Y-%m-%d %H:%M")


def briefing_buttons(
    sheets: Callable[[], dict[str, pd.DataFrame]],
    about: Callable[[], list[tuple[str, str]]],
    parts: list[object],
    key: str,
    csv_label: str = "下载 CSV",
) -> None:
    """`csv_label` (the first sheet, UTF-8 BOM, formula guard) and 下载 Excel（XLSX）(every sheet and
    说明) side by side; file names from `parts` (what, the peer group and its size, the year)."""
    left, right = st.columns(2)
    left.download_button(
        csv_label,
        lambda: export.to_csv_bytes(next(iter(sheets().values()))),
        file_name=export.export_filename(parts, "csv"),
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    right.download_button(
        "下载 Excel（XLSX）",
        lambda: export.to_xlsx_bytes(sheets(), about=about()),
        file_name=export.export_filename(parts, "xlsx"),
        mime=XLSX,
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
