"""Friday door-visit lists, evening reminders and overviews; event reminders; the service day.
Service level with a FakeClock, plus the Friday list arriving through the sandbox."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import update

from bot.jobs import event_reminders as event_jobs
from bot.jobs import service_day, visit_list, visit_overview, visit_reminder
from bot.scheduler import run_due
from bot.services.kernel.clock import FakeClock
from bot.services.kernel.core import Core
from storage.enums import EventKind
from storage.models import Event, EventSignup, Household, Pairing, Person

from .support import factories as f
from .support.harness import buttons_of, text_of
from .support.town import at, button_data, keys, log_visit, payload, pending_volunteer, rows, seed_town

VISITS = [visit_list.JOB, visit_reminder.JOB, visit_overview.JOB]


async def test_the_morning_list_has_one_log_button_per_household(core, clock, db):
    town = await seed_town(db, volunteers=1, homes_each=3)
    v = town.vols[0]
    clock.set(at(2026, 11, 20, 8, 0))
    await run_due(core, jobs=VISITS)
    [row] = await rows(db, "visit-list")
    assert row.chat_id == v.tg_user_id
    assert button_data(row) == [f"visit:log:{h.id}" for h in town.homes[v.id]]
    text = payload(row)["text"]
    assert "周五入户" in text and "幸福里 1 栋 301" in text and "独居老人" in text
    assert payload(row)["silent"] is True


async def test_households_logged_early_are_ticked_and_have_no_button(core, clock, db):
    town = await seed_town(db, volunteers=1, homes_each=2)
    v = town.vols[0]
    first, second = town.homes[v.id]
    await log_visit(db, first, v, "2026-W47")
    clock.set(at(2026, 11, 20, 8, 0))
    await run_due(core, jobs=VISITS)
    [row] = await rows(db, "visit-list")
    assert button_data(row) == [f"visit:log:{second.id}"]
    assert "✅" in payload(row)["text"]


async def test_the_evening_reminder_lists_only_what_is_not_logged(core, clock, db):
    town = await seed_town(db, volunteers=3, homes_each=2)
    done, half, none = town.vols
    for h in town.homes[done.id]:
        await log_visit(db, h, done, "2026-W47")
    await log_visit(db, town.homes[half.id][0], half, "2026-W47", outcome="needs_help")
    await log_visit(db, town.homes[none.id][0], none, "2026-W46")  # last week's does not count
    clock.set(at(2026, 11, 20, 18, 0))
    await run_due(core, jobs=VISITS)
    reminders = {r.chat_id: r for r in await rows(db, "visit-reminder")}
    assert set(reminders) == {half.tg_user_id, none.tg_user_id}
    assert button_data(reminders[half.tg_user_id]) == [f"visit:log:{town.homes[half.id][1].id}"]
    assert len(button_data(reminders[none.tg_user_id])) == 2

    [overview] = await rows(db, "visit-overview")
    text = payload(overview)["text"]
    assert overview.chat_id == town.leader.tg_user_id
    assert "3/6" in text and "志愿者1 2/2" in text and "志愿者3 0/2" in text
    assert text.index("志愿者3") < text.index("志愿者1")  # who still has visits to log comes first
    assert "1 户需要帮助" in text


async def test_english_volunteers_get_english(core, clock, db):
    town = await seed_town(db, volunteers=2, english=(1,))
    clock.set(at(2026, 11, 20, 8, 0))
    await run_due(core, jobs=VISITS)
    texts = {r.chat_id: payload(r)["text"] for r in await rows(db, "visit-list")}
    assert "Friday door visits" in texts[town.vols[1].tg_user_id]
    assert "周五入户" in texts[town.vols[0].tg_user_id]


async def test_only_approved_reachable_volunteers_with_live_pairings_get_a_list(core, clock, db):
    town = await seed_town(db, volunteers=4, homes_each=1)
    ok, blocked, unpaired, erased = town.vols
    newbie = await pending_volunteer(db, town.grid.id, 77_001)
    h = await f.household(db, town.grid.id)
    await f.pair(db, newbie.id, h.id)
    async with db.session() as s:
        await s.execute(update(Person).where(Person.id == blocked.id).values(blocked_bot=True))
        await s.execute(update(Pairing).where(Pairing.volunteer_id == unpaired.id).values(active=False))
        await s.execute(
            update(Household).where(Household.id == town.homes[erased.id][0].id).values(erased_at=clock.now())
        )
    clock.set(at(2026, 11, 20, 8, 0))
    await run_due(core, jobs=VISITS)
    assert await keys(db, "visit-list") == [f"visit-list:{ok.id}:2026-W47"]


async def test_a_long_list_is_cut_with_a_pointer_to_visits_and_markup_is_escaped(core, clock, db):
    town = await seed_town(db, volunteers=1, homes_each=0)
    v = town.vols[0]
    for i in range(25):
        h = await f.household(db, town.grid.id, f"<b>楼</b> {i}" + "长" * 40)
        await f.pair(db, v.id, h.id)
    clock.set(at(2026, 11, 20, 8, 0))
    await run_due(core, jobs=VISITS)
    [row] = await rows(db, "visit-list")
    text = payload(row)["text"]
    assert len(button_data(row)) == 20 and "还有 5 户" in text and "/visits" in text
    assert "<b>楼</b>" not in text and "&lt;b&gt;楼&lt;/b&gt;" in text
    assert all(len(b["label"]) <= 40 for line in payload(row)["buttons"] for b in line)
    assert len(text) < 4096


async def _event(db, town, starts, title="义剪", kind=EventKind.event) -> Event:
    async with db.session() as s:
        e = Event(
            community_id=town.community.id,
            grid_id=town.grid.id,
            title=title,
            place="社区活动室",
            starts_at=starts.astimezone(UTC),
            kind=kind.value,
        )  # SQLite keeps no offset: store UTC
        s.add(e)
        await s.flush()
        return e


async def _signup(db, event, person, created, status="signed") -> None:
    async with db.session() as s:
        s.add(EventSignup(event_id=event.id, volunteer_id=person.id, status=status, created_at=created.astimezone(UTC)))


async def test_event_reminders_the_day_before_and_an_hour_before(core, clock, db):
    town = await seed_town(db, volunteers=3, homes_each=0)
    early, withdrawn, late = town.vols
    starts = at(2026, 11, 21, 9, 0)
    e = await _event(db, town, starts)
    await _signup(db, e, early, at(2026, 11, 18, 10, 0))
    await _signup(db, e, withdrawn, at(2026, 11, 18, 10, 0), status="withdrawn")
    await _signup(db, e, late, at(2026, 11, 20, 12, 0))  # after the day-before reminder was due
    jobs = [event_jobs.DAY_JOB, event_jobs.HOUR_JOB]

    clock.set(at(2026, 11, 20, 8, 59))
    await run_due(core, jobs=jobs)
    assert await keys(db, "event-") == []
    clock.set(at(2026, 11, 20, 14, 0))  # late (downtime) but within the window
    await run_due(core, jobs=jobs)
    [day] = await rows(db, "event-reminder-day")
    assert day.chat_id == early.tg_user_id and payload(day)["silent"] is True
    assert "明天" in payload(day)["text"] and "义剪" in payload(day)["text"] and "09:00" in payload(day)["text"]

    clock.set(at(2026, 11, 21, 8, 0))
    await run_due(core, jobs=jobs)
    await run_due(core, jobs=jobs)
    hour = await rows(db, "event-reminder-hour")
    assert sorted(r.chat_id for r in hour) == sorted([early.tg_user_id, late.tg_user_id])
    assert all(payload(r)["silent"] is False for r in hour)  # this one rings
    assert len(await rows(db, "event-reminder-day")) == 1


async def test_a_moved_event_is_reminded_again_and_a_cancelled_one_not_at_all(core, clock, db):
    town = await seed_town(db, volunteers=1, homes_each=0)
    v = town.vols[0]
    moved = await _event(db, town, at(2026, 11, 21, 9, 0))
    cancelled = await _event(db, town, at(2026, 11, 21, 10, 0), title="取消的活动")
    for e in (moved, cancelled):
        await _signup(db, e, v, at(2026, 11, 1, 9, 0))
    async with db.session() as s:
        await s.execute(update(Event).where(Event.id == cancelled.id).values(cancelled=True))
    clock.set(at(2026, 11, 20, 9, 30))
    await run_due(core, jobs=[event_jobs.DAY_JOB])
    async with db.session() as s:
        await s.execute(
            update(Event).where(Event.id == moved.id).values(starts_at=at(2026, 11, 22, 9, 0).astimezone(UTC))
        )
    clock.set(at(2026, 11, 21, 9, 30))
    await run_due(core, jobs=[event_jobs.DAY_JOB])
    got = await keys(db, "event-reminder-day")
    assert len(got) == 2 and all(k.startswith(f"event-reminder-day:{moved.id}:{v.id}:") for k in got)


async def test_the_service_day_is_announced_the_day_before_to_approved_volunteers(core, clock, db):
    town = await seed_town(db, volunteers=2, homes_each=0, english=(1,))
    await pending_volunteer(db, town.grid.id, 77_002)
    await _event(db, town, at(2026, 12, 7, 10, 0), title="红色服务日·义诊", kind=EventKind.service_day)
    clock.set(at(2026, 12, 6, 8, 59))  # first Monday of December is the 7th; announced on the 6th at 09:00
    await run_due(core, jobs=[service_day.JOB])
    assert await keys(db, "service-day") == []
    clock.set(at(2026, 12, 6, 9, 0))
    await run_due(core, jobs=[service_day.JOB])
    await run_due(core, jobs=[service_day.JOB])
    got = {r.chat_id: payload(r)["text"] for r in await rows(db, "service-day")}
    assert set(got) == {v.tg_user_id for v in town.vols}
    assert "红色服务日·义诊" in got[town.vols[0].tg_user_id] and "/events" in got[town.vols[0].tg_user_id]
    assert "Red service day" in got[town.vols[1].tg_user_id]


async def test_a_service_day_that_has_begun_is_not_announced_any_more(core, clock, db):
    await seed_town(db, volunteers=1, homes_each=0)
    clock.set(at(2026, 12, 7, 9, 1))
    await run_due(core, jobs=[service_day.JOB])
    assert await keys(db, "service-day") == []


async def test_the_friday_list_reaches_the_volunteer_through_telegram(world):
    vol = world.volunteers[0]
    for user in (vol, world.leader):  # they have talked to the bot before (Telegram requires it)
        await user.send("/start")
        await user.reply()
    clock = FakeClock(at(2026, 11, 20, 8, 0))
    live = world.bot.core
    core = Core(db=live.db, notifier=live.notifier, clock=clock, cfg=live.cfg)
    await run_due(core, jobs=VISITS)
    msg = await vol.reply(contains="周五入户")
    assert [b["callback_data"] for b in buttons_of(msg)] == [f"visit:log:{world.household.id}"]
    assert "幸福里 3 栋 2 单元 401" in text_of(msg)
    clock.advance(hours=10)  # 18:00: nothing logged, so a reminder and the leader's overview
    await run_due(core, jobs=VISITS)
    assert "还有入户没有记录" in text_of(await vol.reply(contains="还有入户"))
    overview = await world.leader.reply(contains="周五入户概况")
    assert "张志愿 0/1" in text_of(overview)
    vid = world.volunteer_people[0].id
    assert all("幸福里" not in text_of(m) for m in await world.sb.bot_messages(world.volunteer_group))
    await run_due(core, jobs=VISITS)  # a second scheduler tick queues nothing new
    got = await keys(live.db, "visit-")
    assert len(got) == 3 and f"visit-list:{vid}:2026-W47" in got and f"visit-reminder:{vid}:2026-W47" in got
    assert sum(1 for m in await world.sb.bot_messages(vol.id) if "入户" in text_of(m)) == 2
