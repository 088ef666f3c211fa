"""The digest's chart: a PNG drawn with matplotlib's Agg backend (no display, thread-safe per figure).

Chinese labels and grid names are drawn in Noto Sans SC, which the project's own install brings
(bot/views/fonts.py): the server needs no system font, and a chart never falls back to English or
draws empty boxes. The font is registered with matplotlib the first time a chart is drawn.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from typing import cast

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.i18n import tp
from bot.services.digests import Digest, DigestFigures
from bot.views.fonts import font_file

COLORS = ("#c0392b", "#e67e22", "#27ae60", "#7f8c8d", "#8e44ad")
FALLBACK = "DejaVu Sans"  # matplotlib's own font: a sign Noto Sans SC lacks, glyph by glyph
_font_lock = threading.Lock()
_font: str | None = None


def chart_font() -> str:
    """The chart font's family name, registered with matplotlib once (charts are drawn in threads)."""
    global _font
    with _font_lock:
        if _font is None:
            path = font_file()
            font_manager.fontManager.addfont(str(path))
            _font = font_manager.FontProperties(fname=path).get_name()
        return _font


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    """The characters the chart's fonts can draw (Noto Sans SC, then matplotlib's own)."""
    chart_font()
    files = (str(font_file()), font_manager.findfont(FALLBACK, fallback_to_default=False))
    return frozenset(code for f in files for code in font_manager.get_font(f).get_charmap())


def drawable(text: str) -> str:
    """The text without what no chart font can draw (an emoji in a grid's name): no empty boxes."""
    covered = _covered()
    return " ".join("".join(ch for ch in text if ch.isspace() or ord(ch) in covered).split())


def draw_chart(figures: DigestFigures, lang: str, title: str, week: str) -> Figure:
    """Requests of the week (opened / accepted / done / overdue / escalated) next to door visits
    (done / planned / not seen for two weeks), in the reader's language, the grid's name in the title."""
    req_labels = [
        tp(lang, k)
        for k in (
            "digest.chart.opened",
            "digest.chart.accepted",
            "digest.chart.done",
            "digest.chart.overdue",
            "digest.chart.escalated",
        )
    ]
    req_values = [figures.opened, figures.accepted, figures.done, figures.overdue, figures.escalated]
    visit_labels = [tp(lang, k) for k in ("digest.chart.visited", "digest.chart.planned", "digest.chart.stale")]
    visit_values = [figures.visits_done, figures.visits_planned, figures.households_stale]

    fig = Figure(figsize=(8, 3.6), dpi=100)
    FigureCanvasAgg(fig)
    with matplotlib.rc_context({"font.family": [chart_font(), FALLBACK]}):
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [5, 3]})
        _bars(left, req_labels, req_values, tp(lang, "digest.chart.requests"), COLORS)
        _bars(right, visit_labels, visit_values, tp(lang, "digest.chart.visits"), ("#2980b9", "#bdc3c7", "#d35400"))
        title = drawable(title)
        fig.suptitle(f"{title} · {week}" if title else week, fontsize=12)
    return fig


def render_chart(figures: DigestFigures, lang: str, title: str, week: str) -> bytes:
    """The chart as PNG bytes."""
    fig = draw_chart(figures, lang, title, week)
    with matplotlib.rc_context({"font.family": [chart_font(), FALLBACK]}):
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()


def _bars(ax: Axes, labels: list[str], values: list[int], title: str, colors: Sequence[str]) -> None:
    bars = ax.bar(range(len(values)), values, color=list(colors)[: len(values)])
    ax.set_xticks(range(len(values)), labels, fontsize=9)
    ax.set_title(title, fontsize=10)
    ax.set_ylim(0, max(max(values), 1) * 1.25)
    ax.spines[["top", "right"]].set_visible(False)
    cast(MaxNLocator, ax.yaxis.get_major_locator()).set_params(integer=True)  # bars' AutoLocator is one
    for bar, v in zip(bars, values, strict=True):
        ax.annotate(str(v), (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom", fontsize=9)


# A digest's chart, drawn once per language however many readers share it: the weekly fan-out renders
# a chart notice per reader (bot/views/digests), and the job draws them beforehand, off the event loop.
# Keyed by the digest object itself (kept alive by the entry, so its id is never reused meanwhile).
CACHE_SIZE = 256  # a fan-out batch's charts in both languages, ~30 KB each
_cache: OrderedDict[tuple[int, str], tuple[Digest, bytes]] = OrderedDict()
_lock = threading.Lock()


def chart_png(d: Digest, lang: str, *, cached: bool = True) -> bytes | None:
    """The digest's chart as PNG (None for a quiet week): drawn now, or taken from the cache
    (`cached=False`: a one-off, e.g. a preview, neither read from nor kept in the cache)."""
    if d.quiet:
        return None
    if not cached:
        return render_chart(d.figures, lang, d.name, d.week)
    key = (id(d), lang)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is d:
            _cache.move_to_end(key)
            return hit[1]
    png = render_chart(d.figures, lang, d.name, d.week)
    with _lock:
        _cache[key] = (d, png)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return png
