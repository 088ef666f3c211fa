"""Message catalogs (gettext PO files read with Babel), one set per language.

Texts are Telegram HTML. `text()` escapes every parameter unless it is wrapped in
`Raw`, so user-typed values can never inject markup; `plain()` is for button labels.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.lists import format_list
from babel.messages.pofile import read_po

from bot.services.kernel.languages import LANGUAGES as LANGUAGES
from bot.services.kernel.languages import pick_locale as pick_locale  # the catalogs are chosen by it

LOCALES_DIR = Path(__file__).parent / "locales"
_DIRS = {"zh-CN": "zh_CN", "en": "en"}


@dataclass(frozen=True)
class Raw:
    """A parameter that is already safe HTML (e.g. a rendered list)."""

    value: str

    def __str__(self) -> str:
        return self.value


class Catalogs:
    def __init__(self, directory: Path = LOCALES_DIR) -> None:
        self.messages: dict[str, dict[str, str]] = {}
        for lang in LANGUAGES:
            merged: dict[str, str] = {}
            for po in sorted((directory / _DIRS[lang]).glob("*.po")):
                with po.open("rb") as fh:
                    catalog = read_po(fh, locale=_DIRS[lang])
                for msg in catalog:
                    if msg.id and msg.string:
                        if msg.id in merged:
                            raise ValueError(f"{po.name}: key {msg.id} defined twice")
                        merged[str(msg.id)] = str(msg.string)
            self.messages[lang] = merged

    def keys(self, lang: str) -> set[str]:
        return set(self.messages[lang])

    def _lookup(self, lang: str, key: str) -> str:
        table = self.messages.get(lang) or self.messages["en"]
        if key in table:
            return table[key]
        # a missing key is a bug the catalog test catches; never show users a traceback
        return self.messages["en"].get(key, key)

    def text(self, lang: str, key: str, **params: Any) -> str:
        """HTML text with escaped parameters."""
        safe = {
            k: (v.value if isinstance(v, Raw) else html.escape(str(v), quote=False) if isinstance(v, str) else v)
            for k, v in params.items()
        }
        return self._lookup(lang, key).format_map(safe) if params else self._lookup(lang, key)

    def plain(self, lang: str, key: str, **params: Any) -> str:
        """Unescaped text, for button labels and other non-HTML places."""
        s = self._lookup(lang, key)
        return s.format_map(params) if params else s


@lru_cache(maxsize=1)
def catalogs() -> Catalogs:
    return Catalogs()


def t(lang: str, key: str, **params: Any) -> str:
    return catalogs().text(lang, key, **params)


def tp(lang: str, key: str, **params: Any) -> str:
    return catalogs().plain(lang, key, **params)


_LIST_LOCALES = {"zh-CN": "zh_CN", "en": "en_GB"}  # en_GB: "A, B and C", as the programme's English texts write


def join_list(lang: str, items: Iterable[str]) -> str:
    """Items as one phrase in the reader's language: "A、B和C", "A, B and C" (Babel, CLDR)."""
    values = [str(i) for i in items]
    return format_list(values, locale=_LIST_LOCALES.get(lang, "en_GB")) if values else ""
