"""💬 The resident and the volunteer talk through the bot, without sharing usernames or phones."""

import pytest

from bot.services.kernel.errors import Conflict, NotAllowed
from bot.services.kernel.roles import Actor
from bot.services.requests import relay
from bot.services.requests.claiming import claim_task
from bot.services.requests.intake import RequestDraft, create_request
from bot.services.requests.ratings import confirm_outcome
from bot.services.requests.tasks import report_done
from tests.support.harness import buttons_of, text_of

RESIDENT = Actor(3001, "王奶奶", language="zh-hans")
VOL = Actor(2001, "张志愿", language="zh-hans")


async def setup(w):
    for u in (w.resident, *w.volunteers[:2]):
        await u.send("/start")
        await u.reply()
    req = await create_request(w.bot.core, RESIDENT, RequestDraft("errands", "帮忙买药", "today", None, "3 栋 401"))
    await claim_task(w.bot.core, VOL, req.id)
    return req


async def test_volunteer_and_resident_message_each_other_through_the_bot(world):
    w = world
    req = await setup(w)
    vol = w.volunteers[0]
    details = await vol.reply(contains="3 栋 401")
    assert "通过机器人联系" in text_of(details)  # no phone given: the bot is the way
    await vol.press("给居民留言", message=details)
    await vol.reply(contains="王奶奶")
    await vol.send("我十分钟后到，<b>请开门</b>")
    assert "已转给" in text_of(await vol.reply(contains="已转给"))
    got = await w.resident.reply(contains="十分钟后到")
    body = text_of(got)
    assert req.code in body and "张志愿" in body and "<b>请开门</b>" in body  # shown literally
    assert "13800000001" not in body  # the volunteer's phone stays private
    await w.resident.press("回复", message=got)
    await w.resident.reply(contains="张志愿")
    await w.resident.send("好的，谢谢！")
    await w.resident.reply(contains="已转给")
    back = await vol.reply(contains="好的，谢谢")
    assert "王奶奶" in text_of(back) and any("回复" in b["text"] for b in buttons_of(back))


async def test_only_text_passes_and_cancel_leaves_relay_mode(world):
    w = world
    await setup(w)
    vol = w.volunteers[0]
    details = await vol.reply(contains="3 栋 401")
    await vol.press("给居民留言", message=details)
    await vol.reply(contains="王奶奶")
    await vol.share_contact("13800000001")
    assert "只能转发文字" in text_of(await vol.reply())
    await vol.send("/cancel")
    assert "没有发送" in text_of(await vol.reply())
    await vol.send("随便说一句")
    assert "没有发送" not in text_of(await vol.reply())
    assert not any("随便说一句" in t for t in await w.resident.texts())


async def test_outsiders_cannot_open_a_relay_and_it_ends_when_the_task_closes(world):
    w = world
    req = await setup(w)
    other = w.volunteers[1]
    answer = await other.press("x", data=f"relay:open:{req.id}", message=await other.last(), force=True)
    assert answer["show_alert"] and "只有这条求助" in answer["text"]
    with pytest.raises(NotAllowed):
        await relay.open_relay(w.bot.core, Actor(3002, "Alice"), req.id, w.volunteer_people[0].id)
    target = await relay.open_relay(w.bot.core, RESIDENT, req.id, w.volunteer_people[0].id)
    assert target.counterpart == "张志愿" and not target.to_resident
    await report_done(w.bot.core, VOL, req.id, "1", None)
    await confirm_outcome(w.bot.core, RESIDENT, req.id, "done")
    with pytest.raises(Conflict):
        await relay.relay_message(w.bot.core, VOL, req.id, None, "还在吗？", "x:1")
    details = await w.sb.wait_bot_message(2001, contains="3 栋 401", since=0)
    late = await w.volunteers[0].press("给居民留言", message=details)
    assert late["show_alert"] and "已结束" in late["text"]
