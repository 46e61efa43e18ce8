"""DIR/report.html: the district dataset on one page, opened offline by anyone at the bureau.

One self-contained file: inline CSS and SVG charts drawn here, no script, no font or library
fetched from anywhere (the bureau's machines are often offline). The figures come from
`jixiao.analysis.report_data`; this module only lays them out.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from jixiao.analysis import labels
from jixiao.analysis.result_views import ResultsSummary, results_summary
from jixiao.analysis.townships import TownshipReview, township_reviews
from jixiao.analysis.views import ReportData, UnitComparison, report_data

REPORT_NAME = "report.html"
CHART_WIDTH = 980
LABEL_WIDTH = 120  # left gutter of the bar chart: township names
DOT_RADIUS = 5
MAX_STACK = 12  # dots stacked in one bin before the rest are counted as "+n"
LOG_SCALE_SPREAD = 50  # max/min beyond this is drawn on a log axis (money: 元 next to 万元 slips)


def write_report(out: Path) -> Path:
    """Render the report of the dataset in `out` to `out/report.html` (replaced atomically)."""
    html = render_report(report_data(out), out, township_reviews(out), results_summary(out))
    path = out / REPORT_NAME
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # not mkstemp: the page must be readable by all
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, path)
    return path


def render_report(data: ReportData, out: Path, reviews: list[TownshipReview] | None = None,
                  results: ResultsSummary | None = None) -> str:
    env = Environment(loader=PackageLoader("jixiao.analysis", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = format_number
    env.filters["wan"] = format_wan
    env.filters["label"] = lambda value, column: labels.label(column, value)
    env.filters["error_text"] = lambda code: labels.error_message(code) or ""  # the English detail stays in the dataset
    boilerplate = sorted(((t.township, t.boilerplate_share) for t in data.townships),
                         key=lambda item: (-(item[1] if item[1] is not None else -1), item[0]))
    return env.get_template("report.html.j2").render(
        data=data, out=str(out), boilerplate_chart=share_bars(boilerplate),
        dot_plot=dot_plot, reviews=reviews or [],
        budget_chart=amount_bars([(r.township, r.budget_wan) for r in reviews or []], "万元"),
        results=results, results_chart=share_bars([(t.township, t.share_met) for t in results.townships
                                                   if t.year is not None], aria="目标完成率", missing="无可比目标")
        if results else None,
    )


# ----------------------------------------------------------------------------- number formats


def format_number(value: float | None) -> str:
    """48500 → "48,500"; 0.125 → "0.125"; 2216.5 → "2,216.5"; None → "—"."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:,.1f}"


def format_wan(value: float | None) -> str:
    """Budgets in 万元 to the 元-hundred, as the tables write them: 148.58."""
    return "—" if value is None else f"{value:,.2f}"


# ----------------------------------------------------------------------------- charts


def share_bars(items: list[tuple[str, float | None]], aria: str = "套话占比", missing: str = "无指标") -> Markup:
    """Horizontal bars of shares (0–1), one row per label; a missing share is written, not drawn."""
    return _bars(items, aria=aria, room=60, ticks=[(t, f"{t:.0%}") for t in (0, 0.25, 0.5, 0.75, 1.0)],
                 fraction=lambda share: share, missing=missing,
                 title=lambda share: f"{share:.1%}", value_text=lambda share: f"{share:.0%}")


def amount_bars(items: list[tuple[str, float | None]], unit: str) -> Markup:
    """Horizontal bars of amounts (the district overview: budget per township), largest first."""
    items = sorted(items, key=lambda item: (-(item[1] or 0), item[0]))
    top = max([v for _, v in items if v] or [1.0])
    axis_top = nice_step(top / 4) * 4
    ticks = [(value / axis_top, format_number(value)) for value in (axis_top * tick / 4 for tick in range(5))]
    return _bars(items, aria=f"各乡镇预算（{unit}）", room=110, ticks=ticks, fraction=lambda value: value / axis_top,
                 missing="无预算数", title=lambda value: f"{format_wan(value)} {unit}", value_text=format_wan,
                 chart_id="budget-chart")


def _bars(items: list[tuple[str, float | None]], *, aria: str, room: int, ticks: list[tuple[float, str]],
          fraction: Callable[[float], float], missing: str, title: Callable[[float], str],
          value_text: Callable[[float], str], chart_id: str | None = None) -> Markup:
    """Horizontal bars, one row per label, with a grid at `ticks` (share of the bar width, text); a
    missing value is written as `missing`, not drawn. `room`: pixels kept right of the bars for values."""
    row_height, bar_width = 24, CHART_WIDTH - LABEL_WIDTH - room
    height = row_height * len(items) + 24
    chart_id = f' id="{chart_id}"' if chart_id else ""
    parts = [f'<svg class="chart"{chart_id} width="{CHART_WIDTH}" height="{height}" '
             f'viewBox="0 0 {CHART_WIDTH} {height}" role="img" aria-label="{aria}">']
    for at, text in ticks:
        x = LABEL_WIDTH + at * bar_width
        parts.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{height - 18}"/>'
                     f'<text class="tick" x="{x:.1f}" y="{height - 4}" text-anchor="middle">{text}</text>')
    for index, (label, value) in enumerate(items):
        y = index * row_height
        parts.append(f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>')
        if value is None:
            parts.append(f'<text class="none" x="{LABEL_WIDTH + 4}" y="{y + 16}">{missing}</text>')
            continue
        width = max(fraction(value) * bar_width, 1.0)
        parts.append(f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 4}" width="{width:.1f}" height="{row_height - 8}">'
                     f'<title>{escape(label)}: {title(value)}</title></rect>'
                     f'<text class="value" x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 16}">{value_text(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Axis:
    """Maps values to x pixels, linear or log10."""

    low: float
    high: float
    log: bool
    left: float = 20.0
    right: float = CHART_WIDTH - 20.0

    @classmethod
    def fit(cls, values: list[float]) -> Axis:
        low, high = min(values), max(values)
        log = low > 0 and high / low > LOG_SCALE_SPREAD
        if log:
            return cls(10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(high)), True)
        if high == low:
            pad = abs(high) * 0.1 or 1.0
            low, high = low - pad, high + pad
        step = nice_step((high - low) / 5)
        return cls(math.floor(low / step) * step, math.ceil(high / step) * step, False)

    def x(self, value: float) -> float:
        if self.log:
            share = (math.log10(value) - math.log10(self.low)) / (math.log10(self.high) - math.log10(self.low))
        else:
            share = (value - self.low) / (self.high - self.low)
        return self.left + share * (self.right - self.left)

    def ticks(self) -> list[float]:
        if self.log:
            return [10.0 ** p for p in range(round(math.log10(self.low)), round(math.log10(self.high)) + 1)]
        step = nice_step((self.high - self.low) / 5)
        count = round((self.high - self.low) / step)
        return [self.low + i * step for i in range(count + 1)]


def nice_step(raw: float) -> float:
    """The 1-2-5 step nearest above `raw` (axis ticks people can read)."""
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def dot_plot(unit: UnitComparison) -> Markup:
    """Every target of one indicator as a dot on the value axis, stacked where values coincide.

    Outliers are red (the template lists them with their reasons); the dashed line is the district
    median; hovering a dot shows its township and the value as written.
    """
    values = unit.values
    axis = Axis.fit([v.value_base for v in values])
    diameter = DOT_RADIUS * 2
    bins: dict[int, list] = {}
    for value in sorted(values, key=lambda v: (v.outlier is None, v.value_base)):  # outliers never hidden
        bins.setdefault(round(axis.x(value.value_base) / diameter), []).append(value)
    stack = min(max((len(b) for b in bins.values()), default=1), MAX_STACK)
    top = 22  # room for the "+n" of a full bin
    base = top + stack * diameter
    height = base + 40
    parts = [f'<svg class="chart" width="{CHART_WIDTH}" height="{height}" viewBox="0 0 {CHART_WIDTH} {height}" '
             f'role="img" aria-label="取值分布 {escape(unit.base_unit)}">',
             f'<line class="axis" x1="{axis.left}" x2="{axis.right}" y1="{base + 2}" y2="{base + 2}"/>']
    for tick in axis.ticks():
        x = axis.x(tick)
        parts.append(f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{base + 2}" y2="{base + 6}"/>'
                     f'<text class="tick" x="{x:.1f}" y="{base + 18}" text-anchor="middle">'
                     f'{format_number(tick)}</text>')
    median_x = axis.x(unit.median)
    parts.append(f'<line class="median" x1="{median_x:.1f}" x2="{median_x:.1f}" y1="{top - 8}" y2="{base + 2}"/>'
                 f'<text class="tick" x="{min(max(median_x, axis.left + 50), axis.right - 50):.1f}" y="{base + 34}" '
                 'text-anchor="middle">'
                 f'中位数 {format_number(unit.median)} {escape(unit.base_unit)}</text>')
    for key, members in sorted(bins.items()):
        cx = key * diameter
        for level, value in enumerate(members[:MAX_STACK]):
            cy = base - DOT_RADIUS - level * diameter
            css = "dot outlier" if value.outlier else "dot"
            title = f"{value.township}：{value.value_raw}（{format_number(value.value_base)} {unit.base_unit}）"
            if value.outlier:
                title += f" — {value.outlier}"
            parts.append(f'<circle class="{css}" cx="{cx}" cy="{cy}" r="{DOT_RADIUS - 0.5}">'
                         f'<title>{escape(title)}</title></circle>')
        if len(members) > MAX_STACK:
            parts.append(f'<text class="tick" x="{cx}" y="{top - 10}" text-anchor="middle">'
                         f'+{len(members) - MAX_STACK}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
