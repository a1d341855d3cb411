"""Pure chart functions: a DataFrame in, a briefing-ready Plotly figure out.

Title, subtitle (unit, year, peer group) and the source line sit inside the figure, so the PNG from
the camera button stands alone. Data strings are escaped: Plotly reads a few HTML-like tags in text."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from dashboard.fmt import MISSING, format_value

SOURCE = "数据来源：各地法治政府建设年度报告，法治对标整理"
FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "SimHei", sans-serif'
BAR = "#1f4e79"  # dark blue: readable in greyscale print
LINE_GREY = "#7f7f7f"


def safe(text: object) -> str:
    """Escape a data string for Plotly's pseudo-HTML text."""
    return html.escape(str(text), quote=False)


# Plotly's own zh-CN dictionary for the toolbar (plotly.js dist/plotly-locale-zh-cn), given with the
# chart (config `locales`) since Streamlit's bundle registers no locale.
ZH_CN = {
    "dictionary": {
        "Autoscale": "自动缩放",
        "Box Select": "矩形框选",
        "Click to enter Colorscale title": "点击输入色阶的标题",
        "Click to enter Component A title": "点击输入组件A的标题",
        "Click to enter Component B title": "点击输入组件B的标题",
        "Click to enter Component C title": "点击输入组件C的标题",
        "Click to enter Plot title": "点击输入图表的标题",
        "Click to enter X axis title": "点击输入X轴的标题",
        "Click to enter Y axis title": "点击输入Y轴的标题",
        "Compare data on hover": "悬停时比较数据",
        "Double-click on legend to isolate one trace": "双击图例来突显对应轨迹",
        "Double-click to zoom back out": "双击返回缩小显示",
        "Download plot": "下载图表",
        "Download plot as a PNG": "下载图表为PNG格式",
        "Download plot as a png": "下载图表为PNG格式",
        "Edit in Chart Studio": "在Chart Studio中编辑",
        "IE only supports svg.  Changing format to svg.": "IE只支持SVG。转换格式为SVG。",
        "Lasso Select": "套索选择",
        "Orbital rotation": "轨道旋转",
        "Pan": "平移",
        "Produced with Plotly.js": "由Plotly.js生成",
        "Reset": "重置",
        "Reset axes": "重置轴",
        "Reset camera to default": "重置镜头视角为默认状态",
        "Reset camera to last save": "重置镜头视角为上次保存状态",
        "Reset view": "重置视图",
        "Reset views": "重置视图",
        "Show closest data on hover": "悬停时显示最近的数据",
        "Snapshot succeeded": "生成快照成功",
        "Sorry, there was a problem downloading your snapshot!": "抱歉，下载快照出现问题！",
        "Taking snapshot - this may take a few seconds": "正在生成快照 - 可能需要几秒钟",
        "Toggle Spike Lines": "切换显示数据点辅助线",
        "Toggle show closest data on hover": "切换显示最近的数据",
        "Turntable rotation": "旋转",
        "Zoom": "缩放",
        "Zoom in": "放大",
        "Zoom out": "缩小",
    },
    "format": {
        "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
        "shortDays": ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
        "months": [f"{n}月" for n in range(1, 13)],
        "shortMonths": [f"{n}月" for n in range(1, 13)],
        "date": "%Y-%m-%d",
        "decimal": ".",
        "thousands": ",",
    },
}


def chart_config(filename: str) -> dict:
    """st.plotly_chart config: the camera button saves a PNG at scale 2 named after what it shows;
    the toolbar speaks Chinese (Plotly's zh-CN locale)."""
    return {
        "locale": "zh-CN",
        "locales": {"zh-CN": ZH_CN},
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def _frame_layout(fig: go.Figure, title: str, subtitle: str, notes: list[str], height: int) -> go.Figure:
    """Title, subtitle, CJK font, white background and the source line under the plot."""
    lines = [safe(n) for n in notes] + [SOURCE]
    bottom = 40 + 18 * len(lines)
    fig.update_layout(
        title={
            "text": safe(title),
            "subtitle": {"text": safe(subtitle)},
            "x": 0.01,
            "xanchor": "left",
            "font": {"size": 18},
        },
        font={"family": FONT, "size": 13, "color": "#222222"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=height + bottom,
        margin={"l": 10, "r": 40, "t": 80, "b": bottom},
        showlegend=False,
    )
    fig.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        xanchor="left",
        y=0,
        yanchor="top",
        yshift=-28,
        showarrow=False,
        align="left",
        font={"size": 11, "color": "#555555"},
    )
    return fig


BETTER = "#1f4e79"  # dark blue: better than the peer median
WORSE = "#c55a11"  # dark orange: worse (blue/orange stay apart for colour-blind readers and in grey)
NEUTRAL = "#6b8fb5"  # one colour for a neutral indicator: no better, no worse
EVEN = "#7f7f7f"
REFERENCE = "#2e7d32"  # the national / provincial lines


def comparison_chart(cmp, *, group_label: str, year: int | None, rank: bool = False) -> go.Figure:
    """One indicator across a peer group (a ranking.Comparison): bars best first (largest first for
    a neutral key), coloured better / worse than the peer median for directional keys, the median as
    a labelled dashed line, the national and provincial figures as lines when loaded, the direction in
    the subtitle, and inside the figure the places in other units and those without the figure.
    `rank` puts `2/7` before each place (the 排名 chart)."""
    from dashboard.fmt import OTHER_UNIT, SUBTITLE_DIRECTION, unit_label

    t = cmp.table
    ok = t[t["status"] == "ok"]
    colour = {"较好": BETTER, "较差": WORSE, "持平": EVEN}
    colours = [NEUTRAL if cmp.direction == "neutral" else colour.get(v, EVEN) for v in ok["versus"]]
    names = [
        f"{r}  {safe(p)}" if rank and r else safe(p)
        for p, r in zip(ok["place"], ok["rank_text"], strict=True)
    ]
    derived = ok["derived"].fillna(False).astype(bool).to_list()
    fig = go.Figure(
        go.Bar(
            x=ok["value"],
            y=names,
            orientation="h",
            text=[safe(x) for x in ok["label"]],
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": colours,
                "pattern": {"shape": ["/" if d else "" for d in derived], "fgcolor": "white"},
                "line": {"color": "#333333", "width": 0.5},
            },
            hovertemplate="%{y}：%{text}<extra></extra>",
        )
    )
    lines = []
    if cmp.median is not None and len(ok):
        median_text = format_value(cmp.median, "exact", cmp.kind)
        lines.append((f"组中位数 {median_text}", cmp.median, LINE_GREY, "dash"))
    for label, value, text in cmp.references:
        lines.append((f"{label} {text}", value, REFERENCE, "dot"))
    for n, (text, value, col, dash) in enumerate(lines):
        fig.add_shape(
            type="line",
            x0=value,
            x1=value,
            y0=0,
            y1=1,
            yref="paper",
            line={"color": col, "dash": dash, "width": 2},
        )
        fig.add_annotation(
            x=value,
            y=1,
            yref="paper",
            yshift=4 + 16 * n,
            text=safe(text),
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"size": 11, "color": col},
        )
    top = max([float(ok["value"].max()) if len(ok) else 0.0] + [v for _, v, _, _ in lines] + [0.0])
    fig.update_xaxes(
        range=[0, (top or 1.0) * 1.2],
        showgrid=True,
        gridcolor="#e5e5e5",
        zeroline=True,
        zerolinecolor="#999999",
        tickformat=",",
    )
    fig.update_yaxes(type="category", automargin=True, autorange="reversed")
    notes = []
    if cmp.direction != "neutral" and len(ok):
        notes.append("蓝色：优于组中位数；橙色：差于组中位数；灰色：等于中位数")
    if any(derived):
        notes.append("斜线条为推算值（由报告中两个数字计算）")
    other = t[t["status"] == "other_unit"]
    if len(other):
        notes.append(
            f"{OTHER_UNIT}："
            + "、".join(
                f"{p}（{lbl}{u}）"
                for p, lbl, u in zip(other["place"], other["label"], other["unit_as_written"], strict=True)
            )
        )
    missing = t.loc[t["status"] == "missing", "place"].to_list()
    if missing:
        shown = "、".join(missing[:20]) + (f" 等 {len(missing)} 个" if len(missing) > 20 else "")
        notes.append(f"{MISSING}（报告未给出，不计为 0）：{shown}")
    unit = unit_label(cmp.kind, cmp.unit)
    title = f"{cmp.name}{'排名' if rank else ''}（{year}年）" if year else cmp.name
    subtitle = f"{unit} · {SUBTITLE_DIRECTION[cmp.direction]} · 对比组：{group_label}"
    fig = _frame_layout(fig, title, subtitle, notes, height=max(180, 70 + 16 * len(lines) + 34 * len(ok)))
    fig.update_layout(margin={"t": 96 + 16 * len(lines)})
    return fig


def composite_chart(
    scores: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    weights: str,
    most: int = 40,
) -> go.Figure:
    """The composite (ranking.composite_scores's table) as bars of 标准分 around zero, ranked places
    only, `1/5` before each; inside the figure the indicators and weights, how missing values were
    treated, and the places not ranked. A group larger than `most` shows its top and bottom most/2."""
    from dashboard.fmt import GROUP_TOO_SMALL, MIN_SHARE_TEXT, TOO_FEW

    col = "综合得分（标准分）"
    ranked = scores[scores[col].notna()]
    data = ranked.iloc[::-1]  # plotly draws bottom-up: best on top
    total = len(data)
    if total > most:
        data = pd.concat([data.head(most // 2), data.tail(most // 2)])
    fig = go.Figure(
        go.Bar(
            x=data[col],
            y=[f"{r}  {safe(p)}" for r, p in zip(data["排名"], data["地区"], strict=True)],
            orientation="h",
            text=[f"{s:+.2f}" for s in data[col]],
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": [BETTER if s >= 0 else WORSE for s in data[col]],
                "line": {"color": "#333333", "width": 0.5},
            },
            hovertemplate="%{y}：%{text}<extra></extra>",
        )
    )
    span = max(float(data[col].abs().max()) if len(data) else 1.0, 0.5) * 1.35
    fig.update_xaxes(range=[-span, span], zeroline=True, zerolinecolor="#444444", gridcolor="#e5e5e5")
    fig.update_yaxes(type="category", automargin=True)
    parts = weights.split("、")
    lines = ["、".join(parts[n : n + 3]) for n in range(0, len(parts), 3)]  # three a line: fits the width
    notes = [
        f"指标与权重：{lines[0] if lines else ''}",
        *lines[1:],
        f"标准分：组内 z 分数，0 为组内平均，右侧优于平均；报告不足{MIN_SHARE_TEXT}者不排名，缺项以组中位数填补",
    ]
    if total > most:
        notes.append(f"图中为得分最高与最低各 {most // 2} 个地区（共 {total:,} 个），完整排名见表格")
    unranked = scores.loc[scores[col].isna(), "地区"].to_list()
    if unranked:
        why = GROUP_TOO_SMALL if (scores["排名"] == GROUP_TOO_SMALL).any() else TOO_FEW
        names = "、".join(unranked[:20]) + (f" 等 {len(unranked):,} 个" if len(unranked) > 20 else "")
        notes.append(f"{why}：{names}")
    return _frame_layout(fig, title, subtitle, notes, height=max(180, 60 + 34 * len(data)))


def change_chart(table: pd.DataFrame, *, title: str, subtitle: str, direction: str) -> go.Figure:
    """Year over year (ranking.year_over_year's table): one bar per place of its change since its
    previous report, labelled `+1.2个百分点`; for a directional key the bars show the improvement
    (right: better, whatever the direction), blue improved and orange worse; neutral keys one colour."""
    data = table[table["变化值"].notna()]
    x = data["变化值"] if direction == "neutral" else data["改善幅度"]
    colours = [
        NEUTRAL if direction == "neutral" else BETTER if g > 0 else WORSE if g < 0 else EVEN for g in x
    ]
    fig = go.Figure(
        go.Bar(
            x=x,
            y=[f"{safe(p)}（{y}→）" for p, y in zip(data["地区"], data["上期年度"], strict=True)],
            orientation="h",
            text=[safe(t) for t in data["变化"]],
            textposition="outside",
            cliponaxis=False,
            marker={"color": colours, "line": {"color": "#333333", "width": 0.5}},
            hovertemplate="%{y}：%{text}<extra></extra>",
        )
    )
    span = max(float(x.abs().max()) if len(x) else 1.0, 0.1) * 1.4
    fig.update_xaxes(
        range=[-span, span], zeroline=True, zerolinecolor="#444444", gridcolor="#e5e5e5", showticklabels=False
    )
    fig.update_yaxes(type="category", automargin=True, autorange="reversed")
    notes = []
    if direction != "neutral":
        notes.append("向右为改善、向左为退步（已按指标方向换算）；标签为数值的实际变化")
    rest = table[table["变化值"].isna()]
    if len(rest):
        notes.append(
            "未比较：" + "、".join(f"{p}（{w}）" for p, w in zip(rest["地区"], rest["评价"], strict=True))
        )
    return _frame_layout(fig, title, subtitle, notes, height=max(180, 60 + 34 * len(data)))


def trend_chart(
    values: pd.DataFrame, *, title: str, subtitle: str, median: pd.DataFrame | None = None
) -> go.Figure:
    """One place's value by year (columns year, value, label); optional peer median line (year, value)."""
    data = values.sort_values("year")
    fig = go.Figure(
        go.Scatter(
            x=data["year"].astype(str),
            y=data["value"],
            mode="lines+markers+text",
            name="本地区",
            text=[safe(t) for t in data["label"]],
            textposition="top center",
            line={"color": BAR, "width": 3},
            marker={"size": 9},
        )
    )
    if median is not None and len(median):
        m = median.sort_values("year")
        fig.add_trace(
            go.Scatter(
                x=m["year"].astype(str),
                y=m["value"],
                mode="lines+markers",
                name="同级中位数",
                line={"color": LINE_GREY, "dash": "dash"},
            )
        )
    top = max(
        [float(data["value"].max()) if len(data) else 0.0]
        + ([float(median["value"].max())] if median is not None and len(median) else [])
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, (top or 1.0) * 1.25], gridcolor="#e5e5e5", tickformat=",")  # room for labels
    fig = _frame_layout(fig, title, subtitle, [], height=320)
    fig.update_layout(
        showlegend=median is not None and len(median) > 0,
        legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
    )
    return fig
