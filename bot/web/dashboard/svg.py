"""Inline SVG bar charts: no image files, no fonts needed on the server, sharp on a phone,
and the text stays real text (translatable, readable by screen readers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

W, H = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 34, 6, 10, 36
PALETTE = ("#c62828", "#2e7d32", "#9e9e9e", "#1565c0")


@dataclass
class Series:
    name: str
    values: Sequence[float | None]
    color: str


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 50000, 100000):
        if v <= step:
            return float(step)
    return float(v)


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = True,
    fmt: Callable[[float], str] = lambda x: f"{x:g}",
    max_value: float | None = None,
    empty_text: str = "",
) -> Markup:
    """Weekly bars (stacked when there are several series), with a legend and axis labels."""
    n = max(len(labels), 1)
    totals = [
        sum((s.values[i] or 0) for s in series) if stacked else max((s.values[i] or 0) for s in series)
        for i in range(len(labels))
    ]
    top = max_value or _nice_max(max(totals, default=0))
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    slot = plot_w / n
    bar_w = slot * (0.7 if stacked else 0.7 / max(len(series), 1))
    parts: list[Markup] = []
    for frac in (0, 0.5, 1):
        y = TOP + plot_h * (1 - frac)
        parts.append(
            Markup(
                '<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" class="grid"/>'
                '<text x="{}" y="{:.1f}" class="axis" text-anchor="end">{}</text>'
            ).format(LEFT, y, W - RIGHT, y, LEFT - 3, y + 3, fmt(top * frac))
        )
    for i, label in enumerate(labels):
        x0 = LEFT + slot * i + (slot - (bar_w if stacked else bar_w * len(series))) / 2
        base = 0.0
        for k, s in enumerate(series):
            v = s.values[i]
            if v is None or v <= 0:
                continue
            h = plot_h * min(v, top) / top
            x = x0 if stacked else x0 + bar_w * k
            y = TOP + plot_h - h - (plot_h * base / top if stacked else 0)
            parts.append(
                Markup(
                    '<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"><title>{}: {}</title></rect>'
                ).format(x, y, bar_w, h, s.color, s.name, fmt(v))
            )
            if stacked:
                base += v
        parts.append(
            Markup('<text x="{:.1f}" y="{}" class="axis" text-anchor="middle">{}</text>').format(
                LEFT + slot * i + slot / 2, H - BOTTOM + 12, label
            )
        )
    if not any(totals) and empty_text:
        parts.append(
            Markup('<text x="{}" y="{}" class="empty" text-anchor="middle">{}</text>').format(
                LEFT + plot_w / 2, TOP + plot_h / 2, empty_text
            )
        )
    legend = (
        Markup("").join(
            Markup(
                '<span class="key"><svg width="10" height="10" aria-hidden="true">'
                '<rect width="10" height="10" fill="{}"/></svg> {}</span>'
            ).format(s.color, s.name)
            for s in series
        )
        if len(series) > 1
        else Markup("")
    )
    return Markup(
        '<figure class="chart"><figcaption>{}</figcaption><svg viewBox="0 0 {} {}" role="img" '
        'aria-label="{}">{}</svg><div class="legend">{}</div></figure>'
    ).format(title, W, H, title, Markup("").join(parts), legend)
