"""Charts read in Chinese on a machine with no Chinese font. The digest's chart (a PNG drawn on the
server) uses the font the project's install brings (Noto Sans SC): every label is drawn in a font
that has its characters, nothing falls back to English or to empty boxes (warnings are errors here,
so a "Glyph missing" fails a test). The dashboard's charts are SVG text drawn by the viewer's browser:
its style sheet's first family is the device's own Chinese font, found by name, else the same Noto
Sans SC, served by the dashboard."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import aiohttp
import pylopdf_fonts_zh_cn
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.text import Text

from bot.i18n import tp
from bot.services.digests import weekly as digests
from bot.views.digests import chart as digest_chart
from bot.views.digests import chart_png
from bot.views.fonts import FAMILY

FIGURES = digests.q.DigestFigures(opened=6, accepted=5, done=4, overdue=1, escalated=1, visits_done=5, visits_planned=8)
NAME = "幸福里社区 堃园第三网格"  # 堃: a place-name character outside the 3,500 most common


@lru_cache
def cmap_of(path: str) -> frozenset[int]:
    with TTFont(path, fontNumber=0, lazy=True) as font:
        return frozenset(font.getBestCmap())


def labels(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text().strip()]


def test_the_chart_font_comes_with_the_project_and_is_open_licensed():
    path = digest_chart.font_file()
    assert path.is_file() and path.is_relative_to(Path(pylopdf_fonts_zh_cn.__file__).parent)  # not a system font
    assert digest_chart.chart_font() == FAMILY == "Noto Sans SC"
    with TTFont(str(path), lazy=True) as font:
        assert "SIL Open Font License" in str(font["name"].getDebugName(13))


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_label_of_a_chinese_grid_is_drawn_in_a_font_that_has_its_characters(lang):
    fig = digest_chart.draw_chart(FIGURES, lang, NAME, "2026-W47")
    texts = labels(fig)
    title = next(t.get_text() for t in texts if "2026-W47" in t.get_text())
    assert NAME in title  # the grid's name is kept, in Chinese, in both languages' charts
    shown = {t.get_text() for t in texts}
    assert {tp(lang, "digest.chart.opened"), tp(lang, "digest.chart.visits")} <= shown  # no English fallback
    for t in texts:
        path = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
        assert path == str(digest_chart.font_file()), t.get_text()
        covered = cmap_of(path)
        missing = [ch for ch in t.get_text() if not ch.isspace() and ord(ch) not in covered]
        assert not missing, (t.get_text(), missing)


def test_the_png_is_drawn_without_a_missing_glyph():
    d = digests.Digest("grid", 1, NAME, "Asia/Shanghai", digests.week_range("2026-W47", "Asia/Shanghai"), FIGURES)
    png = chart_png(d, "zh-CN", cached=False)  # a "Glyph missing" warning would raise here
    assert png is not None and png.startswith(b"\x89PNG") and len(png) > 5000


def test_what_no_font_can_draw_is_left_out_rather_than_drawn_as_a_box():
    assert digest_chart.drawable("🌸幸福里 第三网格") == "幸福里 第三网格"
    png = digest_chart.render_chart(FIGURES, "zh-CN", "🌸幸福里", "2026-W47")
    assert png.startswith(b"\x89PNG")


async def test_the_dashboards_charts_name_a_chinese_font_the_dashboard_itself_serves(office, web_base):
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{web_base}/dashboard/static/style.css") as r:
            css = await r.text()
        face = re.search(r"@font-face \{([^}]*)\}", css)
        assert face and '"Redvest CJK"' in face.group(1) and "U+4E00-9FFF" in face.group(1)
        url = re.search(r"url\(([^)]+)\)", face.group(1))
        assert url is not None
        stack = re.search(r"--font: ([^;]*);", css)
        assert stack and stack.group(1).startswith('"Redvest CJK",')  # before any generic family
        assert re.search(r"\.chart > svg \{[^}]*font-family: var\(--font\)", css)
        async with http.get(f"{web_base}/dashboard/login") as r:  # every page's policy lets the font load
            assert "font-src 'self'" in r.headers["Content-Security-Policy"]
        async with http.get(web_base + url.group(1)) as r:
            assert r.status == 200 and r.headers["Content-Type"] == "font/otf"
            font = await r.read()
    assert font[:4] == b"OTTO" and font == digest_chart.font_file().read_bytes()
