"""双报告 on demand: a unit's contact sends /unit and asks for last month's report, or this month's
so far, with a button: it comes as the monthly one does (the text and the spreadsheet), each time
they ask. Nobody else can ask for it, with a forged or an old button."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, update

from storage.models import OutboxMessage, Unit
from tests.support.clocks import DayClock
from tests.support.harness import buttons_of, text_of
from tests.support.town import SHANGHAI
from tests.support.waiting import settle

from .test_unit_reports import seed


@pytest.fixture
def bot_clock() -> DayClock:
    return DayClock(datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI))


async def asked_reports(db) -> list[OutboxMessage]:
    async with db.session() as s:
        return list(
            (await s.execute(select(OutboxMessage).where(OutboxMessage.key.startswith("unit-report-asked:")))).scalars()
        )


async def test_the_contact_asks_for_last_months_report_and_this_months_so_far_in_chinese(bot):
    db = bot.core.db
    await seed(db, contact_lang="zh-hans")
    contact = await bot.user(5001, "Bob")
    await contact.send("/unit")
    roster = await contact.reply()
    assert "每月 1 日自动发送上月报告" in text_of(roster)
    assert [b["text"] for b in buttons_of(roster)][-2:] == ["📋 上月报告", "📋 本月至今"]

    answer = await contact.press("上月报告")
    assert answer["text"] == "📋 区税务局 2026-11 的报告马上发到这里。"
    doc = await contact.reply(contains="区税务局")
    assert "2026-11 成员服务情况" in doc["caption"] and "确认积分 19 分" in doc["caption"]
    assert doc["document"]["file_name"].endswith("-2026-11.xlsx")

    answer = await contact.press("本月至今", message=roster)
    assert answer["text"] == "📋 区税务局 2026-12（截至今天）的报告马上发到这里。"
    doc = await contact.reply(contains="2026-12")
    assert "确认积分 0 分" in doc["caption"] and doc["document"]["file_name"].endswith("-2026-12.xlsx")
    await settle(bot)
    assert len(await asked_reports(db)) == 2


async def test_in_english_and_nobody_but_the_contact_as_it_is_now(bot):
    db = bot.core.db
    unit_id = await seed(db, contact_lang="en")
    contact = await bot.user(5001, "Bob", lang="en")
    await contact.send("/unit")
    roster = await contact.reply()
    assert "The report of each month (双报告) comes on the 1st" in text_of(roster)
    answer = await contact.press("Last month's report")
    assert answer["text"] == "📋 区税务局's report for 2026-11 is on its way to this chat."
    assert "members' service in 2026-11" in (await contact.reply(contains="区税务局"))["caption"]

    member = await bot.user(2001, "张三")  # a member of the unit, not its contact: a forged press
    await member.send("/start")
    await member.reply()
    answer = await member.press("x", message=await member.last(), data=f"unit:rep:{unit_id}:0", force=True)
    assert answer["show_alert"] and "只有单位联系人" in answer["text"]

    async with db.session() as s:  # the admin names another contact: Bob's old button sends nothing
        await s.execute(update(Unit).where(Unit.id == unit_id).values(contact_id=None))
    answer = await contact.press("Last month's report", message=roster)
    assert answer["show_alert"] and "Only the unit's contact person" in answer["text"]
    await settle(bot)
    assert len(await asked_reports(db)) == 1
