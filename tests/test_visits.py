"""Friday door visits end to end through the sandbox: the list, logging from buttons, red flags,
turning a visit into a request, refusals, and what a second press does."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import DoorVisit, HelpRequest, OutboxMessage, PointsEntry
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of


async def _visits(db, household_id=None):
    async with db.session() as s:
        stmt = select(DoorVisit)
        if household_id is not None:
            stmt = stmt.where(DoorVisit.household_id == household_id)
        return list((await s.execute(stmt)).scalars())


async def _points(db, ref_prefix="visit:"):
    async with db.session() as s:
        return list((await s.execute(select(PointsEntry).where(PointsEntry.ref.startswith(ref_prefix)))).scalars())


async def _log(vol, household_id, outcome_label, note=None):
    """/visits, press the household's log button, then an outcome (and type the note if given)."""
    await vol.send("/visits")
    await vol.reply()
    await vol.press(f"visit:log:{household_id}")
    await vol.reply(contains=f"#{household_id}")
    await vol.press(outcome_label)
    await vol.reply(edited=True)
    if note is None:
        return
    await vol.send(note)


async def test_visits_lists_paired_household_with_buttons_in_private(world):
    vol = world.volunteers[0]
    await vol.send("/visits")
    msg = await vol.reply()
    assert "幸福里 3 栋 2 单元 401" in text_of(msg) and "本周还未记录" in text_of(msg)
    data = [b["callback_data"] for b in buttons_of(msg)]
    assert f"visit:log:{world.household.id}" in data and f"visit:info:{world.household.id}" in data
    await vol.press(f"visit:info:{world.household.id}")
    details = await vol.reply(contains="独居老人")
    assert "王奶奶" in text_of(details)


async def test_visits_in_a_group_never_shows_an_address(world):
    vol = world.volunteers[0]
    await vol.send("/visits", chat=world.volunteer_group)
    msg = await vol.reply(chat=world.volunteer_group)
    assert "私聊" in text_of(msg)
    assert all("幸福里" not in t for t in await vol.texts(world.volunteer_group))


async def test_log_met_with_note_earns_points_once_and_second_log_is_refused(world):
    vol, hh = world.volunteers[0], world.household
    await _log(vol, hh.id, "见到了", note="身体不错，聊了半小时")
    done = await vol.reply(contains="已记录")
    assert "红色积分 +3" in text_of(done)
    # the same household again this week: refused, nothing changes
    await vol.send("/visits")
    listed = await vol.reply()
    assert "本周已记录" in text_of(listed)
    answer = await vol.press(f"visit:log:{hh.id}")
    assert answer["show_alert"] and "已经记录过了" in answer["text"]
    visits = await _visits(world.db, hh.id)
    assert len(visits) == 1 and visits[0].outcome == "met" and visits[0].note == "身体不错，聊了半小时"
    assert [p.points for p in await _points(world.db)] == [3]


async def test_skip_note_with_the_button(world):
    vol, hh = world.volunteers[0], world.household
    await _log(vol, hh.id, "不在家")
    await vol.press("不写备注")
    await vol.reply(contains="已记录")
    [v] = await _visits(world.db, hh.id)
    assert v.outcome == "not_home" and v.note == ""


async def test_needs_help_red_flags_alert_the_leader_privately_and_urgently(world):
    vol, hh, leader = world.volunteers[0], world.household, world.leader
    await leader.send("/start")  # Telegram: a bot can only write to people who started it
    await leader.reply()
    await _log(vol, hh.id, "需要帮助", note="老人昨晚摔了一跤")
    await vol.reply(contains="红色预警")
    await vol.press("摔倒")
    await vol.press("缺少食物")
    await vol.press("缺少食物")  # toggled off again
    await vol.press("没有取暖")
    await vol.press("选好了")
    await vol.press("不用转需求")
    done = await vol.reply(contains="已记录")
    assert "红色预警已发送给网格长" in text_of(done)
    alert = await leader.reply(contains="入户走访红色预警")
    assert "摔倒" in text_of(alert) and "没有取暖" in text_of(alert) and "缺少食物" not in text_of(alert)
    assert "幸福里 3 栋 2 单元 401" in text_of(alert)  # the leader needs the address, in private
    [v] = await _visits(world.db, hh.id)
    assert v.red_flags == "fall,no_heating" and v.request_id is None
    async with world.db.session() as s:
        rows = list(
            (await s.execute(select(OutboxMessage).where(OutboxMessage.key.startswith("visit-flag:")))).scalars()
        )
    assert [r.chat_id for r in rows] == [1001] and rows[0].urgent
    for group in (world.volunteer_group, world.resident_group):
        assert all("幸福里" not in t for t in await vol.texts(group))


async def test_needs_help_turned_into_a_request_enters_the_request_loop(world):
    vol, hh = world.volunteers[0], world.household
    await _log(vol, hh.id, "需要帮助")
    await vol.press("不写备注")
    await vol.press("选好了")
    await vol.press("代买代办")
    await vol.reply(contains="需要什么帮助", edited=True)
    await vol.send("帮忙买一周的米和菜")
    done = await vol.reply(contains="已记录")
    assert "求助单" in text_of(done)
    [v] = await _visits(world.db, hh.id)
    async with world.db.session() as s:
        req = await s.get(HelpRequest, v.request_id)
    assert req is not None and req.source == "visit" and req.household_id == hh.id
    assert req.category == "errands" and "米和菜" in req.summary
    card = await world.sb.wait_bot_message(world.volunteer_group, contains=req.code, since=0)
    assert "幸福里" not in text_of(card)  # the card in the group never shows the address


async def test_forged_log_of_a_household_not_paired_with_you_is_refused(world):
    other = world.volunteers[1]  # 2002 is not paired with the household
    await other.send("/visits")
    await other.reply()
    answer = await other.press("x", data=f"visit:log:{world.household.id}", force=True)
    assert answer["show_alert"] and "没有与您结对" in answer["text"]
    answer = await other.press("x", data=f"visit:info:{world.household.id}", force=True)
    assert answer["show_alert"] and "没有与您结对" in answer["text"]
    assert await _visits(world.db) == []
    assert all("幸福里" not in t for t in await other.texts())


async def test_stale_outcome_button_for_another_household_changes_nothing(world):
    vol, hh = world.volunteers[0], world.household
    await vol.send("/visits")
    await vol.reply()
    await vol.press(f"visit:log:{hh.id}")
    await vol.reply(contains=f"#{hh.id}")
    answer = await vol.press("x", data=f"visit:out:{hh.id + 99}:met", force=True)
    assert answer["show_alert"]
    assert await _visits(world.db) == []


async def test_absurd_notes_are_refused_clearly_and_nothing_is_stored(world):
    vol, hh = world.volunteers[0], world.household
    await _log(vol, hh.id, "见到了", note="很" * 10_000)
    assert "最多 1000 字" in text_of(await vol.reply())
    await vol.send("\u202eevil")
    assert "最多 1000 字" in text_of(await vol.reply())
    assert await _visits(world.db) == []
    await vol.send("<b>hi</b> '; DROP TABLE door_visit; --")
    done = await vol.reply(contains="已记录")
    assert "已记录" in text_of(done)
    [v] = await _visits(world.db, hh.id)
    assert v.note == "<b>hi</b> '; DROP TABLE door_visit; --"


async def test_ledger_for_the_volunteer_and_the_leader_but_not_another_grid(world):
    vol, hh, leader = world.volunteers[0], world.household, world.leader
    await _log(vol, hh.id, "见到了", note="一切安好")
    await vol.reply(contains="已记录")
    await vol.press(f"visit:ledger:{world.household.id}", data=f"visit:ledger:{hh.id}", force=True)
    book = await vol.reply(contains="民情台账")
    assert "一切安好" in text_of(book) and "张志愿" in text_of(book)
    await leader.send("/ledger")
    pick = await leader.reply(contains="民情台账")
    await leader.press(f"visit:ledger:{hh.id}", message=pick)
    book = await leader.reply(contains="走访记录：1 次")
    assert "一切安好" in text_of(book)
    outsider = await world.bot.user(1002, "赵网格长")
    await outsider.send("/ledger")
    assert "没有您可查看的民情台账" in text_of(await outsider.reply())
    answer = await outsider.press("x", data=f"visit:ledger:{hh.id}", force=True)
    assert answer["show_alert"] and "网格长可以查看" in answer["text"]
    await outsider.send(f"/ledger {hh.id}")
    assert "网格长可以查看" in text_of(await outsider.reply())


async def test_english_volunteer_logs_a_visit(world):
    db = world.db
    alice = await world.bot.user(2201, "Tom", lang="en")
    p = await f.person(db, 2201, "Tom", grid_id=world.grid_a.id, language="en")
    await f.volunteer(db, p.id, world.grid_a.id)
    hh = await f.household(db, world.grid_a.id, "12 River Road, flat 3", members="Mr Li")
    await f.pair(db, p.id, hh.id)
    await alice.send("/visits")
    listed = await alice.reply()
    assert "Your households" in text_of(listed) and "12 River Road" in text_of(listed)
    await _log(alice, hh.id, "Met them", note="All fine, needs a new light bulb soon")
    done = await alice.reply(contains="logged")
    assert "Red points +3: 3 for the door visit" in text_of(done)
    async with db.session() as s:
        n = await s.scalar(select(func.count()).select_from(DoorVisit).where(DoorVisit.household_id == hh.id))
    assert n == 1


async def test_the_friday_list_button_opens_the_visit_log(world):
    from bot.services.kernel.life_common import iso_week
    from bot.services.visits.reminders import send_visit_lists

    vol, hh = world.volunteers[0], world.household
    await vol.send("/start")
    await vol.reply()
    week = iso_week(world.bot.core.clock.now(), "Asia/Shanghai")
    assert await send_visit_lists(world.bot.core, world.community.id, week) >= 1
    friday = await vol.reply(contains="周五入户")
    await vol.press(f"visit:log:{hh.id}", message=friday)
    await vol.reply(contains=f"走访住户 #{hh.id}")
    await vol.press("不在家")
    await vol.press("不写备注")
    await vol.reply(contains="已记录")
    assert [v.outcome for v in await _visits(world.db, hh.id)] == ["not_home"]
    after = await vol.last(with_button=f"visit:log:{hh.id}")
    assert after["message_id"] == friday["message_id"]  # the Friday list itself stays as it was


async def test_a_lost_draft_ends_the_log_clearly_without_storing_anything(world):
    from sqlalchemy import delete

    from storage.models import UserData

    vol, hh = world.volunteers[0], world.household
    await _log(vol, hh.id, "见到了")
    from tests.support.waiting import settle

    await settle(world)  # the outcome press is fully handled and its draft written
    async with world.db.session() as s:  # the draft is gone (e.g. erased by /forgetme meanwhile)
        await s.execute(delete(UserData).where(UserData.tg_user_id == vol.id))
    world.bot.app.user_data[vol.id].clear()
    await vol.send("一切正常")
    assert "已结束" in text_of(await vol.reply())
    assert await _visits(world.db) == []
