"""派单 for grid leaders: /board, dispatch, reassign, close, out of scope, duplicates; only the right leader."""

import pytest
from sqlalchemy import select

from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from bot.services.kernel.roles import Actor
from bot.services.requests import board
from bot.services.requests.claiming import claim_task
from bot.services.requests.intake import RequestDraft, create_request
from storage.models import Assignment, AuditEntry, HelpRequest
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of

RESIDENT = Actor(3001, "王奶奶", language="zh-hans")
LEADER = Actor(1001, "李网格长", language="zh-hans")
LEADER_B = Actor(1002, "赵网格长", language="zh-hans")


async def start_all(w, *users):
    for u in users:
        await u.send("/start")
        await u.reply()


async def new(w, summary="修水管", category="repairs", who=RESIDENT, address="3 栋 401"):
    req = await create_request(w.bot.core, who, RequestDraft(category, summary, "today", None, address, "13900001111"))
    await w.sb.wait_bot_message(w.volunteer_group, contains=req.code)
    return req


async def open_detail(w, req):
    await w.leader.send("/board")
    listing = await w.leader.reply(contains=req.code)
    await w.leader.press(req.code, message=listing)
    return await w.leader.reply(contains="3 栋 401")


async def test_board_lists_open_requests_with_volunteer_loads_and_the_detail_has_private_details(world):
    w = world
    await start_all(w, w.leader, w.resident)
    req = await new(w)
    await claim_task(w.bot.core, Actor(2001, "张志愿"), req.id)
    await w.leader.send("/board")
    listing = text_of(await w.leader.reply(contains=req.code))
    assert "第一网格" in listing and "张志愿 1" in listing and "王志愿 0" in listing and "上限 3" in listing
    detail = await open_detail(w, req)
    assert "13900001111" in text_of(detail) and "张志愿" in text_of(detail)
    assert {"🔁 改派", "✖️ 关闭"} <= {b["text"] for b in buttons_of(detail)}


async def test_non_leaders_get_a_clear_refusal(world):
    w = world
    await start_all(w, w.volunteers[0])
    await w.volunteers[0].send("/board")
    assert "网格长" in text_of(await w.volunteers[0].reply())


async def test_reassign_moves_the_task_and_tells_everyone(world):
    w = world
    await start_all(w, w.leader, w.resident, *w.volunteers[:2])
    req = await new(w)
    await claim_task(w.bot.core, Actor(2001, "张志愿"), req.id)
    await w.volunteers[0].reply(contains="3 栋 401")
    detail = await open_detail(w, req)
    await w.leader.press("改派", message=detail)
    await w.leader.press("张志愿", message=await w.leader.reply(contains="换下来"))
    chooser = await w.leader.reply(contains="改派给谁", edited=True)
    assert not any("张志愿" in b["text"] for b in buttons_of(chooser))
    await w.leader.press("王志愿", message=chooser)
    await w.leader.reply(contains="已改派", edited=True)
    await w.volunteers[0].reply(contains="改派给其他志愿者")
    assert "3 栋 401" in text_of(await w.volunteers[1].reply(contains="网格长把"))
    await w.resident.reply(contains="王志愿")
    card = await w.sb.wait_bot_message(w.volunteer_group, contains="王志愿", edited=True)
    assert "张志愿" not in text_of(card)
    async with w.db.session() as s:
        assert (await s.execute(select(AuditEntry).where(AuditEntry.action == "task.reassign"))).scalars().one()


async def test_close_with_a_reason_tells_the_resident_and_the_volunteer(world):
    w = world
    await start_all(w, w.leader, w.resident, w.volunteers[0])
    req = await new(w)
    await claim_task(w.bot.core, Actor(2001, "张志愿"), req.id)
    detail = await open_detail(w, req)
    await w.leader.press("关闭", message=detail)
    await w.leader.reply(contains="原因")
    await w.leader.send("x" * 400)
    assert "太长" in text_of(await w.leader.reply())
    await w.leader.send("居民已自行解决")
    await w.leader.reply(contains="已关闭")
    assert "居民已自行解决" in text_of(await w.resident.reply(contains="关闭"))
    await w.volunteers[0].reply(contains="不用再去")
    card = await w.sb.wait_bot_message(w.volunteer_group, contains="已关闭", edited=True)
    assert not buttons_of(card)
    again = await w.leader.press("关闭", message=detail)  # the old detail's button: nothing happens
    assert again["show_alert"] and "未做任何更改" in again["text"]


async def test_out_of_scope_refers_the_resident_and_leaves_the_figures(world):
    w = world
    await start_all(w, w.leader, w.resident)
    req = await new(w, summary="楼上噪音扰民")
    detail = await open_detail(w, req)
    await w.leader.press("不属服务范围", message=detail)
    await w.leader.press("12345", message=await w.leader.reply(contains="由哪里处理"))
    await w.leader.reply(contains="原因")
    await w.leader.send("属于邻里纠纷")
    await w.leader.reply(contains="不计入满意度")
    told = text_of(await w.resident.reply(contains="不属于志愿服务范围"))
    assert "12345" in told and "属于邻里纠纷" in told
    async with w.db.session() as s:
        r = await s.get(HelpRequest, req.id)
        assert (r.status, r.referral, r.close_reason) == ("out_of_scope", "hotline", "属于邻里纠纷")


async def test_a_similar_request_from_the_same_person_is_flagged_and_marked_duplicate(world):
    w = world
    await start_all(w, w.leader, w.resident)
    first = await new(w, summary="厨房水管漏水")
    second = await new(w, summary="厨房的水管漏水了")
    flag = await w.leader.reply(contains="可能与")
    assert first.code in text_of(flag) and second.code in text_of(flag) and "同一位居民" in text_of(flag)
    await w.leader.press(f"标为 {first.code} 的重复", message=flag)
    await w.leader.reply(contains="已标为重复", edited=True)
    assert first.code in text_of(await w.resident.reply(contains="重复"))
    async with w.db.session() as s:
        r = await s.get(HelpRequest, second.id)
        assert (r.status, r.duplicate_of) == ("duplicate", first.id)
        assert (await s.get(HelpRequest, first.id)).status == "open"


async def test_a_different_request_of_another_resident_is_not_flagged(world):
    w = world
    await new(w, summary="厨房水管漏水")
    await new(w, summary="帮忙取快递", category="errands", who=Actor(3002, "Alice", language="en"), address="5 栋 102")
    async with w.db.session() as s:
        assert all(r.suspected_duplicate_of is None for r in (await s.execute(select(HelpRequest))).scalars())


async def test_leader_of_another_grid_cannot_act_and_forged_presses_change_nothing(world):
    w = world
    await start_all(w, w.leader_b)
    req = await new(w)
    core = w.bot.core
    with pytest.raises(NotAllowed):
        await board.dispatch_task(core, LEADER_B, req.id, w.volunteer_people[0].id)
    with pytest.raises(NotAllowed):
        await board.close_request(core, LEADER_B, req.id, "不归我管")
    for data in (
        f"board:to:{req.id}:{w.volunteer_people[0].id}",
        f"board:close:{req.id}",
        f"board:req:{req.id}",
        f"board:dupof:{req.id}:{req.id}",
        "board:to:1:x",
        "board:reto:1:2",
    ):
        answer = await w.leader_b.press("x", data=data, message=await w.leader_b.last(), force=True)
        assert answer["show_alert"], data
    async with w.db.session() as s:
        r = await s.get(HelpRequest, req.id)
        assert (r.status, r.slots_taken) == ("open", 0)


async def test_dispatch_rules(world):
    w = world
    core = w.bot.core
    req = await new(w)
    from storage.models import Person

    async with w.db.session() as s:
        other = (await s.execute(select(Person).where(Person.tg_user_id == 2101))).scalars().one()
    with pytest.raises(NotAllowed) as e:
        await board.dispatch_task(core, LEADER, req.id, other.id)
    assert e.value.key == "task.error.other_grid"
    core.cfg.requests.max_open_tasks_per_volunteer = 1
    busy = await new(w, summary="另一件事", category="errands", address="9 栋")
    await claim_task(core, Actor(2002, "王志愿"), busy.id)
    with pytest.raises(NotAllowed) as e:
        await board.dispatch_task(core, LEADER, req.id, w.volunteer_people[1].id)
    assert e.value.key == "board.error.too_many" and e.value.params["name"] == "王志愿"  # said to the leader
    await board.dispatch_task(core, LEADER, req.id, w.volunteer_people[0].id)
    with pytest.raises(Conflict):
        await board.dispatch_task(core, LEADER, req.id, w.volunteer_people[2].id)  # filled
    with pytest.raises(InvalidInput):
        await board.reassign_task(core, LEADER, req.id, w.volunteer_people[0].id, w.volunteer_people[0].id)
    with pytest.raises(Conflict):
        await board.reassign_task(core, LEADER, req.id, w.volunteer_people[2].id, w.volunteer_people[1].id)
    with pytest.raises(NotAllowed) as e:  # 王志愿 is at the limit
        await board.reassign_task(core, LEADER, req.id, w.volunteer_people[0].id, w.volunteer_people[1].id)
    assert e.value.key == "board.error.too_many"
    async with w.db.session() as s:  # the failed reassignment changed nothing
        holders = (
            await s.execute(select(Assignment.volunteer_id, Assignment.status).where(Assignment.request_id == req.id))
        ).all()
        assert holders == [(w.volunteer_people[0].id, "accepted")]


async def test_a_grid_without_group_or_leader_sends_the_card_to_the_community_admins(world):
    w = world
    await start_all(w, w.admin)
    grid_c = await f.grid(w.db, w.community.id, "第三网格")
    await f.person(w.db, 3201, "孙阿姨", grid_id=grid_c.id)
    req = await create_request(
        w.bot.core, Actor(3201, "孙阿姨"), RequestDraft("health", "量血压", "today", None, "8 栋")
    )
    card = await w.sb.wait_bot_message(9001, contains=req.code)
    assert "量血压" in text_of(card) and "8 栋" not in text_of(card)


async def test_a_grid_without_volunteer_group_sends_the_card_to_its_leader(world):
    w = world
    await start_all(w, w.leader_b)
    resident_b = await f.person(w.db, 3101, "钱大爷", grid_id=w.grid_b.id)
    from sqlalchemy import delete

    from storage.models import ChatBinding

    async with w.db.session() as s:
        await s.execute(delete(ChatBinding).where(ChatBinding.grid_id == w.grid_b.id))
    req = await create_request(
        w.bot.core, Actor(3101, "钱大爷"), RequestDraft("health", "量血压", "today", None, "7 栋")
    )
    card = await w.sb.wait_bot_message(1002, contains=req.code)
    assert "还没有绑定志愿者群" in text_of(card) and "7 栋" not in text_of(card)
    assert {"✋ 接单", "📋 派单"} <= {b["text"] for b in buttons_of(card)}
    assert resident_b.grid_id == w.grid_b.id


async def test_an_old_unanswered_question_never_swallows_a_later_message(world):
    """A leader pressed Close and walked away; what they type the next day does not close anything."""
    import json

    from storage.models import UserData
    from tests.support.waiting import wait_for

    w = world
    await start_all(w, w.leader, w.resident)
    req = await new(w)
    detail = await open_detail(w, req)
    await w.leader.press("关闭", message=detail)
    await w.leader.reply(contains="原因")

    async def draft_written() -> bool:  # the draft is written back once the update is done
        async with w.db.session() as s:
            row = await s.get(UserData, 1001)
            return row is not None and "board_reason" in json.loads(row.data)

    await wait_for(draft_written, what="the leader's draft written back")
    async with w.db.session() as s:  # the question was asked a day ago
        row = await s.get(UserData, 1001)
        data = json.loads(row.data)
        data["board_reason"]["at"] -= 24 * 3600
        row.data = json.dumps(data)
        s.add(row)
    w.bot.app.user_data[1001]["board_reason"]["at"] -= 24 * 3600  # in case the drafts are not reloaded
    await w.leader.send("明天记得买菜")
    assert "过了很久" in text_of(await w.leader.reply())
    async with w.db.session() as s:
        assert (await s.get(HelpRequest, req.id)).status == "open"
