"""接单 → 评单 end to end: accept on the group card, details in private, done with hours, confirm, rate, points."""

from sqlalchemy import select

from bot.services.kernel.roles import Actor
from bot.services.requests.intake import RequestDraft, create_request
from storage.models import Assignment, AuditEntry, HelpRequest, OutboxMessage, PointsEntry, Rating
from tests.support.harness import buttons_of, text_of

ADDRESS = "幸福里 3 栋 2 单元 401"


async def started(w):
    """Everyone in grid A has opened a private chat with the bot (as they would have, signing up)."""
    for u in [w.leader, w.resident, w.resident_en, *w.volunteers]:
        await u.send("/start")
        await u.reply()


async def new_request(
    w,
    resident=None,
    *,
    summary="帮忙换灯泡",
    category="repairs",
    slots=1,
    phone="13900001111",
    when="today",
    address=ADDRESS,
):
    """A request made through the service (the conversation has its own tests); waits for its card."""
    resident = resident or w.resident
    actor = Actor(resident.id, resident.name, language="en" if resident.lang == "en" else "zh-hans")
    draft = RequestDraft(category, summary, when, None, address, phone, slots)
    req = await create_request(w.bot.core, actor, draft, source="leader" if slots > 1 else "resident")
    card = await w.sb.wait_bot_message(w.volunteer_group, contains=req.code)
    return req, card


async def accept(volunteer, w, code):
    card = await volunteer.last(w.volunteer_group, with_button="接单")
    assert code in text_of(card)
    return await volunteer.press("接单", chat=w.volunteer_group, message=card)


async def test_volunteer_accepts_gets_private_details_and_the_resident_hears_who_is_coming(world):
    w = world
    await started(w)
    req, card = await new_request(w)
    vol = w.volunteers[0]
    answer = await accept(vol, w, req.code)
    assert answer["show_alert"] and req.code in answer["text"]
    details = await vol.reply(contains=ADDRESS)
    assert "13900001111" in text_of(details) and "帮忙换灯泡" in text_of(details)
    assert {"▶️ 开始", "✅ 完成", "↩️ 退回"} <= {b["text"] for b in buttons_of(details)}
    coming = await w.resident.reply(contains="张志愿")
    assert req.code in text_of(coming) and "13800000001" not in text_of(coming)
    edited = await w.sb.wait_bot_message(w.volunteer_group, contains="张志愿", edited=True)
    assert req.code in text_of(edited) and not any("接单" in b["text"] for b in buttons_of(edited))
    assert ADDRESS not in text_of(edited) and "13900001111" not in text_of(edited)
    async with w.db.session() as s:
        r = await s.get(HelpRequest, req.id)
        assert (r.status, r.slots_taken) == ("filled", 1)
        entry = (await s.execute(select(AuditEntry).where(AuditEntry.action == "task.claim"))).scalars().one()
        assert entry.actor_id == w.volunteer_people[0].id and entry.entity_id == req.id and entry.at is not None


async def test_full_loop_done_confirm_rate_grants_points_only_after_the_resident_confirms(world):
    w = world
    await started(w)
    req, _ = await new_request(w)
    vol = w.volunteers[0]
    await accept(vol, w, req.code)
    details = await vol.reply(contains=ADDRESS)
    await vol.press("开始", message=details)
    await w.resident.reply(contains="开始")
    await vol.press("完成", message=await vol.last(with_button="完成"))
    await vol.reply(contains="小时")
    await vol.send("1.5")
    await vol.reply(contains="1.5")
    await vol.send("灯泡已换好，旧灯泡带走了")
    await vol.reply(contains="已报完成")
    async with w.db.session() as s:
        assert (await s.execute(select(PointsEntry))).scalars().all() == []  # not on the volunteer's word
    ask = await w.resident.reply(contains="办好了吗")
    assert "灯泡已换好" in text_of(ask) and "1.5" in text_of(ask)
    await w.resident.press("办好了", message=ask)
    stars = await w.resident.reply(contains="打个分", edited=True)
    await w.resident.press("5⭐", message=stars)
    await w.resident.reply(contains="还想对志愿者说", edited=True)
    await w.resident.send("非常感谢小张！")
    await w.resident.reply(contains="谢谢")
    await vol.reply(contains="非常感谢小张")
    texts = "\n".join(await vol.texts())
    assert "⭐⭐⭐⭐⭐" in texts and "13" in texts  # 10 + 2×1.5 = 13 points
    async with w.db.session() as s:
        r = await s.get(HelpRequest, req.id)
        assert r.status == "completed"
        rating = (await s.execute(select(Rating))).scalars().one()
        assert (rating.outcome, rating.stars, rating.comment) == ("done", 5, "非常感谢小张！")
        pts = {p.ref: (p.points, p.hours) for p in (await s.execute(select(PointsEntry))).scalars()}
        vid = w.volunteer_people[0].id
        assert pts == {f"task:{req.id}:{vid}": (13, 1.5), f"five_star:{req.id}:{vid}": (2, 0.0)}
        actions = [
            e.action
            for e in (
                await s.execute(select(AuditEntry).where(AuditEntry.entity_id == req.id).order_by(AuditEntry.id))
            ).scalars()
        ]
        assert actions == [
            "request.create",
            "task.claim",
            "task.start",
            "task.done",
            "request.confirm",
            "request.rate",
            "request.comment",
        ]
        refused = (
            await s.execute(
                select(OutboxMessage.key, OutboxMessage.last_error).where(
                    OutboxMessage.status.in_(["failed", "skipped"]), OutboxMessage.last_error != "superseded"
                )
            )
        ).all()
        assert refused == []  # every card, edit and notification was accepted by the Bot API


async def test_release_returns_the_task_to_the_board_and_the_card_says_so(world):
    w = world
    await started(w)
    req, _ = await new_request(w)
    vol = w.volunteers[1]
    await accept(vol, w, req.code)
    details = await vol.reply(contains=ADDRESS)
    await vol.press("退回", message=details)
    await vol.reply(contains="原因")
    await vol.send("   ")
    assert "原因" in text_of(await vol.reply())  # empty reason refused, still asking
    await vol.send("临时要加班，去不了")
    await vol.reply(contains="已退回")
    card = await w.sb.wait_bot_message(w.volunteer_group, contains="重新等待接单", edited=True)
    assert any("接单" in b["text"] for b in buttons_of(card))
    await w.resident.reply(contains="去不了")
    told = await w.leader.reply(contains="临时要加班")
    assert req.code in text_of(told) and "王志愿" in text_of(told)
    async with w.db.session() as s:
        r = await s.get(HelpRequest, req.id)
        assert (r.status, r.slots_taken) == ("open", 0)
        a = (await s.execute(select(Assignment))).scalars().one()
        assert (a.status, a.release_reason) == ("released", "临时要加班，去不了")
    # someone else can take it now
    answer = await accept(w.volunteers[2], w, req.code)
    assert req.code in answer["text"]


async def test_several_volunteers_pressing_accept_at_once_exactly_one_wins(world):
    import asyncio

    w = world
    req, card = await new_request(w)
    answers = await asyncio.gather(*(v.press("接单", chat=w.volunteer_group, message=card) for v in w.volunteers))
    won = [a for a in answers if "接单成功" in (a["text"] or "")]
    lost = [a for a in answers if "手慢了一步" in (a["text"] or "")]
    assert len(won) == 1 and len(lost) == 2
    async with w.db.session() as s:
        assert len((await s.execute(select(Assignment))).scalars().all()) == 1
        assert (await s.get(HelpRequest, req.id)).slots_taken == 1


async def test_a_multi_slot_task_fills_up_then_closes_for_accepts(world):
    w = world
    req, card = await new_request(w, w.leader, summary="帮王奶奶搬家", category="moving", slots=2)
    assert "还差 2 人" in text_of(card)
    await w.volunteers[0].press("接单", chat=w.volunteer_group, message=card)
    edited = await w.sb.wait_bot_message(w.volunteer_group, contains="还差 1 人", edited=True)
    assert any("接单" in b["text"] for b in buttons_of(edited))
    answer = await w.volunteers[1].press("接单", chat=w.volunteer_group, message=card)
    assert "人已齐" in answer["text"]
    full = await w.sb.wait_bot_message(w.volunteer_group, contains="王志愿", edited=True)
    assert "张志愿" in text_of(full) and not buttons_of(full)
    late = await w.volunteers[2].press("接单", chat=w.volunteer_group, message=card, force=True)
    assert "手慢了一步" in late["text"]


async def test_volunteer_of_another_grid_and_non_volunteers_cannot_accept(world):
    w = world
    req, card = await new_request(w)
    await w.sb.member(w.volunteer_group, w.volunteer_b.id)
    other = await w.volunteer_b.press("接单", chat=w.volunteer_group, message=card)
    assert "其他网格" in other["text"]
    await w.sb.member(w.volunteer_group, w.resident.id)
    resident = await w.resident.press("接单", chat=w.volunteer_group, message=card)
    assert "/volunteer" in resident["text"]
    async with w.db.session() as s:
        assert (await s.get(HelpRequest, req.id)).slots_taken == 0


async def test_fair_claiming_limits_open_tasks_per_volunteer(world):
    w = world
    w.bot.core.cfg.requests.max_open_tasks_per_volunteer = 1
    first, _ = await new_request(w, summary="第一件事")
    second, card2 = await new_request(w, w.resident_en, summary="Second thing", category="errands")
    vol = w.volunteers[0]
    card1 = [m for m in await w.sb.bot_messages(w.volunteer_group) if first.code in text_of(m)][0]
    assert "接单成功" in (await vol.press("接单", chat=w.volunteer_group, message=card1))["text"]
    refused = await vol.press("接单", chat=w.volunteer_group, message=card2)
    assert "1 个未完成" in refused["text"]


async def test_forged_and_replayed_presses_change_nothing(world):
    w = world
    req, card = await new_request(w)
    vol = w.volunteers[0]
    for data in (
        "task:accept:abc",
        "task:accept:",
        "task:accept:999999",
        "task:accept:-5",
        "task:start:" + str(req.id),
        "task:accept:99999999999999999999999",
    ):
        answer = await vol.press("x", chat=w.volunteer_group, message=card, data=data, force=True)
        assert answer["show_alert"] and answer["text"], data
    await vol.press("接单", chat=w.volunteer_group, message=card)
    again = await vol.press("接单", chat=w.volunteer_group, message=card, force=True)
    assert "已经是您的任务" in again["text"] and req.code in again["text"]  # not "someone was quicker"
    async with w.db.session() as s:
        assert len((await s.execute(select(Assignment))).scalars().all()) == 1


async def test_tasks_lists_open_tasks_and_english_volunteer_sees_english(world):
    w = world
    await started(w)
    alice_vol = await w.bot.user(2004, "Bob", lang="en")
    from tests.support import factories as f

    p = await f.person(w.db, 2004, "Bob", grid_id=w.grid_a.id, language="en")
    await f.volunteer(w.db, p.id, w.grid_a.id)
    await w.sb.member(w.volunteer_group, 2004)
    await alice_vol.send("/tasks")
    assert "no open tasks" in text_of(await alice_vol.reply())
    req, card = await new_request(w, w.resident_en, summary="Walk my dog", category="errands")
    answer = await alice_vol.press("接单", chat=w.volunteer_group, message=card)
    assert "You took" in answer["text"]
    details = await alice_vol.reply(contains="Walk my dog")
    assert "Address" in text_of(details)
    coming = await w.resident_en.reply(contains="Bob")
    assert "took your request" in text_of(coming)
    await alice_vol.send("/tasks")
    listing = await alice_vol.reply(contains=req.code)
    assert "Your tasks (1)" in text_of(listing)
