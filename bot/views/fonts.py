"""The font Chinese is drawn in wherever the bot draws text itself: Noto Sans SC Regular (SIL Open Font
License 1.1), which the project's own install brings (the `pylopdf-fonts-zh-cn` package ships it:
Noto Sans CJK's Simplified Chinese subset, 8 MB, every CJK ideograph of Unicode's core block and
Extension A, Latin and digits). Used by the digest's chart (matplotlib) and offered to dashboard
viewers whose device has no Chinese font (an @font-face in the dashboard's style sheet)."""

from __future__ import annotations

from pathlib import Path

from pylopdf_fonts_zh_cn import sans_path

FAMILY = "Noto Sans SC"


def font_file() -> Path:
    """The font's file, an OpenType (CFF) font inside the installed package."""
    return sans_path()
