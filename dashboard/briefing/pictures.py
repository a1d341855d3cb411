"""One picture per indicator group: a panel per indicator, bars sorted best first, the peer median
and (for rates) the national / province / city figure as labelled lines — the on-screen chart's look
(dark blue bars, labels that keep qualifiers, title, group and source inside) drawn by matplotlib
with Debian's Noto Sans CJK, so no browser runs on the server."""

from __future__ import annotations

import io
import math

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from dashboard.briefing.facts import IndicatorFacts, names
from dashboard.briefing.group import BriefingError
from dashboard.charts import BAR, LINE_GREY, SOURCE
from dashboard.fmt import DIRECTION_NAMES, MISSING, format_number, format_value, unit_label

FONT = "Noto Sans CJK SC"
WORSE = "#d9822b"  # orange: on the worse side of the median (still distinct from blue in greyscale)
NEUTRAL = "#5b7f9e"
REFERENCE_COLOURS = ("#c00000", "#7030a0", "#00808c")  # 全国, province, city
MOST = 30  # a panel draws at most this many bars: the best and the worst half each
WIDTH = 7.6  # inches; the picture is set 15.5 cm wide in the document
DPI = 170  # 1,292 px across: about 210 dpi as printed at 15.5 cm


def check_font() -> str:
    """The CJK font file matplotlib will use; BriefingError when it is not installed."""
    try:
        return font_manager.findfont(font_manager.FontProperties(family=FONT), fallback_to_default=False)
    except ValueError as e:
        raise BriefingError("缺少中文字体 Noto Sans CJK：请安装 fonts-noto-cjk（make browser）") from e


def _colour(f: IndicatorFacts, value: float) -> str:
    if not f.ranked or f.median is None:
        return NEUTRAL
    better = value >= f.median if f.direction == "higher" else value <= f.median
    return BAR if better else WORSE


def _panel(ax, f: IndicatorFacts, refs, notes: list[str]) -> None:
    """One indicator: horizontal bars (best on top), value labels, median and reference lines."""
    data = f.have
    cut = len(data) > MOST
    if cut:
        data = data.iloc[list(range(MOST // 2)) + list(range(len(data) - MOST // 2, len(data)))]
    y = list(range(len(data)))[::-1]
    colours = [_colour(f, v) for v in data["value"]]
    bars = ax.barh(y, data["value"], color=colours, edgecolor=BAR, linewidth=0.6, height=0.68)
    for bar, derived in zip(bars, data["derived"], strict=True):
        if bool(derived):  # white hatching over the bar's own colour: still says better / worse
            bar.set_hatch("////")
            bar.set_edgecolor("white")
    labels = [format_value(v, q, f.kind) for v, q in zip(data["value"], data["qualifier"], strict=True)]
    lines = (
        [(f"中位数 {format_number(f.median, f.kind)}", f.median, LINE_GREY, "--")]
        if f.median is not None
        else []
    )
    if f.kind == "rate":
        for n, (_, r) in enumerate(refs.iterrows()):
            colour = REFERENCE_COLOURS[min(n, len(REFERENCE_COLOURS) - 1)]
            lines.append(
                (f"{r['label']} {format_number(r['value'], f.kind)}", float(r["value"]), colour, ":")
            )
    top = max([float(data["value"].max()) if len(data) else 0.0] + [v for _, v, _, _ in lines]) or 1.0
    ax.set_xlim(0, min(top * 1.22, 112.0) if f.kind == "rate" else top * 1.22)  # no 120% tick
    for bar, text in zip(bars, labels, strict=True):
        ax.text(
            bar.get_width() + top * 0.012,
            bar.get_y() + bar.get_height() / 2,
            text,
            va="center",
            fontsize=7.5,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},
            zorder=4,
        )
    for n, (text, x, colour, style) in enumerate(lines):
        ax.axvline(x, color=colour, linestyle=style, linewidth=1.2, zorder=3)
        right = x >= top * 0.75
        ax.annotate(
            text,
            xy=(x, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-2 if right else 2, 2 + 10 * n),
            textcoords="offset points",
            color=colour,
            fontsize=7,
            va="bottom",
            ha="right" if right else "left",
            annotation_clip=False,
        )
    ax.set_yticks(y, list(data["place"]), fontsize=8)
    ax.set_ylim(-0.7, len(data) - 0.3)
    ax.xaxis.set_major_formatter(
        FuncFormatter(
            lambda v, _: format_number(v, f.kind) if 0 <= v <= (100 if f.kind == "rate" else v) else ""
        )
    )
    ax.tick_params(axis="x", labelsize=7, colors="#444444")
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    subtitle = f"{unit_label(f.kind, f.unit)} · {DIRECTION_NAMES[f.direction]}"
    ax.set_title(f"{f.name}\n", loc="left", fontsize=10, fontweight="bold", pad=4 + 11 * len(lines))
    ax.set_title(subtitle, loc="right", fontsize=7.5, color="#555555", pad=4 + 11 * len(lines))
    if notes:
        ax.set_xlabel("\n".join(notes), fontsize=7, color="#555555", loc="left", labelpad=2)


def _notes(f: IndicatorFacts, width_in: float) -> list[str]:
    """The grey lines under a panel (cut, 无数据), wrapped by hand to the panel's width."""
    notes = []
    if len(f.have) > MOST:
        notes.append(f"图中为最前与最后各 {MOST // 2} 个地区（共 {len(f.have)} 个），完整名次见表")
    if f.missing:
        notes.append(f"{MISSING}：{names(f.missing)}")
    per_line = max(10, int(width_in / 0.1))  # 7 pt CJK characters are about 0.1 inch wide
    return [n[i : i + per_line] for n in notes for i in range(0, len(n), per_line)]


def _reference_count(f: IndicatorFacts, refs) -> int:
    return (1 if f.median is not None else 0) + (len(refs) if f.kind == "rate" else 0)


def group_picture(title: str, subtitle: str, facts: list[IndicatorFacts], references) -> bytes:
    """The PNG of one indicator group (facts with at least one figure), title and source inside.
    Laid out by hand in inches (a panel per indicator, two per row): matplotlib's constrained layout
    drew every picture twice and took most of the time."""
    check_font()
    shown = [f for f in facts if len(f.have)]
    cols = 1 if len(shown) == 1 else 2
    rows = math.ceil(len(shown) / cols)
    cell_w = WIDTH / cols
    label_w = 0.2 + 0.11 * max(len(p) for f in shown for p in f.have["place"].head(MOST))
    plot_w = cell_w - label_w - 0.3
    refs = {f.key: references[references["key"] == f.key] for f in shown}
    tops = {f.key: 0.42 + 0.14 * _reference_count(f, refs[f.key]) for f in shown}
    bottoms = {f.key: 0.3 + 0.13 * len(_notes(f, plot_w)) for f in shown}
    bars = {f.key: max(0.45, 0.23 * min(len(f.have), MOST) + 0.1) for f in shown}
    row_h = [
        max(tops[f.key] + bars[f.key] + bottoms[f.key] for f in shown[r * cols : r * cols + cols]) + 0.12
        for r in range(rows)
    ]
    head, foot = 0.62, 0.42
    height = head + sum(row_h) + foot
    with matplotlib.rc_context({"font.family": [FONT, "DejaVu Sans"], "axes.unicode_minus": False}):
        fig = Figure(figsize=(WIDTH, height), dpi=DPI)
        fig.text(
            0.08 / WIDTH, 1 - 0.08 / height, title, fontsize=13, fontweight="bold", va="top", color="#222222"
        )
        fig.text(0.08 / WIDTH, 1 - 0.4 / height, subtitle, fontsize=8.5, va="top", color="#555555")
        y = height - head
        for r in range(rows):
            for c, f in enumerate(shown[r * cols : r * cols + cols]):
                top = y - tops[f.key]
                box = [
                    (c * cell_w + label_w) / WIDTH,
                    (top - bars[f.key]) / height,
                    plot_w / WIDTH,
                    bars[f.key] / height,
                ]
                ax = fig.add_axes(box)
                _panel(ax, f, refs[f.key], _notes(f, plot_w))
            y -= row_h[r]
        legend = "深蓝：等于组内中位数或在其较好一侧，橙色：在较差一侧（按指标的越高/越低越好）；灰蓝：中性指标；斜线：推算值"
        fig.text(0.08 / WIDTH, 0.38 / height, f"{legend}\n{SOURCE}", fontsize=7, va="top", color="#555555")
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()
