"""Where a figure comes from, for 地区档案's 数字溯源: the sentence (or, for a derived value, the two
sentences and the arithmetic), the file, and the signal each metadata field was read from."""

from __future__ import annotations

import pandas as pd

from dashboard.fmt import format_value

# A derived key → (numerator key, denominator key, factor): value = numerator ÷ denominator × factor.
DERIVED = {"reconsideration_correction_rate": ("reconsideration_corrected", "reconsideration_closed", 100)}


def inputs_of(key: str, values: pd.DataFrame) -> list[pd.Series]:
    """The rows a derived value was computed from (in this report's values), empty when not derived
    or when one of them is no longer there."""
    if key not in DERIVED:
        return []
    rows = values.drop_duplicates("key").set_index("key")
    needed = DERIVED[key][:2]
    return [rows.loc[k] for k in needed] if all(k in rows.index for k in needed) else []


def arithmetic(key: str, value: pd.Series, inputs: list[pd.Series]) -> str:
    """The computation in words and numbers: 行政复议纠错数 3件 ÷ 行政复议办结数 20件 × 100 = 15%."""
    top, bottom = inputs
    factor = DERIVED[key][2]
    times = f" × {factor}" if factor != 1 else ""
    shown = format_value(value["value"], value["qualifier"], value["kind"])
    return (
        f"{top['name']} {format_value(top['value'], top['qualifier'], top['kind'])}{top['unit']} ÷ "
        f"{bottom['name']} {format_value(bottom['value'], bottom['qualifier'], bottom['kind'])}"
        f"{bottom['unit']}{times} = {shown}"
    )
