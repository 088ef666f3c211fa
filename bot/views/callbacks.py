"""Callback data: each kind of button press is one `Callback`, which alone builds and reads its data.

    TASK_START = Callback("task", "start", ID)           # task:start:<request id>
    RATE_OUTCOME = Callback("rate", "out", ID, One("done", "partly", "not"))

    Button(label, data=TASK_START.data(request.id))       # in a view
    CallbackQueryHandler(start, pattern=TASK_START.pattern)
    (request_id,) = TASK_START.parse(query.data)          # in the handler: StaleButton if forged

Telegram gives 64 bytes of callback data; `data()` refuses more, and `parse()` refuses anything
that is not exactly the shape it built (an id past the INTEGER columns, a missing part, an unknown
choice): a forged or broken press is a stale button, never a crash and never a query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from bot.services.kernel.errors import Conflict
from bot.services.kernel.ids import MAX_ROW_ID

MAX_BYTES = 64
_TOKEN = re.compile(r"^[a-z0-9_]+$")


class StaleButton(Conflict):
    key = "error.stale_button"


@dataclass(frozen=True)
class Int:
    """A whole number in [lo, hi] (ids: ID; pages, counts: Int(0, 999))."""

    lo: int = 1
    hi: int = MAX_ROW_ID

    def dump(self, value: Any) -> str:
        if not isinstance(value, int) or isinstance(value, bool) or not self.lo <= value <= self.hi:
            raise ValueError(f"{value!r} is not a whole number in [{self.lo}, {self.hi}]")
        return str(value)

    def load(self, text: str) -> int:
        if not text or not text.isascii() or not (text.isdigit() or (text[0] == "-" and text[1:].isdigit())):
            raise StaleButton()
        if len(text) > 12:
            raise StaleButton()
        value = int(text)
        if not self.lo <= value <= self.hi:
            raise StaleButton()
        return value


@dataclass(frozen=True)
class One:
    """One of a few fixed words (an outcome, a filter, a yes/no)."""

    choices: tuple[str, ...]

    def __init__(self, *choices: str) -> None:
        for c in choices:
            if not _TOKEN.match(c):
                raise ValueError(f"bad choice {c!r}")
        object.__setattr__(self, "choices", choices)

    def dump(self, value: Any) -> str:
        if value not in self.choices:
            raise ValueError(f"{value!r} is not one of {self.choices}")
        return str(value)

    def load(self, text: str) -> str:
        if text not in self.choices:
            raise StaleButton()
        return text


class Part(Protocol):
    """What a callback's part does: Int and One, or a feature's own (e.g. an ISO week)."""

    def dump(self, value: Any) -> str: ...

    def load(self, text: str) -> Any: ...


ID = Int()
PAGE = Int(0, 9999)


class Callback:
    """`feature:action[:part...]`. The pattern matches this kind of press (for CallbackQueryHandler),
    whatever its parts; `parse` then checks the parts."""

    def __init__(self, feature: str, action: str, *parts: Part) -> None:
        if not (_TOKEN.match(feature) and _TOKEN.match(action)):
            raise ValueError(f"bad callback name {feature}:{action}")
        self.prefix = f"{feature}:{action}"
        self.parts = parts
        self.pattern = "^" + re.escape(self.prefix) + ("(:|$)" if parts else "$")

    def __repr__(self) -> str:
        return f"Callback({self.prefix!r}, {len(self.parts)} parts)"

    def data(self, *values: Any) -> str:
        if len(values) != len(self.parts):
            raise ValueError(f"{self.prefix} takes {len(self.parts)} values, got {len(values)}")
        text = ":".join([self.prefix, *(p.dump(v) for p, v in zip(self.parts, values, strict=True))])
        if len(text.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {text!r}")
        return text

    def matches(self, data: str | None) -> bool:
        return bool(data) and re.match(self.pattern, data or "") is not None

    def parse(self, data: str | None) -> tuple[Any, ...]:
        """The parts of a press of this kind; StaleButton for anything this codec did not build."""
        if not data or len(data.encode()) > MAX_BYTES or not self.matches(data):
            raise StaleButton()
        rest = data[len(self.prefix) + 1 :].split(":") if self.parts else []
        if len(rest) != len(self.parts):
            raise StaleButton()
        return tuple(p.load(text) for p, text in zip(self.parts, rest, strict=True))

    def parse_id(self, data: str | None) -> int:
        """For a press of one part that is a row id."""
        (value,) = self.parse(data)
        return int(value)


class Step(Callback):
    """`feature:action:word[:part...]`: presses of one action told apart by a fixed word (a step of a
    guided conversation: `vol:su:g:12`, `vol:su:back`). Its pattern includes the word, so each kind
    gets its own handler; `data` and `parse` leave the word out."""

    def __init__(self, feature: str, action: str, word: str, *parts: Part) -> None:
        if not _TOKEN.match(word):
            raise ValueError(f"bad callback word {word!r}")
        super().__init__(feature, action, One(word), *parts)
        self.word = word
        self.pattern = "^" + re.escape(f"{self.prefix}:{word}") + ("(:|$)" if parts else "$")

    def __repr__(self) -> str:
        return f"Step({self.prefix!r}, {self.word!r}, {len(self.parts) - 1} parts)"

    def data(self, *values: Any) -> str:
        return super().data(self.word, *values)

    def parse(self, data: str | None) -> tuple[Any, ...]:
        return super().parse(data)[1:]
