"""Values the pipeline computes when the report does not state them (derived: true)."""

from __future__ import annotations

from pipeline.parse.records import Value


def derive_indicators(values: dict[str, Value]) -> dict[str, Value]:
    """Add the correction rate (纠错数 ÷ 办结数 × 100) when the report states both but no rate."""
    out = dict(values)
    corrected, closed = values.get("reconsideration_corrected"), values.get("reconsideration_closed")
    if "reconsideration_correction_rate" not in out and corrected and closed and closed.value > 0:
        if corrected.value <= closed.value:
            exact = corrected.qualifier == closed.qualifier == "exact"
            out["reconsideration_correction_rate"] = Value(
                key="reconsideration_correction_rate",
                value=round(corrected.value / closed.value * 100, 2),
                unit="%",
                qualifier="exact" if exact else "approx",
                derived=True,
                evidence=f"纠错{corrected.value}{corrected.unit} ÷ 办结{closed.value}{closed.unit} × 100",
                start=None,
                end=None,
            )
    return out
