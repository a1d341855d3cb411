"""Pure chart functions: a DataFrame in, a briefing-ready Plotly figure out.

Title, subtitle (unit, year, peer group) and the source line sit inside the figure, so the PNG from
the camera button stands alone. Data strings are escaped: Plotly reads a few HTML-like tags in text."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from dashboard.fmt import MISSING

SOURCE = "数据来源：各地法治政府建设年度报告，法治对标整理"
FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "SimHei", sans-serif'
BAR = "#1f4e79"  # dark blue: readable in greyscale print
BAR_LIGHT = "#8fb3d9"
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


def bar_chart(
    values: pd.DataFrame, *, title: str, subtitle: str, missing: list[str] | None = None
) -> go.Figure:
    """Horizontal bars sorted high to low, labelled with qualifier-keeping labels.

    `values` has columns place, value, label (and optionally derived). Places without the figure are
    not drawn (missing is never zero); they are named in a 无数据 line inside the figure."""
    data = values.sort_values(["value", "place"], ascending=[True, False])  # plotly draws bottom-up
    derived = (
        data["derived"].fillna(False).astype(bool)
        if "derived" in data
        else pd.Series(False, index=data.index)
    )
    fig = go.Figure(
        go.Bar(
            x=data["value"],
            y=[safe(p) for p in data["place"]],
            orientation="h",
            text=[safe(t) for t in data["label"]],
            textposition="outside",
            cliponaxis=False,
            marker={"color": [BAR_LIGHT if d else BAR for d in derived], "line": {"color": BAR, "width": 1}},
            hovertemplate="%{y}：%{text}<extra></extra>",
        )
    )
    top = float(data["value"].max()) if len(data) else 1.0
    fig.update_xaxes(
        range=[0, (top or 1.0) * 1.18],
        showgrid=True,
        gridcolor="#e5e5e5",
        zeroline=True,
        zerolinecolor="#999999",
        tickformat=",",
    )
    fig.update_yaxes(type="category", automargin=True)
    notes = []
    if derived.any():
        notes.append("浅色条为推算值（由报告中两个数字计算）")
    if missing:
        notes.append(f"{MISSING}：" + "、".join(missing))
    return _frame_layout(fig, title, subtitle, notes, height=max(160, 60 + 38 * len(data)))


def composite_chart(
    scores: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    unranked: list[str] | None = None,
    most: int = 40,
) -> go.Figure:
    """Composite z-score bars around zero (right of zero: above the group's average). A group larger
    than `most` shows its top and bottom most/2 (a chart of 1,300 bars is neither readable nor quick to
    draw); the note inside the figure says so, and the page's table holds every place."""
    data = scores.sort_values(["score", "place"], ascending=[True, False])
    total = len(data)
    if total > most:
        data = pd.concat([data.head(most // 2), data.tail(most // 2)])
    fig = go.Figure(
        go.Bar(
            x=data["score"],
            y=[safe(p) for p in data["place"]],
            orientation="h",
            text=[f"{s:+.2f}" for s in data["score"]],
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": [BAR if s >= 0 else BAR_LIGHT for s in data["score"]],
                "line": {"color": BAR, "width": 1},
            },
            hovertemplate="%{y}：%{text}<extra></extra>",
        )
    )
    span = max(float(data["score"].abs().max()) if len(data) else 1.0, 0.5) * 1.3
    fig.update_xaxes(
        range=[-span, span],
        zeroline=True,
        zerolinecolor="#444444",
        gridcolor="#e5e5e5",
    )
    fig.update_yaxes(type="category", automargin=True)
    notes = ["0 为组内平均；右侧高于平均，左侧低于平均"]
    if total > most:
        notes.append(f"图中为得分最高与最低各 {most // 2} 个地区（共 {total:,} 个），完整排名见上表")
    if unranked:
        names = "、".join(unranked[:20])
        notes.append(
            f"未排名（指标不足）：{names}" + (f" 等 {len(unranked):,} 个" if len(unranked) > 20 else "")
        )
    return _frame_layout(fig, title, subtitle, notes, height=max(160, 60 + 38 * len(data)))


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
