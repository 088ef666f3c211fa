"""Forged button presses whose id fits a 64-bit integer but not the INTEGER columns (2**31 and up):
PostgreSQL refuses such a bind parameter outright, so every service must treat it as "not found"
before it reaches the database. Each press gets a clear alert, nothing reaches the error handler and
nothing changes."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bot.services.kernel.errors import NotFound
from bot.services.kernel.roles import Actor
from bot.services.office.board import request_detail
from bot.services.office.dashboard import Scope
from bot.services.people.volunteers import approve_volunteer
from storage.models import Assignment, AuditEntry, HelpRequest, OutboxMessage, Rating
from tests.test_tasks_flow import new_request

HUGE = str(3_000_000_000)  # over 2**31 - 1, under 2**63
PRESSES = {
    "resident": [
        f"res:c:{HUGE}",
        f"res:g:{HUGE}",
        f"my:show:{HUGE}",
        f"my:cancel:{HUGE}",
        f"my:cancel_yes:{HUGE}",
        f"rate:out:{HUGE}:done",
        f"rate:stars:{HUGE}:5",
        f"relay:open:{HUGE}",
    ],
    "volunteer": [
        f"task:show:{HUGE}",
        f"task:start:{HUGE}",
        f"task:done:{HUGE}",
        f"task:rel:{HUGE}",
        f"relay:open:{HUGE}:1",
    ],
    "leader": [
        f"board:req:{HUGE}",
        f"board:pick:{HUGE}",
        f"board:re:{HUGE}",
        f"board:refrom:{HUGE}:{HUGE}",
        f"board:confirm:{HUGE}",
        f"board:oos:{HUGE}",
        f"board:dup:{HUGE}",
        f"board:dupof:1:{HUGE}",
        f"board:notdup:{HUGE}",
        f"board:close:{HUGE}",
        f"board:to:{HUGE}:{HUGE}",
        f"board:reto:{HUGE}:{HUGE}:{HUGE}",
        f"vol:ok:{HUGE}",
        f"vol:no:{HUGE}",
        f"vol:sus:{HUGE}",
        f"vol:rei:{HUGE}",
        f"hh:l:{HUGE}:0",
        f"hh:add:{HUGE}",
        f"digest:show:g:{HUGE}:2026-W47",
    ],
    "admin": [
        f"plc:rlg:{HUGE}",
        f"plc:rl:{HUGE}:{HUGE}",
        f"plc:rag:{HUGE}",
        f"plc:ra:{HUGE}:{HUGE}",
        f"privacy:erase:{HUGE}:{HUGE}",
        f"digest:show:c:{HUGE}:2026-W47",
    ],
}


@pytest.fixture
def db(any_db):
    """This module's bot runs on SQLite and on PostgreSQL (the one that refuses such ids)."""
    return any_db


async def _counts(db) -> list[int]:
    async with db.session() as s:
        return [
            await s.scalar(select(func.count()).select_from(m))
            for m in (HelpRequest, Assignment, Rating, AuditEntry, OutboxMessage)
        ]


async def test_ids_beyond_the_integer_columns_are_not_found_on_every_button(world, caplog):
    w = world
    await new_request(w)
    users = {"resident": w.resident, "volunteer": w.volunteers[0], "leader": w.leader, "admin": w.admin}
    for user in users.values():
        await user.send("/help")
        await user.reply()
    before = await _counts(w.db)
    unanswered = []
    with caplog.at_level(logging.ERROR, logger="redvest.errors"):
        for role, presses in PRESSES.items():
            for data in presses:
                try:
                    answer = await users[role].press("x", data=data, force=True)
                except AssertionError:  # not answered: the handler failed
                    unanswered.append(data)
                    continue
                assert answer["text"], (role, data)
    assert unanswered == [], " ".join(unanswered)
    assert [r.getMessage() for r in caplog.records if r.name == "redvest.errors"] == []
    assert await _counts(w.db) == before


async def test_the_dashboard_request_page_with_such_an_id_is_not_found(core):
    scope = Scope(person_id=1, tg_user_id=None, name="书记", language=None, grids=(), superadmin=True)
    with pytest.raises(NotFound):
        await request_detail(core, scope, int(HUGE))


async def test_deciding_on_a_volunteer_with_such_an_id_is_not_found(core):
    with pytest.raises(NotFound):
        await approve_volunteer(core, Actor(tg_user_id=9001, name="书记"), int(HUGE))
