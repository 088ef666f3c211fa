"""志愿服务证明 the service certificate as a printable A4 PDF (matplotlib: vector text in Noto Sans SC,
the font the project brings; bot/views/fonts.py), in the reader's language; and /certificate's
period buttons and texts."""

from __future__ import annotations

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from bot.i18n import pick_locale, t, tp
from bot.services.certificates import CHOICES, Certificate, Choice
from bot.views.callbacks import Callback, One

from .digests.chart import chart_font, drawable
from .message import Button, Keyboard
from .requests.labels import MONTH_KEYS

CERT_PERIOD = Callback("cert", "period", One(*(c.value for c in Choice), "custom"))
A4 = (8.27, 11.69)  # inches
RED = "#b71c1c"
INK = "#222222"


def period_buttons(lang: str) -> Keyboard:
    rows = [[Button(tp(lang, f"certificate.period.{c.value}"), data=CERT_PERIOD.data(c.value))] for c in CHOICES]
    return rows + [[Button(tp(lang, "certificate.period.custom"), data=CERT_PERIOD.data("custom"))]]


def day_label(lang: str, day: date) -> str:
    return tp(lang, "certificate.date", year=day.year, month=tp(lang, MONTH_KEYS[day.month - 1]), day=day.day)


def caption(lang: str, c: Certificate) -> str:
    return t(
        lang,
        "certificate.caption",
        number=c.number,
        start=day_label(lang, c.start),
        end=day_label(lang, c.end),
        hours=f"{c.hours:g}",
        points=c.points,
        tasks=c.tasks,
    )


def filename(c: Certificate) -> str:
    return f"certificate-{c.number}.pdf"


def _wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80  # CJK and full-width forms: a square each


def wrap(text: str, ems: float) -> list[str]:
    """Lines of at most `ems` em (a Chinese character is one, a Latin letter about half): Chinese
    breaks anywhere, Latin words at their spaces. By measure, not by count: the two mix in a name."""
    lines: list[str] = []
    line, width = "", 0.0
    for ch in " ".join(text.split()):
        w = 1.0 if _wide(ch) else 0.55
        if width + w > ems and line:
            cut = line.rfind(" ")
            if not _wide(ch) and ch != " " and cut > len(line) // 2:
                lines.append(line[:cut])
                line = line[cut + 1 :]
            else:
                lines.append(line.rstrip())
                line = ""
            line = line.lstrip()
            width = sum(1.0 if _wide(c) else 0.55 for c in line)
            if ch == " " and not line:
                continue
        line += ch
        width += w
    if line.strip():
        lines.append(line.strip())
    return lines


def certificate_pdf(c: Certificate, lang: str, fmt: str = "pdf") -> bytes:
    """The certificate on one A4 page, to print (`fmt` "png": a picture of it): CPU-bound (run it in a thread)."""
    lang = pick_locale(lang, "zh-CN")
    font = chart_font()
    fig = Figure(figsize=A4)
    FigureCanvasPdf(fig)

    def put(x: float, y: float, text: str, size: float, ha: str = "left", color: str = INK) -> None:
        # parse_math=False: a "$" in a name is a dollar sign, not TeX
        fig.text(x, y, drawable(text), fontsize=size, family=font, color=color, ha=ha, parse_math=False)

    for inset, width in ((0.04, 3.0), (0.055, 0.8)):  # a double red frame
        fig.patches.append(
            Rectangle(
                (inset, inset * A4[0] / A4[1]),
                1 - 2 * inset,
                1 - 2 * inset * A4[0] / A4[1],
                transform=fig.transFigure,
                fill=False,
                edgecolor=RED,
                linewidth=width,
            )
        )
    put(0.9, 0.93, tp(lang, "certificate.pdf.number", number=c.number), 9, ha="right")
    put(0.5, 0.85, tp(lang, "certificate.pdf.title"), 30, ha="center", color=RED)
    put(0.5, 0.81, tp(lang, "certificate.pdf.subtitle"), 11, ha="center", color="#666666")
    body = tp(
        lang,
        "certificate.pdf.body",
        name=c.volunteer,
        grid=c.grid,
        community=c.community,
        start=day_label(lang, c.start),
        end=day_label(lang, c.end),
    )
    y = 0.72
    for line in wrap(body, 31):
        put(0.12, y, line, 14)
        y -= 0.032
    y -= 0.02
    rows = [
        ("certificate.pdf.hours", f"{c.hours:g}"),
        ("certificate.pdf.points", str(c.points)),
        ("certificate.pdf.tasks", str(c.tasks)),
        ("certificate.pdf.events", str(c.events)),
        ("certificate.pdf.visits", str(c.visits)),
        ("certificate.pdf.duties", str(c.duties)),
    ]
    for key, value in rows:
        put(0.2, y, tp(lang, key), 14)
        put(0.8, y, value, 14, ha="right")
        fig.add_artist(Line2D([0.2, 0.8], [y - 0.01, y - 0.01], color="#dddddd", linewidth=0.6))
        y -= 0.045
    y -= 0.01
    for line in wrap(tp(lang, "certificate.pdf.note"), 48):
        put(0.12, y, line, 9, color="#555555")
        y -= 0.02
    put(0.88, 0.22, c.community, 14, ha="right")
    put(0.88, 0.185, tp(lang, "certificate.pdf.seal"), 11, ha="right", color="#777777")
    put(0.88, 0.15, day_label(lang, c.issued_on), 12, ha="right")
    put(0.12, 0.09, tp(lang, "certificate.pdf.check", number=c.number), 8, color="#777777")
    out = io.BytesIO()
    if fmt == "png":
        fig.savefig(out, format="png", dpi=100)
    else:
        fig.savefig(out, format="pdf", metadata={"Title": tp(lang, "certificate.pdf.title"), "Creator": "redvest"})
    return out.getvalue()
