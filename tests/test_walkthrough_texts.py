"""Texts found wanting on a walk through the programme's features by hand, through the sandbox, in
Chinese and in English: /help names the leaders' /meeting and /care and the admins' /units; /tasks cuts
a long summary with "…", not mid-word without a sign."""

from __future__ import annotations

import pytest

from tests.support.harness import text_of
from tests.support.waiting import settle

from .test_tasks_flow import accept, new_request, started


@pytest.fixture
async def world(world):
    await settle(world)
    return world


async def test_help_names_the_meeting_care_plans_and_units_to_those_who_run_them(world):
    w = world
    await w.leader.send("/help")
    zh = text_of(await w.leader.reply(contains="网格长"))
    assert "/meeting — 联席会议" in zh and "/care — 特殊家庭关爱计划" in zh and "/units" not in zh
    await w.admin.send("/help")
    assert "/units、/newunit — 包联单位" in text_of(await w.admin.reply(contains="社区管理员"))
    for u in (w.leader, w.admin):
        u.lang = "en"
        await w.sb.add_user(u.id, u.name, language_code="en")
    await w.leader.send("/help")
    en = text_of(await w.leader.reply(contains="Grid leaders"))
    assert "/meeting — the weekly meeting" in en and "/care — care plans for special households" in en
    await w.admin.send("/help")
    assert "/units, /newunit — paired work units" in text_of(await w.admin.reply(contains="Community admins"))


async def test_tasks_cuts_a_long_summary_with_an_ellipsis(world):
    w = world
    await started(w)
    summary = "帮忙把三楼的旧衣柜搬到楼下的回收点，柜子很重需要两个人一起抬下去，谢谢大家，下午三点以后都可以来"
    req, _ = await new_request(w, summary=summary)
    vol = w.volunteers[0]
    await accept(vol, w, req.code)
    await vol.reply(contains=req.code)
    await vol.send("/tasks")
    listed = text_of(await vol.reply(contains="您的任务"))
    assert summary[:39] + "…" in listed and summary not in listed


async def test_every_english_menu_description_begins_with_a_capital_as_the_others_do(world):
    menus = world.sb.state.commands  # "<scope json>|<language code>" -> commands
    en = [c for key, cmds in menus.items() if key.endswith("|en") for c in cmds]
    assert en and [c["command"] for c in en if not c["description"][:1].isupper()] == []
