"""The reports' charts: matplotlib figures written as deterministic inline SVG, text kept as text."""

from __future__ import annotations

import io
import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import matplotlib

matplotlib.use("svg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

# Families the reader may have; the SVG names them all, matplotlib measures with the first found.
FONT_FAMILIES: tuple[str, ...] = ("Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Hiragino Kaku Gothic ProN",
                                  "Yu Gothic", "Meiryo", "IPAexGothic", "DejaVu Sans")
PALETTE = ("#1f5fa8", "#e07b00", "#2e8b57", "#b03a48", "#6a4c93", "#00838f", "#7f8c8d")
TARGET_COLOUR = "#c62828"
INK, MUTED, GRID = "#1d2733", "#5b6b7d", "#e3e8ef"
DPI = 100

# A missing family is expected (the list covers several systems): no warning per glyph.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)


def _style(chart_id: str) -> dict[Any, Any]:
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": f"ar-report-{chart_id}",
        "font.family": ["sans-serif"],
        "font.sans-serif": list(FONT_FAMILIES),
        "font.size": 9,
        "axes.edgecolor": GRID,
        "axes.labelcolor": MUTED,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "text.color": INK,
        "legend.frameon": False,
        "path.simplify": False,
    }


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    colour: str = PALETTE[0]
    dashed: bool = False


@dataclass(frozen=True)
class Bubble:
    label: str
    x: float
    y: float
    size: float
    colour: str


Formatter = Callable[[float], str]


def _to_svg(figure: Figure, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    return _inline(buffer.getvalue(), title)


# Removed from matplotlib's SVG: the prologue, metadata, clip paths, namespaces and the size in points.
_STRIPPED = tuple(re.compile(pattern, re.S) for pattern in (
    r"^.*?(?=<svg\b)", r"<metadata>.*?</metadata>\s*", r"<clipPath\b.*?</clipPath>\s*",
    r'\s+clip-path="url\(#[^"]*\)"', r'\s+xmlns(:\w+)?="[^"]*"', r'\s+(width|height)="[\d.]+pt"'))


def _inline(svg: str, title: str) -> str:
    """matplotlib's standalone SVG document, made an element of the HTML page."""
    for pattern in _STRIPPED:
        svg = pattern.sub("", svg)
    label = escape(title, quote=True)
    return svg.replace("<svg", f'<svg class="chart" role="img" aria-label="{label}"', 1).replace(
        ">", f"><title>{label}</title>", 1).strip()


def _figure(width_px: int, height_px: int) -> tuple[Figure, Axes]:
    figure, axes = plt.subplots(figsize=(width_px / DPI, height_px / DPI), dpi=DPI)
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    axes.tick_params(length=0)
    return figure, axes


def _limits(values: Sequence[float], include_zero: bool) -> tuple[float, float]:
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    padding = (high - low) * 0.12 or abs(high) * 0.1 or 1.0
    return (low if include_zero and low == 0 else low - padding), high + padding


def _present(series: Sequence[Series]) -> list[float]:
    return [value for item in series for value in item.values if value is not None]


def line_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series], formatter: Formatter,
               include_zero: bool = False, width: int = 720, height: int = 260) -> str:
    """Lines over evenly spaced periods, a gap where a value is missing, the last value labelled."""
    with matplotlib.rc_context(_style(chart_id)):
        figure, axes = _figure(width, height)
        positions = list(range(len(labels)))
        for item in series:
            values = [math.nan if value is None else value for value in item.values]
            axes.plot(positions, values, color=item.colour, linewidth=2.2, linestyle="--" if item.dashed else "-",
                      marker=None if item.dashed else "o", markersize=4, label=item.name, clip_on=False)
            last = next(((i, v) for i, v in reversed(list(enumerate(item.values))) if v is not None), None)
            if last is not None and not item.dashed:
                axes.annotate(formatter(last[1]), last, textcoords="offset points", xytext=(-4, 7), ha="right",
                              color=item.colour, fontweight="bold", annotation_clip=False)
        axes.set_ylim(*_limits(_present(series), include_zero))
        axes.set_xlim(-0.3, max(len(labels) - 1, 1) + 0.3)
        every = max(1, math.ceil(len(labels) / 12))
        axes.set_xticks([p for p in positions if p % every == 0 or p == len(labels) - 1])
        axes.set_xticklabels([labels[p] for p in positions if p % every == 0 or p == len(labels) - 1])
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: formatter(value)))
        axes.legend(loc="upper left", bbox_to_anchor=(0, 1.16), ncol=len(series), handlelength=2.2)
        figure.subplots_adjust(left=0.1, right=0.98, top=0.86, bottom=0.12)
        return _to_svg(figure, title)


def bar_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series], formatter: Formatter,
              reference: tuple[str, float] | None = None, width: int = 720, height: int = 260) -> str:
    """Grouped bars per category, the value above each bar, an optional dashed reference (a target)."""
    with matplotlib.rc_context(_style(chart_id)):
        figure, axes = _figure(width, height)
        count = max(len(series), 1)
        bar_width = min(0.8 / count, 0.45)
        values = _present(series) + ([reference[1]] if reference else [])
        for position, item in enumerate(series):
            offset = (position - (count - 1) / 2) * bar_width
            for index, value in enumerate(item.values):
                if value is None:
                    continue
                axes.bar(index + offset, value, width=bar_width * 0.92, color=item.colour, clip_on=False,
                         label=item.name if index == 0 else None)
                if value != 0:
                    axes.annotate(formatter(value), (index + offset, value), textcoords="offset points",
                                  xytext=(0, 3 if value >= 0 else -10), ha="center", fontsize=8 if count > 1 else 9,
                                  annotation_clip=False)
        if reference:
            axes.axhline(reference[1], color=TARGET_COLOUR, linestyle="--", linewidth=1.6, clip_on=False)
            axes.annotate(reference[0], (1, reference[1]), xycoords=("axes fraction", "data"), textcoords="offset points",
                          xytext=(0, 4), ha="right", color=TARGET_COLOUR, fontweight="bold", annotation_clip=False)
        axes.set_ylim(*_limits(values, include_zero=True))
        axes.set_xlim(-0.6, max(len(labels), 1) - 0.4)
        axes.set_xticks(list(range(len(labels))))
        axes.set_xticklabels(labels)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: formatter(value)))
        if len(series) > 1:
            axes.legend(loc="upper left", bbox_to_anchor=(0, 1.16), ncol=len(series))
        figure.subplots_adjust(left=0.1, right=0.98, top=0.86 if len(series) > 1 else 0.94, bottom=0.12)
        return _to_svg(figure, title)


def risk_map_chart(chart_id: str, title: str, bubbles: Sequence[Bubble], x_line: float, y_line: float,
                   width: int = 720, height: int = 380) -> str:
    """Customers by overdue share (x) and credit-limit use (y), area by open AR, dashed lines at the
    alert thresholds; values beyond the axes are drawn on their edge."""
    with matplotlib.rc_context(_style(chart_id)):
        figure, axes = _figure(width, height)
        y_max = min(max([y_line * 1.2, *(bubble.y for bubble in bubbles)]), 400.0)
        largest = max((bubble.size for bubble in bubbles), default=1.0) or 1.0
        ordered = sorted(bubbles, key=lambda b: (-b.size, b.label))
        for index, bubble in enumerate(ordered):
            radius = 3 + 15 * math.sqrt(max(bubble.size, 0) / largest)
            points = axes.scatter([min(max(bubble.x, 0), 100)], [min(max(bubble.y, 0), y_max)],
                                  s=(2 * radius * 72 / DPI) ** 2, color=bubble.colour, alpha=0.55,
                                  edgecolors=bubble.colour, linewidths=0.8, clip_on=False)
            points.set_gid(f"{chart_id}-bubble-{index}")
        axes.axvline(x_line, color=TARGET_COLOUR, linestyle="--", linewidth=1.3, clip_on=False)
        axes.axhline(y_line, color=TARGET_COLOUR, linestyle="--", linewidth=1.3, clip_on=False)
        axes.text(0.99, 0.97, "高延滞 × 与信超過 High overdue × over limit", transform=axes.transAxes, ha="right",
                  va="top", color=TARGET_COLOUR)
        axes.set_xlim(0, 100)
        axes.set_ylim(0, y_max * 1.04)
        axes.grid(axis="x", color=GRID, linewidth=0.8)
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}%"))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}%"))
        axes.set_xlabel("延滞比率 Overdue share of open AR")
        axes.set_ylabel("与信使用率 Credit-limit use")
        figure.subplots_adjust(left=0.1, right=0.98, top=0.96, bottom=0.14)
        svg = _to_svg(figure, title)
    for index, bubble in enumerate(ordered):  # a tooltip per customer
        gid = f'<g id="{chart_id}-bubble-{index}">'
        svg = svg.replace(gid, f"{gid}<title>{escape(bubble.label)}</title>", 1)
    return svg
