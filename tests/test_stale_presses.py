"""The old buttons people really meet: the request's category buttons once it was sent, a step's
buttons once it was answered, the first run of a conversation begun again, Accept on a task someone
took and on one's own. Each answers in one line, drops its keyboard (but a shared card's, where
others still need it) and changes nothing. (Every codec: test_stale_buttons.py.)"""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import HelpRequest
from tests.support.harness import buttons_of, text_of
from tests.support.stale import post_old_keyboard, snapshot
from tests.support.waiting import settle
from tests.test_tasks_flow import accept, new_request, started


async def requests(w) -> int:
    async with w.db.session() as s:
        return await s.scalar(select(func.count()).select_from(HelpRequest)) or 0


async def message(w, chat: int, message_id: int) -> dict:
    return next(m for m in await w.sb.bot_messages(chat) if m["message_id"] == message_id)


async def stale(w, user, label: str, msg: dict, chat: int | None = None) -> dict:
    """Press `label` on `msg`; the answer, once the bot is done with the press, and nothing changed."""
    await settle(w)
    before = await snapshot(w.db)
    answer = await user.press(label, chat=chat, message=msg)
    await settle(w)
    assert await snapshot(w.db) == before
    text = answer["text"] or ""
    assert text.strip() and "\n" not in text.strip(), answer
    return answer


async def send_request(u) -> dict:
    """The resident's whole conversation; the category question (its keyboard kept in the chat)."""
    await u.send("/request")
    question = await u.reply(contains="1")
    await u.press("维修", message=question)
    await u.reply(contains="2")
    await u.send("厨房水管漏水")
    await u.reply()
    await u.press("今天")
    await u.reply()
    await u.send("3 栋 401")
    await u.reply()
    await u.send("💬 只通过机器人联系")
    await u.press("发送", message=await u.reply(contains="核对"))
    await u.reply(contains="A-")
    return question


async def test_the_category_buttons_of_a_request_already_sent_are_stale(world):
    w, u = world, world.resident
    question = await send_request(u)
    assert buttons_of(await message(w, u.private, question["message_id"]))  # still shown, until pressed
    answer = await stale(w, u, "维修", question)
    assert "过期" in answer["text"]
    assert not buttons_of(await message(w, u.private, question["message_id"]))
    assert await requests(w) == 1


async def test_an_answered_step_s_buttons_are_stale_and_the_step_after_it_goes_on(world):
    w, u = world, world.resident_en
    await u.send("/request")
    question = await u.reply(contains="1")
    await u.press("Repairs", message=question)
    await u.reply(contains="2")
    answer = await stale(w, u, "Errands", question)  # the category again, while the next step waits
    assert "out of date" in answer["text"]
    assert not buttons_of(await message(w, u.private, question["message_id"]))
    await u.send("The kitchen tap leaks")  # the step after the category still takes its answer
    assert "3" in text_of(await u.reply())
    assert w.bot.app.user_data[u.id]["request_draft"]["category"] == "repairs"


async def test_the_first_run_of_a_conversation_begun_again_is_superseded(world):
    w, u = world, world.resident
    await u.send("/request")
    first = await u.reply(contains="1")
    await u.send("/request")
    second = await u.reply(contains="1")
    await stale(w, u, "维修", first)
    assert not buttons_of(await message(w, u.private, first["message_id"]))
    assert "category" not in w.bot.app.user_data[u.id]["request_draft"]
    await u.press("代买", message=second)  # the new question's buttons work
    assert "2" in text_of(await u.reply())


async def test_accept_on_a_task_someone_else_took_is_stale_and_the_copy_loses_its_keyboard(world):
    w = world
    await started(w)
    req, _ = await new_request(w)
    await accept(w.volunteers[0], w, req.code)
    await w.volunteers[0].reply(contains=req.code)
    copy = await post_old_keyboard(w.bot, w.volunteer_group, f"task:accept:{req.id}")  # a copy drawn before
    answer = await stale(w, w.volunteers[1], "旧按钮", copy, chat=w.volunteer_group)
    assert "手慢了一步" in answer["text"] and req.code in answer["text"]
    assert not buttons_of(await message(w, w.volunteer_group, copy["message_id"]))


async def test_accept_again_on_ones_own_task_says_it_is_already_theirs(world):
    w = world
    await started(w)
    vol = w.volunteers[0]
    req, _ = await new_request(w)  # one slot: the card closes once it is taken
    await accept(vol, w, req.code)
    await vol.reply(contains=req.code)
    copy = await post_old_keyboard(w.bot, w.volunteer_group, f"task:accept:{req.id}")
    answer = await stale(w, vol, "旧按钮", copy, chat=w.volunteer_group)
    assert "已经是您的任务" in answer["text"] and req.code in answer["text"], answer
    assert "手慢" not in answer["text"]


async def test_accept_again_on_a_card_with_free_slots_keeps_the_card_for_the_others(world):
    w = world
    await started(w)
    vol = w.volunteers[0]
    req, card = await new_request(w, resident=w.leader, slots=3)
    await accept(vol, w, req.code)
    await vol.reply(contains=req.code)
    await settle(w)
    card = await vol.last(w.volunteer_group, with_button="接单")
    answer = await stale(w, vol, "接单", card, chat=w.volunteer_group)
    assert "已经是您的任务" in answer["text"]
    assert any("接单" in b["text"] for b in buttons_of(await message(w, w.volunteer_group, card["message_id"])))
    await accept(w.volunteers[1], w, req.code)  # the others still take the free slots
    await w.volunteers[1].reply(contains=req.code)


async def test_the_hours_buttons_of_an_earlier_done_are_superseded_by_the_next(world):
    """Done on one task, then Done on another: the first question's hours buttons would report the
    second task with the first one's answer. They are stale; the newer question goes on."""
    w = world
    await started(w)
    vol = w.volunteers[0]
    first, _ = await new_request(w, summary="第一件事")
    second, _ = await new_request(w, w.resident_en, summary="Second thing", category="errands")
    for req in (first, second):
        card = [m for m in await w.sb.bot_messages(w.volunteer_group) if req.code in text_of(m)][0]
        await vol.press("接单", chat=w.volunteer_group, message=card)
        await vol.reply(contains=req.code)
    details = {req.code: await vol.last(with_button=f"task:done:{req.id}") for req in (first, second)}
    await vol.press(f"task:done:{first.id}", message=details[first.code])
    asked_first = await vol.reply(contains=first.code)
    await vol.press(f"task:done:{second.id}", message=details[second.code])
    asked_second = await vol.reply(contains=second.code)
    await stale(w, vol, "2", asked_first)
    assert not buttons_of(await message(w, vol.private, asked_first["message_id"]))
    await vol.press("1", message=asked_second)
    await vol.reply(contains="1")  # the note is asked for the second task
    await vol.send("好了")
    await vol.reply(contains=second.code)
    async with w.db.session() as s:
        statuses = {r.code: r.status for r in (await s.execute(select(HelpRequest))).scalars()}
    assert statuses == {first.code: "filled", second.code: "done_reported"}
