"""Message catalogs (gettext PO files read with Babel), one set per language.

Texts are Telegram HTML. `text()` escapes every parameter unless it is wrapped in
`Raw`, so user-typed values can never inject markup; `plain()` is for button labels.
A text that counts something is a gettext plural entry (msgid_plural, msgstr[n], chosen by the
file's `Plural-Forms` header): `tn(lang, key, n)` picks the form for n ("1 household", "2 households").
"""

from __future__ import annotations

import gettext
import html
from collections.abc import Callable, Iterable
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
        self.plurals: dict[str, dict[str, tuple[str, ...]]] = {}
        self.plural_rules: dict[str, Callable[[int], int]] = {}
        for lang in LANGUAGES:
            merged: dict[str, str] = {}
            plurals: dict[str, tuple[str, ...]] = {}
            for po in sorted((directory / _DIRS[lang]).glob("*.po")):
                with po.open("rb") as fh:
                    catalog = read_po(fh, locale=_DIRS[lang])
                self.plural_rules.setdefault(lang, gettext.c2py(catalog.plural_expr))
                for msg in catalog:
                    key = str(msg.id[0] if isinstance(msg.id, tuple) else msg.id)
                    if not key or not msg.string:
                        continue
                    if key in merged or key in plurals:
                        raise ValueError(f"{po.name}: key {key} defined twice")
                    if isinstance(msg.string, tuple):
                        plurals[key] = tuple(str(s) for s in msg.string)
                    else:
                        merged[key] = str(msg.string)
            self.messages[lang] = merged
            self.plurals[lang] = plurals

    def keys(self, lang: str) -> set[str]:
        return set(self.messages[lang]) | set(self.plurals[lang])

    def _plural(self, lang: str, key: str, n: float) -> str:
        """The form of a counting text for n, by the language's Plural-Forms rule."""
        if lang not in self.plurals or key not in self.plurals[lang]:
            lang = "en"
        forms = self.plurals[lang].get(key)
        if not forms:
            return key  # a missing key is a bug the catalog test catches
        # a fraction (1.5 hours) takes the form of a number that is not one
        whole = abs(int(n)) if n == int(n) else 2
        return forms[min(self.plural_rules[lang](whole), len(forms) - 1)]

    def counted(self, lang: str, key: str, n: float, **params: Any) -> str:
        """HTML text counting n (the form for n), with escaped parameters; `{n}` is n."""
        return self._plural(lang, key, n).format_map(_escaped({"n": _shown(n), **params}))

    def counted_plain(self, lang: str, key: str, n: float, **params: Any) -> str:
        return self._plural(lang, key, n).format_map({"n": _shown(n), **params})

    def _lookup(self, lang: str, key: str) -> str:
        table = self.messages.get(lang) or self.messages["en"]
        if key in table:
            return table[key]
        # a missing key is a bug the catalog test catches; never show users a traceback
        return self.messages["en"].get(key, key)

    def counts(self, lang: str, key: str) -> bool:
        return key in self.plurals.get(lang, self.plurals["en"])

    def text(self, lang: str, key: str, **params: Any) -> str:
        """HTML text with escaped parameters. A counting text counts `n` (a DomainError's params)."""
        if "n" in params and self.counts(lang, key):
            return self.counted(lang, key, **params)
        return self._lookup(lang, key).format_map(_escaped(params)) if params else self._lookup(lang, key)

    def plain(self, lang: str, key: str, **params: Any) -> str:
        """Unescaped text, for button labels and other non-HTML places."""
        if "n" in params and self.counts(lang, key):
            return self.counted_plain(lang, key, **params)
        s = self._lookup(lang, key)
        return s.format_map(params) if params else s


def _shown(n: float) -> float:
    """A count as people write it: 2, not 2.0; 1.5 stays."""
    return int(n) if isinstance(n, float) and n.is_integer() else n


def _escaped(params: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.value if isinstance(v, Raw) else html.escape(str(v), quote=False) if isinstance(v, str) else v)
        for k, v in params.items()
    }


@lru_cache(maxsize=1)
def catalogs() -> Catalogs:
    return Catalogs()


def t(lang: str, key: str, **params: Any) -> str:
    return catalogs().text(lang, key, **params)


def tp(lang: str, key: str, **params: Any) -> str:
    return catalogs().plain(lang, key, **params)


def tn(lang: str, key: str, n: float, **params: Any) -> str:
    """A counting text (gettext plural entry) in the form for n, as HTML: "1 household", "2 households"."""
    return catalogs().counted(lang, key, n, **params)


def tnp(lang: str, key: str, n: float, **params: Any) -> str:
    """`tn` as plain text, for button labels."""
    return catalogs().counted_plain(lang, key, n, **params)


_LIST_LOCALES = {"zh-CN": "zh_CN", "en": "en_GB"}  # en_GB: "A, B and C", as the programme's English texts write


def join_list(lang: str, items: Iterable[str]) -> str:
    """Items as one phrase in the reader's language: "A、B和C", "A, B and C" (Babel, CLDR)."""
    values = [str(i) for i in items]
    return format_list(values, locale=_LIST_LOCALES.get(lang, "en_GB")) if values else ""
