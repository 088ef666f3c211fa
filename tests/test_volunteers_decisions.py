"""Leaders decide about volunteers: approve, decline, suspend, reinstate; the refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.services.kernel.errors import Conflict, NotAllowed
from bot.services.kernel.roles import Actor
from bot.services.people import rosters, volunteers
from storage.enums import VolunteerStatus
from storage.models import AuditEntry, ChatBinding, Person, VolunteerProfile
from tests.support import factories as f
from tests.support.harness import TgUser, buttons_of, text_of
from tests.support.waiting import settle


@pytest.fixture
async def world(world):
    """The shared world, once the bot has handled its set-up updates (the groups it was added to).
    Those updates come "from" people of the world; letting them finish first keeps each test about
    its own steps."""
    await settle(world)
    return world


async def applicant(w, tg: int, name: str, grid_id: int) -> tuple[TgUser, VolunteerProfile]:
    """Someone who started the bot and has a pending application (made directly in the database)."""
    u = await w.bot.user(tg, name)
    await u.send("/start")
    await u.reply()
    async with w.db.session() as s:
        person = (await s.execute(select(Person).where(Person.tg_user_id == tg))).scalars().one()
    prof = await f.volunteer(w.db, person.id, grid_id, status=VolunteerStatus.pending)
    return u, prof


async def status(db, profile_id: int) -> str:
    async with db.session() as s:
        return (await s.get(VolunteerProfile, profile_id)).status


async def test_a_volunteer_cannot_approve_themselves_with_a_forged_button(world):
    w = world
    u, prof = await applicant(w, 4101, "想自批", w.grid_a.id)
    answer = await u.press("x", message=await u.last(), data=f"vol:ok:{prof.id}", force=True)
    assert answer["show_alert"] and "不能审核自己" in answer["text"]
    assert await status(w.db, prof.id) == "pending"
    # an approved volunteer of the same grid cannot approve them either
    other = w.volunteers[1]
    await other.send("/start")
    await other.reply()
    answer = await other.press("x", message=await other.last(), data=f"vol:ok:{prof.id}", force=True)
    assert answer["show_alert"] and "不在您负责的网格" in answer["text"]
    assert await status(w.db, prof.id) == "pending"


async def test_a_leader_of_grid_b_cannot_approve_a_grid_a_volunteer(world):
    w = world
    _, prof = await applicant(w, 4102, "A格报名", w.grid_a.id)
    await w.leader_b.send("/pending")
    assert "没有待审核" in text_of(await w.leader_b.reply())  # grid A's applicants are not on their list
    answer = await w.leader_b.press("x", message=await w.leader_b.last(), data=f"vol:ok:{prof.id}", force=True)
    assert answer["show_alert"] and "不在您负责的网格" in answer["text"]
    answer = await w.leader_b.press("x", message=await w.leader_b.last(), data=f"vol:no:{prof.id}", force=True)
    assert answer["show_alert"]
    assert await status(w.db, prof.id) == "pending"


async def test_pending_list_approve_and_a_second_press_changes_nothing(world):
    w = world
    u, prof = await applicant(w, 4103, "待审小王", w.grid_a.id)
    await w.leader.send("/pending")
    await w.leader.reply("1 人待审核")
    card = await w.leader.reply("待审小王")
    await w.leader.press("✅ 通过", message=card)
    closed = await w.leader.reply("您已审核通过", edited=True)
    assert not buttons_of(closed)
    notice = await w.sb.wait_bot_message(u.id, contains="欢迎")
    assert "志愿者群" in text_of(notice)
    assert await status(w.db, prof.id) == "approved"
    again = await w.leader.press("x", message=closed, data=f"vol:ok:{prof.id}", force=True)
    assert again["show_alert"] and "已处理过" in again["text"]
    again = await w.leader.press("x", message=closed, data=f"vol:no:{prof.id}", force=True)
    assert "已处理过" in again["text"]
    assert await status(w.db, prof.id) == "approved"
    async with w.db.session() as s:
        approvals = (
            (await s.execute(select(AuditEntry).where(AuditEntry.action == "volunteer.approve"))).scalars().all()
        )
    assert len(approvals) == 1


async def test_approved_volunteer_gets_the_group_invite_link_when_the_bot_can_make_one(world):
    w = world
    group = -6001
    await w.sb.add_group(group, "第二网格志愿者群(新)", [1002], bot_admin=True)
    await w.leader_b.send("/bind", chat=group)
    await w.leader_b.reply("用途", chat=group)
    await w.leader_b.press("志愿者群", chat=group)
    await w.leader_b.reply("已绑定", chat=group, edited=True)
    u, prof = await applicant(w, 4104, "B格新人", w.grid_b.id)
    await w.leader_b.send("/pending")
    card = await w.leader_b.reply("B格新人")
    await w.leader_b.press("✅ 通过", message=card)
    notice = await w.sb.wait_bot_message(u.id, contains="欢迎")
    links = [b for b in buttons_of(notice) if b.get("url")]
    async with w.db.session() as s:
        b = (await s.execute(select(ChatBinding).where(ChatBinding.chat_id == group))).scalars().one()
    assert links and links[0]["url"] == b.invite_link


async def test_a_grid_without_volunteer_group_says_so(world):
    w = world
    gc = await f.grid(w.db, w.community.id, "第三网格")
    p = await f.person(w.db, 1003, "三格长")
    await f.leader(w.db, p.id, gc.id)
    boss = await w.bot.user(1003, "三格长")
    u, prof = await applicant(w, 4105, "三格新人", gc.id)
    await boss.send("/pending")
    card = await boss.reply("三格新人")
    await boss.press("✅ 通过", message=card)
    notice = await w.sb.wait_bot_message(u.id, contains="欢迎")
    assert "还没有志愿者群" in text_of(notice)


async def test_leader_suspends_and_reinstates_from_the_volunteer_list(world):
    w = world
    vol = w.volunteers[1]
    await vol.send("/start")
    await vol.reply()
    await w.leader.send("/volunteers")
    listing = await w.leader.reply("志愿者名单")
    assert "王志愿" in text_of(listing) and "孙志愿" not in text_of(listing)  # grid B's volunteer is not listed
    await w.leader.press("⏸ 王志愿", message=listing)
    relisted = await w.leader.reply("志愿者名单", edited=True)
    assert "已暂停" in text_of(relisted)
    assert "暂停" in text_of(await w.sb.wait_bot_message(vol.id, contains="暂停"))
    async with w.db.session() as s:
        prof = (
            (await s.execute(select(VolunteerProfile).where(VolunteerProfile.person_id == w.volunteer_people[1].id)))
            .scalars()
            .one()
        )
    assert prof.status == "suspended"
    # the volunteer themself cannot reinstate (or suspend others)
    answer = await vol.press("x", message=await vol.last(), data=f"vol:rei:{prof.id}", force=True)
    assert answer["show_alert"]
    await w.leader.press("▶️ 王志愿", message=relisted)
    await w.leader.reply("志愿者名单", edited=True)
    await w.sb.wait_bot_message(vol.id, contains="欢迎回来")
    assert await status(w.db, prof.id) == "approved"


async def test_the_services_refuse_the_same_way_for_the_web_dashboard(world):
    w = world
    core = w.bot.core
    _, prof = await applicant(w, 4106, "网页审核", w.grid_a.id)
    with pytest.raises(NotAllowed):
        await volunteers.approve_volunteer(core, Actor(1002), prof.id)  # grid B's leader
    with pytest.raises(NotAllowed):
        await volunteers.approve_volunteer(core, Actor(4106), prof.id)  # themselves
    assert [v.person.name for v in await rosters.pending_volunteers(core, Actor(1001))] == ["网页审核"]
    with pytest.raises(NotAllowed):
        await rosters.pending_volunteers(core, Actor(3001))  # a resident
    declined = await volunteers.decline_volunteer(core, Actor(9001), prof.id, reason="暂不招募")
    assert declined.status == "declined"
    with pytest.raises(Conflict):
        await volunteers.suspend_volunteer(core, Actor(1001), prof.id)
    notice = await w.sb.wait_bot_message(4106, contains="暂不招募")
    assert "未能通过" in text_of(notice)


async def test_a_long_volunteer_list_has_pages_and_suspending_stays_on_the_page(world):
    w = world
    for i in range(30):
        p = await f.person(w.db, 60_000 + i, f"队员{i:02d}", grid_id=w.grid_a.id)
        await f.volunteer(w.db, p.id, w.grid_a.id)
    await w.leader.send("/volunteers")
    first = await w.leader.reply("共 33 人")
    assert sum(1 for b in buttons_of(first) if b["text"].startswith("⏸")) == 24
    await w.leader.press("下一页", message=first)
    second = await w.leader.reply("共 33 人", edited=True)
    names = [b["text"] for b in buttons_of(second) if b["text"].startswith("⏸")]
    assert len(names) == 9 and "⏸ 队员29" in names
    await w.leader.press("⏸ 队员29", message=second)
    again = await w.leader.reply("共 33 人", edited=True)
    assert any(b["text"] == "▶️ 队员29" for b in buttons_of(again))  # still on page 2
