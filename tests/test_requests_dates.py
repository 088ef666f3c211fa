"""The day of a request, through the sandbox, with the bot on Friday 4 December 2026 (Shanghai):
a day in the past is refused and asked again with Today / Tomorrow; a day in another year shows its
year wherever the request is shown; the prompts' example dates are counted from the bot's today."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from storage.models import HelpRequest
from tests.support.clocks import DayClock
from tests.support.harness import buttons_of, text_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def bot_clock() -> DayClock:
    return DayClock(datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI))


async def to_when(user, lang="zh-CN"):
    """/request up to step 3 (when); returns step 3's message."""
    zh = lang == "zh-CN"
    await user.send("/request")
    await user.reply(contains="1")
    await user.press("维修" if zh else "Repairs")
    await user.reply()
    await user.send("修水管" if zh else "Fix the tap")
    return await user.reply(contains="第 3 步" if zh else "Step 3")


async def to_confirm(user, lang="zh-CN"):
    zh = lang == "zh-CN"
    await user.send("3 栋 401")
    await user.reply(contains="第 5 步" if zh else "Step 5")
    await user.send("💬 只通过机器人联系" if zh else "💬 Only through the bot")
    return await user.reply(contains="请核对" if zh else "Please check")


def labels(message) -> set[str]:
    return {b["text"] for b in buttons_of(message)}


async def requests_stored(w) -> int:
    async with w.db.session() as s:
        return await s.scalar(select(func.count()).select_from(HelpRequest))


async def test_a_day_in_the_past_is_refused_and_asked_again_with_today_and_tomorrow(world):
    w, u = world, world.resident
    await to_when(u)
    await u.send("11月20日")  # typed where the time was asked: 14 days ago, not next November
    refused = await u.reply()
    body = text_of(refused)
    assert "11月20日（周五）已经过去了，今天是12月4日（周五）。" in body and "12-7" in body, body
    assert {"今天", "明天"} <= labels(refused)
    for absurd in ("", "修" * 10000, "🚰🚰", "\u202eמחר", "<b>12-10</b>", "'; DROP TABLE help_request; --"):
        await u.send(absurd or " ")
        again = await u.reply()
        assert "看不懂" in text_of(again) and {"今天", "明天"} <= labels(again), absurd[:20]
    await u.press("明天", message=again)
    await u.reply(contains="第 4 步")
    confirm = await to_confirm(u)
    assert "12月5日（周六）" in text_of(confirm) and "2026" not in text_of(confirm)
    assert await requests_stored(w) == 0


async def test_a_past_day_in_english_is_refused_with_what_to_do(world):
    u = world.resident_en
    await to_when(u, "en")
    await u.press("📅 A date")
    ask = await u.reply(contains="type the date")
    assert "12-7" in text_of(ask) and {"Today", "Tomorrow"} <= labels(ask)
    await u.send("11-20")
    refused = await u.reply()
    body = text_of(refused)
    assert "Fri 20 Nov has already passed: today is Fri 4 Dec." in body and "12-7" in body, body
    assert {"Today", "Tomorrow"} <= labels(refused)
    await u.press("Today", message=refused)
    await u.reply(contains="Step 4")
    assert "When: Today" in text_of(await to_confirm(u, "en"))


async def test_a_day_next_year_shows_its_year_on_the_card_the_task_and_the_lists(world):
    w, u, vol = world, world.resident, world.volunteers[0]
    for someone in (vol, w.leader):
        await someone.send("/start")
        await someone.reply()
    await to_when(u)
    await u.send("1月5日")  # next January: the nearer 5 January
    await u.reply(contains="第 4 步")
    confirm = await to_confirm(u)
    assert "2027年1月5日（周二）" in text_of(confirm)
    await u.press("发送", message=confirm)
    await u.reply(contains="A-0001")
    card = await w.sb.wait_bot_message(w.volunteer_group, contains="A-0001")
    assert "2027年1月5日（周二）" in text_of(card)
    await vol.press("接单", chat=w.volunteer_group, message=card)
    details = await vol.reply(contains="3 栋 401")
    assert "2027年1月5日（周二）" in text_of(details)
    edited = await w.sb.wait_bot_message(w.volunteer_group, contains="张志愿", edited=True)
    assert "2027年1月5日" in text_of(edited)
    await u.send("/my")
    listing = await u.reply(contains="A-0001")
    await u.press("A-0001", message=listing)
    assert "2027年1月5日（周二）" in text_of(await u.reply(edited=True, contains="2027"))
    await w.leader.send("/board")
    board = await w.leader.reply(contains="A-0001")
    assert "2027年1月5日" in text_of(board)


async def test_a_day_next_year_shows_its_year_in_english_and_one_this_year_does_not(world):
    alice = world.resident_en
    await to_when(alice, "en")
    await alice.send("1/5")
    await alice.reply(contains="Step 4")
    confirm = await to_confirm(alice, "en")
    assert "Tue 5 Jan 2027" in text_of(confirm)
    await alice.press("Send", message=confirm)
    await alice.reply(contains="A-0001")
    await alice.send("/my")
    await alice.press("A-0001", message=await alice.reply(contains="A-0001"))
    assert "Tue 5 Jan 2027" in text_of(await alice.reply(edited=True, contains="2027"))
    await to_when(alice, "en")
    await alice.send("12-10")
    await alice.reply(contains="Step 4")
    confirm = text_of(await to_confirm(alice, "en"))
    assert "Thu 10 Dec" in confirm and "2026" not in confirm


async def test_the_example_dates_follow_the_bots_today(world, bot_clock):
    u, alice = world.resident, world.resident_en
    assert "例如 12-7" in text_of(await to_when(u))
    await u.press("📅 选个日期")
    assert "例如 12-7 或 12月7日" in text_of(await u.reply(contains="请输入日期"))
    await u.send("/cancel")
    await u.reply(contains="已退出")
    bot_clock.set(datetime(2027, 3, 10, 9, 0, tzinfo=SHANGHAI))
    assert "例如 3-13" in text_of(await to_when(u))
    await u.send("不知道")
    assert "例如 3-13" in text_of(await u.reply(contains="按钮"))
    assert "for example 3-13" in text_of(await to_when(alice, "en"))


async def test_a_day_that_passed_before_sending_is_asked_again_and_nothing_else_is(world, bot_clock):
    w, u = world, world.resident
    await to_when(u)
    await u.send("12-5")
    await u.reply(contains="第 4 步")
    confirm = await to_confirm(u)
    bot_clock.set(datetime(2026, 12, 6, 9, 0, tzinfo=SHANGHAI))  # the summary waited two days
    await u.press("发送", message=confirm)
    refused = await u.reply(contains="已经过去了")
    assert "今天是12月6日（周日）" in text_of(refused) and {"今天", "明天"} <= labels(refused)
    assert await requests_stored(w) == 0
    await u.press("明天", message=refused)
    again = await u.reply(contains="请核对")  # straight back: address and contact are kept
    assert "12月7日（周一）" in text_of(again) and "3 栋 401" in text_of(again)
    await u.press("发送", message=again)
    await u.reply(contains="A-0001")
    assert "12月7日（周一）" in text_of(await w.sb.wait_bot_message(w.volunteer_group, contains="A-0001"))
