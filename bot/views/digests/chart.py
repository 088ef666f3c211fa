"""The digest's chart: a PNG drawn with matplotlib's Agg backend (no display, thread-safe per figure).

Chinese labels need a CJK font. When none is installed the chart falls back to English labels
and leaves non-Latin names out of the title rather than drawing empty boxes (or failing).
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
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

log = logging.getLogger(__name__)
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "AR PL UMing CN",
    "Droid Sans Fallback",
    "Noto Sans CJK JP",
)
COLORS = ("#c0392b", "#e67e22", "#27ae60", "#7f8c8d", "#8e44ad")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed font family that can draw Chinese, if any."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    found = next((name for name in CJK_FAMILIES if name in installed), None)
    if found is None:
        log.info("no CJK font installed: digest charts use English labels")
    return found


def _ascii(text: str) -> str:
    return "".join(ch for ch in text if ord(ch) < 128).strip(" ·-")


def render_chart(figures: DigestFigures, lang: str, title: str, week: str) -> bytes:
    """Requests of the week (opened / accepted / done / overdue / escalated) next to door visits
    (done / planned / not seen for two weeks), as PNG bytes."""
    font = cjk_font()
    if lang == "zh-CN" and font is None:
        lang, title = "en", _ascii(title)
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
    family = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    with warnings.catch_warnings(), matplotlib.rc_context({"font.family": family}):
        warnings.simplefilter("ignore")  # "Glyph missing" must never break a digest
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [5, 3]})
        _bars(left, req_labels, req_values, tp(lang, "digest.chart.requests"), COLORS)
        _bars(right, visit_labels, visit_values, tp(lang, "digest.chart.visits"), ("#2980b9", "#bdc3c7", "#d35400"))
        fig.suptitle(f"{title} · {week}" if title else week, fontsize=12)
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
