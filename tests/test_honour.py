"""好人榜 end to end: on the 1st the past month's honour list (confirmed points, average ratings) goes
to the community's volunteer groups, once, whatever restarts; volunteers who opted out are left off;
/honour shows it in the reader's language and leaves the list or comes back."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import delete, select

from bot.jobs import honour_list
from bot.outbox.notifier import OutboxNotifier
from bot.scheduler import run_due
from bot.services.kernel.core import Core
from bot.services.kernel.roles import Actor
from bot.services.requests import claim_task, confirm_outcome, create_request, rate_request, report_done, start_task
from bot.services.requests.intake import RequestDraft
from storage.enums import PointsReason
from storage.models import HonourOptOut, JobRun, OutboxMessage, PointsEntry
from tests.conftest import SHANGHAI
from tests.support.clocks import DayClock
from tests.support.harness import buttons_of, text_of

JOBS = [honour_list.JOB]


@pytest.fixture
def bot_clock() -> DayClock:
    return DayClock(datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI))


async def _task(w, volunteer, confirm: bool) -> None:
    core, resident = w.bot.core, Actor(w.resident.id, w.resident.name)
    vol = Actor(volunteer.id, volunteer.name)
    req = await create_request(core, resident, RequestDraft("repairs", "换灯泡", "today", None, "3 栋 401", None, 1))
    await claim_task(core, vol, req.id)
    await start_task(core, vol, req.id)
    await report_done(core, vol, req.id, 1, None)
    if confirm:
        await confirm_outcome(core, resident, req.id, "done")
        await rate_request(core, resident, req.id, 5)


async def _points(w, person_id: int, points: int) -> None:
    async with w.db.session() as s:
        s.add(
            PointsEntry(
                ref=f"test:{person_id}:{points}",
                person_id=person_id,
                community_id=w.community.id,
                reason=PointsReason.visit.value,
                points=points,
                created_at=w.bot.core.clock.now(),
            )
        )


async def _honour_rows(db) -> list[OutboxMessage]:
    async with db.session() as s:
        return list((await s.execute(select(OutboxMessage).where(OutboxMessage.key.startswith("honour:")))).scalars())


async def test_the_monthly_honour_list_goes_to_the_volunteer_groups_once(world, bot_clock):
    w = world
    zhang, wang, chen = w.volunteers
    await _task(w, zhang, confirm=True)  # 10 + 2 for the hour + 2 for five stars, rated 5
    await _task(w, chen, confirm=False)  # reported done, never confirmed: no points yet
    await _points(w, w.volunteer_people[1].id, 6)
    await w.volunteer_b.send("/honour off")  # 孙志愿 of grid B: the most points, but left off
    assert "以后的好人榜上不会出现您" in text_of(await w.volunteer_b.reply())
    async with w.db.session() as s:
        sun_id = (await s.execute(select(HonourOptOut.person_id))).scalar_one()
    await _points(w, sun_id, 50)

    bot_clock.set(datetime(2027, 1, 1, 9, 5, tzinfo=SHANGHAI))
    await run_due(w.bot.core, jobs=JOBS)
    posted = await w.sb.wait_bot_message(w.volunteer_group, contains="好人榜", since=0)
    text = text_of(posted)
    assert "🏅 好人榜 · 幸福里社区 · 2026年12月" in text
    assert "🥇 张志愿 — 14 分 · ★5.0（1 次评价）" in text and "🥈 王志愿 — 6 分 · 暂无评价" in text
    assert "陈志愿" not in text and "孙志愿" not in text and "匿名" not in text
    assert "孙志愿" not in text_of(await w.sb.wait_bot_message(w.other_group, contains="好人榜", since=0))
    # again, and after a restart (a new core on the same database): nothing new
    assert await run_due(w.bot.core, jobs=JOBS) == []
    restarted = Core(db=w.db, notifier=OutboxNotifier(bot_clock), clock=bot_clock, cfg=w.bot.core.cfg)
    assert await run_due(restarted, jobs=JOBS) == []
    assert len(await _honour_rows(w.db)) == 2
    # a run cut short (the period not marked done, one group's message not queued) adds only that one
    async with w.db.session() as s:
        await s.execute(delete(JobRun).where(JobRun.job == honour_list.NAME))
        await s.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == w.other_group))
    await run_due(restarted, jobs=JOBS)
    rows = await _honour_rows(w.db)
    assert sorted(r.chat_id for r in rows) == sorted([w.volunteer_group, w.other_group])


async def test_volunteers_read_the_list_and_leave_it_or_come_back(world, bot_clock):
    w = world
    zhang, wang, _ = w.volunteers
    await w.sb.add_user(wang.id, wang.name, language_code="en")
    wang.lang = "en"
    await _task(w, zhang, confirm=True)
    await _points(w, w.volunteer_people[1].id, 6)
    bot_clock.set(datetime(2027, 1, 3, 12, 0, tzinfo=SHANGHAI))
    await wang.send("/honour")
    mine = await wang.reply(contains="Honour list")
    assert "🏅 Honour list · 幸福里社区 · December 2026" in text_of(mine)
    assert "🥈 王志愿 — 6 points · no rating yet" in text_of(
        mine
    ) and "🥇 张志愿 — 14 points · ★5.0 (1 rating)" in text_of(mine)
    assert [b["text"] for b in buttons_of(mine)] == ["Leave me off the honour list"]
    answer = await wang.press("Leave me off", message=mine)
    assert "left off the honour list" in answer["text"]
    now = await wang.reply(edited=True)
    assert "王志愿" not in text_of(now) and "You asked to be left off" in text_of(now)
    await wang.press("Put me back", message=now)
    assert "🥈 王志愿" in text_of(await wang.reply(edited=True))
    await wang.send("/honour on")
    assert "Already so" in text_of(await wang.reply())
    await wang.send("/honour sometimes")
    assert "/honour off" in text_of(await wang.reply())
    await w.resident.send("/honour")
    assert "好人榜只列志愿者" in text_of(await w.resident.reply())
