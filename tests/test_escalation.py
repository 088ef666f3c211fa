"""分层议事: a request nobody takes goes to the grid leader, then to the community admins — once each."""

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.services.kernel.roles import Actor
from bot.services.requests.claiming import claim_task
from bot.services.requests.escalation import escalate_overdue
from bot.services.requests.intake import RequestDraft, create_request
from storage.models import AuditEntry, HelpRequest, OutboxMessage
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of

RESIDENT = Actor(3001, "王奶奶", language="zh-hans")


async def seed(core, *, leader=True, admin=True):
    db = core.db
    com = await f.community(db)
    grid = await f.grid(db, com.id)
    await f.person(db, 3001, "王奶奶", grid_id=grid.id)
    people = {}
    if leader:
        people["leader"] = await f.person(db, 1001, "李网格长", grid_id=grid.id)
        await f.leader(db, people["leader"].id, grid.id)
    if admin:
        people["admin"] = await f.person(db, 9002, "社区主任")
        await f.community_admin(db, people["admin"].id, com.id)
    people["super"] = await f.person(db, 9001, "书记", superadmin=True)
    vol = await f.person(db, 2001, "张志愿", grid_id=grid.id)
    await f.volunteer(db, vol.id, grid.id)
    await f.bind(db, -1001, grid.id)
    return grid, people


async def outbox(core, prefix):
    async with core.db.session() as s:
        rows = (await s.execute(select(OutboxMessage).where(OutboxMessage.key.like(prefix + "%")))).scalars().all()
    return {r.key: (r.chat_id, json.loads(r.payload)) for r in rows}


async def new(core):
    return await create_request(core, RESIDENT, RequestDraft("repairs", "修水管", "today", None, "3 栋 401"))


async def test_leader_then_admins_each_told_once_and_the_resident_hears_each_step(core, clock):
    _, people = await seed(core)
    req = await new(core)
    clock.advance(minutes=59)
    assert await escalate_overdue(core) == 0
    clock.advance(minutes=2)
    assert await escalate_overdue(core) == 1
    assert await escalate_overdue(core) == 0  # told once
    lead = await outbox(core, f"escalate:{req.id}:1:")
    assert list(lead) == [f"escalate:{req.id}:1:{people['leader'].id}"]
    chat, payload = lead[f"escalate:{req.id}:1:{people['leader'].id}"]
    assert chat == 1001 and "60 分钟" in payload["text"] and "3 栋 401" not in payload["text"]
    assert any(b["data"] == f"board:pick:{req.id}" for row in payload["buttons"] for b in row)
    assert list(await outbox(core, f"followup:{req.id}:")) == [f"followup:{req.id}:1"]
    clock.advance(minutes=180)
    assert await escalate_overdue(core) == 1
    admins = await outbox(core, f"escalate:{req.id}:2:")
    assert [c for c, _ in admins.values()] == [9002]  # the community admin, not the superadmin
    assert set(await outbox(core, f"followup:{req.id}:")) == {f"followup:{req.id}:1", f"followup:{req.id}:2"}
    clock.advance(hours=10)
    assert await escalate_overdue(core) == 0
    async with core.db.session() as s:
        assert (await s.get(HelpRequest, req.id)).escalation_level == 2
        levels = [
            json.loads(e.detail)["level"]
            for e in (await s.execute(select(AuditEntry).where(AuditEntry.action == "request.escalate"))).scalars()
        ]
        assert levels == [1, 2]


async def test_accepted_requests_do_not_escalate(core, clock):
    await seed(core)
    req = await new(core)
    await claim_task(core, Actor(2001, "张志愿"), req.id)
    clock.advance(hours=5)
    assert await escalate_overdue(core) == 0
    assert await outbox(core, "escalate:") == {}


async def test_a_grid_without_leader_goes_to_the_admins_and_without_admins_to_the_superadmins(core, clock):
    await seed(core, leader=False, admin=False)
    req = await new(core)
    clock.advance(minutes=61)
    assert await escalate_overdue(core) == 1
    assert [c for c, _ in (await outbox(core, f"escalate:{req.id}:1:")).values()] == [9001]


async def test_a_missed_window_escalates_both_steps_in_one_run(core, clock):
    await seed(core)
    req = await new(core)
    clock.advance(hours=6)  # the bot was down for hours
    assert await escalate_overdue(core) == 2
    assert len(await outbox(core, f"escalate:{req.id}:")) == 2


async def test_leader_gets_the_escalated_card_and_dispatches_from_it(world):
    w = world
    for u in (w.leader, w.resident, w.volunteers[1]):
        await u.send("/start")
        await u.reply()
    core = w.bot.core
    req = await create_request(core, RESIDENT, RequestDraft("repairs", "修水管", "today", None, "3 栋 401"))
    await w.sb.wait_bot_message(w.volunteer_group, contains=req.code)
    async with w.db.session() as s:
        await s.execute(
            update(HelpRequest)
            .where(HelpRequest.id == req.id)
            .values(created_at=datetime.now(UTC) - timedelta(minutes=90))
        )
    assert await escalate_overdue(core) == 1
    card = await w.sb.wait_bot_message(w.leader.id, contains="60 分钟")
    assert req.code in text_of(card) and "3 栋 401" not in text_of(card)
    await w.resident.reply(contains="网格长正在跟进")
    await w.leader.press("派单", message=card)
    chooser = await w.leader.reply(contains="派给谁")
    names = [b["text"] for b in buttons_of(chooser)]
    assert any("王志愿" in n for n in names) and any(n.startswith("✓") for n in names)  # repairs fits their skills
    await w.leader.press("王志愿", message=chooser)
    await w.leader.reply(contains="已派单", edited=True)
    details = await w.volunteers[1].reply(contains="网格长把")
    assert "3 栋 401" in text_of(details)
    await w.resident.reply(contains="王志愿")
    edited = await w.sb.wait_bot_message(w.leader.id, contains="王志愿", edited=True)
    assert req.code in text_of(edited)  # the leader's copy of the card shows who took it
