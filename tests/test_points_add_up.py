"""Points add up: for each kind of award (a task with its hours, the five-star bonus, a door visit, an
event attended, emergency duty), /points is read before, the award is triggered through the bot, and
the message that tells it names each part, its parts add up to its total, and its total is exactly
what /points gained. In Chinese and in English."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from bot.services.kernel.roles import Actor
from bot.services.requests.claiming import claim_task
from bot.services.requests.intake import RequestDraft, create_request
from bot.services.requests.tasks import report_done
from storage.models import Event, Person
from tests.support import factories as f
from tests.support.harness import TgUser, start_emergency, text_of
from tests.support.waiting import settle
from tests.test_events import _event, _new_event
from tests.test_visits import _log


@dataclass
class Words:
    """How a language says it: the award line, a part's points, /points's total, and each part's name."""

    award: str  # the award line: (total, parts)
    part_points: str
    mine: str
    names: dict[str, str]
    met: str  # the visit outcome's button
    on_duty: str  # the call-up's button


WORDS = {
    "zh-CN": Words(
        award=r"红色积分 \+(\d+)：(.+)",
        part_points=r"(\d+) 分$",
        mine=r"累计：(\d+) 分",
        names=dict(
            task="完成任务",
            hours="服务 1.5 小时",
            five_star="五星好评",
            visit="周五入户",
            event="参加活动",
            emergency="应急到岗",
        ),
        met="见到了",
        on_duty="到岗",
    ),
    "en": Words(
        award=r"Red points \+(\d+): (.+)",
        part_points=r"^(\d+) ",
        mine=r"All time: (\d+) points",
        names=dict(
            task="for the task",
            hours="for 1.5 h of service",
            five_star="for the five-star rating",
            visit="for the door visit",
            event="for taking part",
            emergency="for emergency duty",
        ),
        met="Met them",
        on_duty="On duty",
    ),
}


@dataclass
class Vol:
    user: TgUser
    person: Person
    household_id: int
    words: Words


@pytest.fixture(params=["zh-CN", "en"])
async def vol(request, world) -> Vol:
    """A shock-team volunteer of grid A with a household, in the volunteer group, in each language."""
    w = world
    await settle(w)
    if request.param == "zh-CN":
        u, p, hh = w.volunteers[0], w.volunteer_people[0], w.household
    else:
        u = await w.bot.user(2201, "Tom", lang="en")
        p = await f.person(w.db, 2201, "Tom", grid_id=w.grid_a.id, language="en")
        await f.volunteer(w.db, p.id, w.grid_a.id, shock_team=True)
        hh = await f.household(w.db, w.grid_a.id, "12 River Road, flat 3", members="Mr Li")
        await f.pair(w.db, p.id, hh.id)
        await w.sb.member(w.volunteer_group, u.id)
    for someone in (u, w.resident, w.leader, w.admin):
        await someone.send("/start")
        await someone.reply()
    await settle(w)
    return Vol(u, p, hh.id, WORDS[request.param])


async def points_now(v: Vol) -> int:
    await v.user.send("/points")
    shown = await v.user.reply(contains="🔴")
    found = re.search(v.words.mine, text_of(shown))
    assert found, text_of(shown)
    return int(found.group(1))


async def told(v: Vol, *, edited: bool = False) -> str:
    """The next message (or edit) to the volunteer that tells an award."""
    marker = v.words.award.split("\\")[0]
    return text_of(await v.user.reply(contains=marker, edited=edited))


async def adds_up(v: Vol, text: str, before: int, *kinds: str) -> None:
    """The award line names exactly `kinds`, its parts add up to its total, and /points gained that total."""
    found = re.search(v.words.award, text)
    assert found, text
    total, parts = int(found.group(1)), found.group(2).split(" + ")
    assert [next(k for k in kinds if v.words.names[k] in part) for part in parts] == list(kinds), parts
    assert sum(int(re.search(v.words.part_points, part).group(1)) for part in parts) == total, parts
    after = await points_now(v)
    assert total == after - before > 0, (text, before, after)


async def test_a_task_with_its_hours_then_its_five_stars(world, vol):
    w, core = world, world.bot.core
    req = await create_request(
        core, Actor(3001, "王奶奶", language="zh-hans"), RequestDraft("repairs", "修水管", "today", None, "3 栋 401")
    )
    me = Actor(vol.user.id, vol.user.name, language=vol.user.lang)
    await claim_task(core, me, req.id)
    await report_done(core, me, req.id, "1.5", "换了新管子")
    ask = await w.resident.reply(contains="办好了吗")
    before = await points_now(vol)
    await w.resident.press("办好了", message=ask)
    await adds_up(vol, await told(vol), before, "task", "hours")
    before = await points_now(vol)
    await w.resident.press("5⭐", message=await w.resident.reply(contains="打个分"))
    await adds_up(vol, await told(vol), before, "five_star")


async def test_a_door_visit(world, vol):
    before = await points_now(vol)
    await _log(vol.user, vol.household_id, vol.words.met, note="安好")
    await adds_up(vol, await told(vol), before, "visit")


async def test_an_event_attended(world, vol):
    w = world
    await _new_event(w.leader, world=w)
    await w.sb.wait_bot_message(w.volunteer_group, contains="老人免费理发", since=0)
    await vol.user.press("报名", chat=w.volunteer_group)
    ev = await _event(w.db)
    async with w.db.session() as s:
        await s.execute(update(Event).values(starts_at=datetime.now(UTC) - timedelta(minutes=1)))
    before = await points_now(vol)
    await w.leader.press("x", data=f"event:att:{ev.id}:{vol.person.id}:1", force=True)
    await adds_up(vol, await told(vol), before, "event")


async def test_emergency_duty(world, vol):
    admin = world.admin
    await start_emergency(admin, reason="台风", target="1")
    callup = await vol.user.reply(contains="🚨")
    await vol.user.press(vol.words.on_duty, message=callup)
    await vol.user.reply(edited=True)
    before = await points_now(vol)
    await admin.send("/emergency end")
    await admin.reply(contains="应急状态已解除")
    await adds_up(vol, await told(vol, edited=True), before, "emergency")
