"""The /request conversation through the sandbox: entries, every step's refusals, /cancel, groups."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from storage.models import HelpRequest, Person
from tests.support.clocks import DayClock
from tests.support.harness import buttons_of, text_of


@pytest.fixture
def bot_clock() -> DayClock:
    """The bot on Wednesday 18 November 2026: the dates typed below are ahead of it."""
    return DayClock(datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))


def labels(message) -> set[str]:
    return {b["text"] for b in buttons_of(message)}


async def count(w):
    async with w.db.session() as s:
        return await s.scalar(select(func.count()).select_from(HelpRequest))


async def to_summary(user):
    await user.send("/request")
    await user.reply(contains="1")
    await user.press("维修")
    await user.reply(contains="2")


async def test_in_a_group_request_only_offers_the_private_chat(world):
    w = world
    await w.resident.send("/request", chat=w.resident_group)
    msg = await w.resident.reply(chat=w.resident_group)
    urls = [b.get("url") for b in buttons_of(msg)]
    assert "私聊" in text_of(msg) and any(u and u.endswith("?start=req") for u in urls)
    await w.resident.send("@" + (await w.sb.bot())["username"] + " 厨房漏水", chat=w.resident_group)
    assert await count(w) == 0
    assert all("第 2 步" not in t for t in await w.resident.texts(w.resident_group))


async def test_deep_link_and_menu_button_start_the_conversation(world):
    w = world
    await w.resident.send("/start req")
    assert "第 1 步" in text_of(await w.resident.reply())
    await w.resident.send("/cancel")
    await w.resident.reply(contains="已退出")
    await w.resident.send("/start")
    menu = await w.resident.reply()
    await w.resident.press("求助", message=menu)
    assert "第 1 步" in text_of(await w.resident.reply())


async def test_a_resident_without_a_grid_chooses_it_inside_the_request_and_goes_on(world):
    w = world
    newcomer = await w.bot.user(3100, "新来的")
    await newcomer.send("/request")
    choose = await newcomer.reply()
    assert "先选一下您住的地方" in text_of(choose) and {"第一网格", "第二网格"} <= labels(choose)
    for absurd in ("第一网格", "🏠", "<i>x</i>", "'; DROP TABLE person; --", "修" * 10000):
        await newcomer.send(absurd)
        hint = await newcomer.reply(contains="请点下面的按钮")
        assert "/cancel" in text_of(hint)
        assert {"第一网格", "第二网格"} <= labels(await newcomer.reply(contains="先选一下"))
    async with w.db.session() as s:
        assert (await s.execute(select(Person.grid_id).where(Person.tg_user_id == 3100))).scalar() is None
    await newcomer.press("第一网格")
    assert "第一网格" in text_of(await newcomer.reply(contains="第 1 步", edited=True))
    await newcomer.press("代买代办")
    await newcomer.reply(contains="第 2 步")
    await newcomer.send("帮忙取药")
    await newcomer.press("今天", message=await newcomer.reply(contains="第 3 步"))
    await newcomer.reply(contains="第 4 步")
    await newcomer.send("5 栋 101")
    await newcomer.reply(contains="第 5 步")
    await newcomer.send("💬 只通过机器人联系")
    await newcomer.press("发送", message=await newcomer.reply(contains="请核对"))
    await newcomer.reply(contains="A-0001")
    assert "帮忙取药" in text_of(await w.sb.wait_bot_message(w.volunteer_group, contains="A-0001"))
    await newcomer.send("/request")  # the grid is remembered
    assert "第一网格" in text_of(await newcomer.reply(contains="第 1 步"))


async def test_an_english_newcomer_chooses_a_grid_inside_the_request(world):
    w = world
    bob = await w.bot.user(3101, "Bob", lang="en")
    await bob.send("/request")
    choose = await bob.reply()
    assert "First choose where you live" in text_of(choose)
    await bob.send("Grid one please")
    assert "/cancel" in text_of(await bob.reply(contains="Please choose your community and grid"))
    await bob.press("第二网格", message=await bob.reply(contains="First choose"))
    assert "第二网格" in text_of(await bob.reply(contains="Step 1", edited=True))
    await bob.press("Errands")
    await bob.reply(contains="Step 2")
    await bob.send("Carry my shopping")
    await bob.press("This week", message=await bob.reply(contains="Step 3"))
    await bob.reply(contains="Step 4")
    await bob.send("Block 9")
    await bob.reply(contains="Step 5")
    await bob.send("💬 Only through the bot")
    await bob.press("Send", message=await bob.reply(contains="Please check"))
    await bob.reply(contains="A-0001")
    await w.sb.wait_bot_message(w.other_group, contains="A-0001")


@pytest.mark.parametrize("step", range(6))
async def test_cancel_works_at_every_step_and_nothing_is_sent(world, step):
    w, u = world, world.resident
    actions = [
        lambda: u.press("维修"),
        lambda: u.send("修水管"),
        lambda: u.press("今天"),
        lambda: u.send("3 栋 401"),
        lambda: u.send("💬 只通过机器人联系"),
    ]
    await u.send("/request")
    await u.reply()
    for act in actions[:step]:
        await act()
        await u.reply()
    await u.send("/cancel")
    assert "什么也没有发送" in text_of(await u.reply(contains="已退出"))
    await u.send("修水管")  # the conversation is over: this is not taken as a step
    assert "步" not in text_of(await u.reply())
    assert await count(w) == 0
    assert not await w.sb.bot_messages(w.volunteer_group)


async def test_each_step_refuses_bad_input_and_asks_again(world):
    w, u = world, world.resident
    await u.send("/request")
    await u.reply()
    await u.send("我要修东西")  # typed instead of a category button
    assert "按钮" in text_of(await u.reply())
    await u.press("维修", message=await u.last(with_button="维修"))
    await u.reply()
    for bad, hint in [("   ", "至少"), ("修" * 600, "太长"), ("\u200b", "至少")]:
        await u.send(bad)
        assert hint in text_of(await u.reply()), bad
    await u.share_contact("13800001111")
    assert "文字" in text_of(await u.reply())
    await u.send("<b>水管</b> '; DROP TABLE help_request; -- 🚰")
    await u.reply(contains="3")
    await u.press("选个日期")
    await u.reply()
    for bad, hint in [("下个月吧", "看不懂"), ("2020-01-01", "过去"), ("2-30", "没有这一天"), ("11-17", "过去")]:
        await u.send(bad)
        assert hint in text_of(await u.reply()), bad
    await u.send("11月20日")
    await u.reply(contains="地址")
    await u.send("x")
    assert "地址" in text_of(await u.reply())
    await u.send("3 栋 401")
    await u.reply(contains="联系")
    await u.send("随便写写")
    assert "分享我的手机号" in text_of(await u.reply())
    await u.send("138-0000-2222")
    confirm = await u.reply(contains="请核对")
    body = text_of(confirm)
    assert "<b>水管</b> '; DROP TABLE help_request; -- 🚰" in body and "13800002222" in body and "11月20日" in body
    await u.send("好了吗")
    assert "发送" in text_of(await u.reply())
    await u.press("发送", message=confirm)
    await u.reply(contains="A-0001")
    card = text_of(await w.sb.wait_bot_message(w.volunteer_group, contains="A-0001"))
    assert "<b>水管</b>" in card and "13800002222" not in card and "3 栋 401" not in card


async def test_someone_elses_contact_is_refused(world):
    w, u = world, world.resident
    await to_summary(u)
    await u.send("修水管")
    await u.reply()
    await u.press("今天")
    await u.reply()
    await u.send("3 栋 401")
    await u.reply(contains="联系")
    await u._mark()
    state = w.sb.state
    user = state.users[u.id]
    rec = state.new_message(
        u.id,
        user,
        {"contact": {"phone_number": "13999999999", "first_name": "邻居", "user_id": 4242}},
        event="user_contact",
        from_bot=False,
    )
    state._deliver_user_message(u.id, rec)
    assert "别人的联系人" in text_of(await u.reply())
    await u.share_contact("13800003333")
    confirm = await u.reply(contains="请核对")
    assert "13800003333" in text_of(confirm) and "13999999999" not in text_of(confirm)


async def test_a_leader_sets_several_volunteers_and_the_card_asks_for_all_of_them(world):
    w, lead = world, world.leader
    await lead.send("/request")
    await lead.reply()
    await lead.press("搬运")
    await lead.reply()
    await lead.send("帮 5 栋王奶奶搬家")
    await lead.reply()
    await lead.press("本周内")
    await lead.reply()
    await lead.send("5 栋 302")
    await lead.reply()
    await lead.send("13800004444")
    await lead.reply(contains="几位志愿者")
    for bad in ("0", "99", "四个"):
        await lead.send(bad)
        assert "1 到 20" in text_of(await lead.reply()), bad
    await lead.send("4")
    confirm = await lead.reply(contains="请核对")
    assert "4 位" in text_of(confirm)
    await lead.press("发送", message=confirm)
    await lead.reply(contains="A-0001")
    card = await w.sb.wait_bot_message(w.volunteer_group, contains="A-0001")
    assert "还差 4 人" in text_of(card) and "搬运" in text_of(card)


async def test_start_over_restarts_from_the_first_step(world):
    w, u = world, world.resident_en
    await u.send("/request")
    await u.reply()
    await u.press("Health")
    await u.reply()
    await u.send("Blood pressure check")
    await u.reply()
    await u.send("11-20")  # a date typed instead of a button
    await u.reply(contains="address")
    await u.send("Block 5")
    await u.reply()
    await u.send("💬 Only through the bot")
    confirm = await u.reply(contains="Please check")
    assert "20 Nov" in text_of(confirm)
    await u.press("Start over", message=confirm)
    assert "Step 1" in text_of(await u.reply(contains="Step 1"))
    assert await count(w) == 0


async def test_the_draft_survives_a_restart_of_the_bot(world):
    """Conversation state and draft live in the database (persistent=True)."""
    w, u = world, world.resident
    await to_summary(u)
    await u.send("修水管")
    await u.reply(contains="3")
    from bot.app import build_application, start_running, stop_running

    await stop_running(w.bot.app)
    # on the same clock: a conversation idle past bot.conversation_idle_minutes would end
    app = build_application(w.bot.core.cfg, w.db, w.bot.core.clock, run_scheduler=False)
    await start_running(app, poll_timeout=1)
    try:
        await u.press("今天", message=await u.last(with_button="今天"))
        assert "第 4 步" in text_of(await u.reply())
    finally:
        await stop_running(app)
