"""Tools for the property-based tests (no tests here): hostile inputs as Hypothesis strategies, a
driver that acts as a Telegram user through the sandbox and hands each update to the bot's real
update path (UpdateGate -> handlers) one at a time, and the database invariants checked after."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, select
from sqlmodel import SQLModel
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from bot import metrics
from bot.gate.updates import Outcome
from storage import enums

# ---------------------------------------------------------------- hostile inputs
HOSTILE_SAMPLES = [
    " ",
    "\n\n",
    "\u200b",
    "\u00a0",
    ".",
    "0",
    "-1",
    "1e999",
    "NaN",
    "99999999999999999999",
    "3.5",
    "25",
    "١٢",
    "x" * 10_000,
    "长" * 10_000,
    "😀" * 2_500,
    "👨‍👩‍👧‍👦🏳️‍🌈" * 40,
    "\u202eRTL override \u202c",
    "مرحبا بالعالم",
    "שלום עולם",
    "\u200f\u200e\u2066مرحبا\u2069",
    "<b>bold</b>",
    "<script>alert(1)</script>",
    "</code></pre><a href='javascript:x'>",
    "&amp;&lt;&gt;&#0;",
    "*bold* _it_ [link](http://x.y) `code` ~~s~~ ||spoiler||",
    "\\*escaped\\*",
    "# heading\n> quote",
    "'; DROP TABLE person; --",
    "1 OR 1=1",
    '" OR ""="',
    "%s %d %n {0} {name} {{x}}",
    "${jndi:ldap://x}",
    "../../etc/passwd",
    "\x00\x01\x02",
    "\ud7ff\ue000\ufffd",
    "/start",
    "/cancel",
    "/request",
    "/start req",
    "13800138000",
    "+86 138 0013 8000",
    "2026-13-45",
    "11-31",
    "11月20日",
    "yesterday",
    "1970-01-01",
    "2099-12-31",
]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_SAMPLES),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200),
    st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE_SAMPLES), st.text(max_size=30)),
).filter(lambda s: s != "")  # Telegram never delivers an empty text message


def callback_patterns(app: Any) -> list[str]:
    """The regular expressions of the button handlers (a handler whose pattern is a function or a
    type has none to sample from; random and junk data still reach it)."""
    return sorted(
        {
            h.pattern.pattern if isinstance(h.pattern, re.Pattern) else h.pattern
            for h in walk_handlers(app)
            if isinstance(h, CallbackQueryHandler) and isinstance(h.pattern, (str, re.Pattern)) and h.pattern
        }
    )


def commands(app: Any) -> list[str]:
    return sorted({c for h in walk_handlers(app) if isinstance(h, CommandHandler) for c in h.commands})


def walk_handlers(app: Any) -> list[BaseHandler]:
    out: list[BaseHandler] = []

    def walk(hs: Any) -> None:
        for h in hs:
            out.append(h)
            if isinstance(h, ConversationHandler):
                walk(h.entry_points)
                for state_hs in h.states.values():
                    walk(state_hs)
                walk(h.fallbacks)

    for group in app.handlers.values():
        walk(group)
    return out


def forged_data(patterns: list[str]) -> st.SearchStrategy[str]:
    """Callback data shaped like what the handlers accept (ids small, so they hit real rows, or
    random), plus junk; at most 64 bytes, like Telegram's."""
    small = [re.sub(r"\\d(\{\d+,\d+\}|\+)?", "[0-9]", p) for p in patterns]
    return st.one_of(
        st.sampled_from(patterns).flatmap(lambda p: st.from_regex(p, fullmatch=p.endswith("$"))),
        st.sampled_from(small).flatmap(lambda p: st.from_regex(p, fullmatch=p.endswith("$"))),
        st.text(min_size=1, max_size=64),
        st.sampled_from(
            [
                "x",
                ":",
                "::::",
                "task:accept:-1",
                "task:accept:0",
                "privacy:erase:0:0",
                "req:cat:../../",
                "vol:ok:99999999999",
                "my:show:1' OR '1'='1",
            ]
        ),
    ).filter(lambda d: 0 < len(d.encode()) <= 64)


# ---------------------------------------------------------------- running Hypothesis next to the bot
EXAMPLES = int(os.environ.get("REDVEST_FUZZ_EXAMPLES", "12"))


def run_property(
    loop: asyncio.AbstractEventLoop,
    strategy: st.SearchStrategy,
    body: Callable[[Any], Awaitable[None]],
    max_examples: int = EXAMPLES,
) -> None:
    """Run Hypothesis in this (worker) thread; each example runs `body` on the bot's event loop."""

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        print_blob=True,
        derandomize=not os.environ.get("REDVEST_FUZZ_RANDOM"),
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def prop(example: Any) -> None:
        asyncio.run_coroutine_threadsafe(body(example), loop).result(timeout=120)

    prop()


# ---------------------------------------------------------------- acting through the sandbox
@dataclass
class Driver:
    app: Any
    state: Any  # the sandbox's SandboxState (in this process)

    @property
    def gate(self) -> Any:
        return self.app.bot_data["gate"]

    async def pump(self) -> None:
        """Hand every queued update to the bot's update path, in order, one at a time."""
        for _ in range(100):
            if not self.state.updates:
                return
            raw = self.state.updates.pop(0)
            outcome = await self.gate.submit(Update.de_json(raw, self.app.bot))
            assert outcome is Outcome.done, (raw.get("update_id"), outcome)

    def _answered(self, since: int, chat_id: int) -> bool:
        kinds = {"message_sent", "message_edited", "photo_sent", "document_sent", "callback_answered"}
        return any(e["type"] in kinds for e in self.state.events_since(since, chat_id))

    async def say(self, user_id: int, text: str, chat_id: int | None = None) -> bool:
        since = self.state.seq
        self.state.user_send(user_id, text, chat_id)
        await self.pump()
        return self._answered(since, chat_id if chat_id is not None else user_id)

    async def contact(self, user_id: int, phone: str, chat_id: int | None = None) -> bool:
        since = self.state.seq
        self.state.user_contact(user_id, phone, chat_id)
        await self.pump()
        return self._answered(since, chat_id if chat_id is not None else user_id)

    def bot_messages(self, chat_id: int) -> list[dict]:
        return [m for m in self.state.messages(chat_id) if m["from_bot"] and not m["deleted"]]

    async def press(self, user_id: int, chat_id: int, data: str, message_id: int | None = None) -> dict | None:
        """Press `data` (forced if the message has no such button) on the newest bot message of
        the chat; returns the callback answer (None = never answered)."""
        if message_id is None:
            msgs = self.bot_messages(chat_id)
            if not msgs:
                return {"text": None}
            message_id = msgs[-1]["message_id"]
        qid = self.state.press(user_id, chat_id, message_id, data, force=True)
        await self.pump()
        return self.state.callback_answer(qid)

    def buttons(self, chat_id: int, last: int = 3) -> list[tuple[int, str]]:
        out = []
        for m in self.bot_messages(chat_id)[-last:]:
            for row in (m.get("reply_markup") or {}).get("inline_keyboard") or []:
                out += [(m["message_id"], b["callback_data"]) for b in row if b.get("callback_data")]
        return out


def errors_now() -> float:
    return metrics.ERRORS._value.get()


# ---------------------------------------------------------------- what must hold in the database
ENUM_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("help_request", "status"): enums.RequestStatus,
    ("help_request", "category"): enums.Category,
    ("help_request", "when_kind"): enums.WhenKind,
    ("assignment", "status"): enums.AssignmentStatus,
    ("rating", "outcome"): enums.Outcome,
    ("volunteerprofile", "status"): enums.VolunteerStatus,
    ("volunteerprofile", "work_group"): enums.WorkGroup,
    ("door_visit", "outcome"): enums.VisitOutcome,
    ("event", "kind"): enums.EventKind,
    ("eventsignup", "status"): enums.SignupStatus,
    ("duty_response", "answer"): enums.DutyAnswer,
    ("points_entry", "reason"): enums.PointsReason,
    ("outbox", "status"): enums.OutboxStatus,
    ("outbox", "kind"): enums.OutboxKind,
    ("rolegrant", "role"): enums.RoleKind,
    ("chatbinding", "kind"): enums.ChatKind,
}
LIST_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("volunteerprofile", "skills"): enums.Skill,
    ("household", "care_flags"): enums.CareFlag,
    ("door_visit", "red_flags"): enums.RedFlag,
}


async def check_invariants(db: Any) -> None:
    """Everything stored fits its column and its domain, whatever was typed or pressed."""
    problems: list[str] = []
    async with db.session() as s:
        conn = await s.connection()
        for table in SQLModel.metadata.sorted_tables:
            rows = (await conn.execute(select(table))).mappings().all()
            for row in rows:
                for col in table.columns:
                    v = row[col.name]
                    where = f"{table.name}.{col.name}={str(v)[:40]!r}"
                    if (
                        isinstance(col.type, String)
                        and col.type.length
                        and isinstance(v, str)
                        and len(v) > col.type.length
                    ):
                        problems.append(f"too long: {where} ({len(v)} > {col.type.length})")
                    enum = ENUM_COLUMNS.get((table.name, col.name))
                    if enum is not None and v is not None and v not in enum.__members__.values():
                        problems.append(f"not a {enum.__name__}: {where}")
                    many = LIST_COLUMNS.get((table.name, col.name))
                    if many is not None and v and not set(v.split(",")) <= set(many.__members__.values()):
                        problems.append(f"not {many.__name__} values: {where}")
                if table.name == "help_request" and not (1 <= row["slots"] and 0 <= row["slots_taken"] <= row["slots"]):
                    problems.append(f"slots out of range in request {row['id']}")
                if table.name == "assignment" and row["hours"] is not None and not 0 <= row["hours"] <= 24:
                    problems.append(f"hours out of range in assignment {row['id']}")
                if table.name == "rating" and row["stars"] is not None and not 1 <= row["stars"] <= 5:
                    problems.append(f"stars out of range in rating {row['id']}")
                if table.name == "outbox" and (row["last_error"] or "").startswith("bad request"):
                    problems.append(f"Telegram refused notification {row['key']}: {row['last_error']}")
    assert not problems, "\n".join(problems[:20])
