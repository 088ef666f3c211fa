"""微心愿墙 the wish wall end to end: volunteers browse the community's open micro-wishes in private
chat (paged, by grid, no personal details), take one with the group card's atomic claim, and the
resident hears who took it. Old and forged page and take buttons change nothing."""

import asyncio

import pytest
from sqlalchemy import select

from bot.outbox.notifier import OutboxNotifier
from bot.services.kernel.core import Core
from bot.services.kernel.errors import AlreadyTaken, Conflict
from bot.services.kernel.roles import Actor
from bot.services.requests import ClaimResult, RequestDraft, create_request
from bot.services.wishes import take_wish, wish_wall
from storage.models import Assignment, HelpRequest, UnitClaim, VolunteerProfile
from tests.support import factories as f
from tests.support.harness import buttons_of, make_user, text_of
from tests.support.stale import press_old, snapshot
from tests.support.waiting import settle

from .test_units import unit_of

ADDRESS = "幸福里 3 栋 2 单元 401"
PHONE = "13900001111"


async def wish(core, who: Actor, summary: str, *, category: str = "micro_wish", grid_id: int | None = None):
    draft = RequestDraft(category, summary, "this_week", None, ADDRESS, PHONE, 1)
    return await create_request(core, who, draft, grid_id=grid_id)


async def a_wall(w, count: int = 7):
    """`count` wishes of 王奶奶 in grid A, one of a resident of grid B, and a repair (no wish) in grid A."""
    core = w.bot.core
    granny = Actor(w.resident.id, w.resident.name, language="zh-hans")
    wishes = [await wish(core, granny, f"微心愿{i + 1}：想要一本大字版的书 第{i + 1}册") for i in range(count)]
    await f.person(w.db, 3101, "李爷爷", grid_id=w.grid_b.id)
    other = await wish(core, Actor(3101, "李爷爷", language="zh-hans"), "微心愿：想要一台收音机听戏")
    repair = await wish(core, granny, "帮忙换灯泡", category="repairs")
    await settle(w)
    return wishes, other, repair


async def test_a_volunteer_pages_through_the_wall_and_filters_by_grid_without_personal_details(world):
    w = world
    wishes, other, repair = await a_wall(w)
    vol = w.volunteers[0]
    await vol.send("/wishes")
    wall = await vol.reply(contains="微心愿墙")
    text = text_of(wall)
    assert "第一网格：7 个微心愿等待认领（第 1/2 页）" in text
    assert all(r.code in text for r in wishes[:5]) and wishes[5].code not in text
    assert other.code not in text and repair.code not in text  # another grid's, and not a wish
    for private in (ADDRESS, PHONE, "王奶奶"):
        assert private not in text and not any(private in b["text"] for b in buttons_of(wall))
    labels = [b["text"] for b in buttons_of(wall)]
    assert [lb for lb in labels if lb.startswith("🎁")] == [
        f"🎁 认领 {i + 1} · {r.code}" for i, r in enumerate(wishes[:5])
    ]
    assert {"• 第一网格 (7)", "第二网格 (1)", "全部网格"} <= set(labels)

    await vol.press("下一页", message=wall)
    page2 = await vol.reply(contains="第 2/2 页", edited=True)
    assert (
        wishes[5].code in text_of(page2) and wishes[6].code in text_of(page2) and wishes[0].code not in text_of(page2)
    )
    assert "🎁 认领 6 · " + wishes[5].code in [b["text"] for b in buttons_of(page2)]

    await vol.press("第二网格", message=page2)
    grid_b = await vol.reply(contains="第二网格：1 个微心愿", edited=True)
    assert other.code in text_of(grid_b) and "其他网格的心愿" in text_of(grid_b)
    assert not any(b["text"].startswith("🎁") for b in buttons_of(grid_b))  # only grid B's volunteers take it

    await vol.press("全部网格", message=grid_b)
    every = await vol.reply(contains="全部网格：8 个微心愿", edited=True)
    assert "第 1/2 页" in text_of(every)


async def test_the_wall_in_english_and_empty(world):
    w = world
    vol = w.volunteers[1]
    await w.sb.add_user(vol.id, vol.name, language_code="en")
    await vol.send("/wishes")
    empty = await vol.reply(contains="Wish wall")
    assert "No micro-wish is waiting in 第一网格" in text_of(empty)
    wishes, _, _ = await a_wall(w, count=1)
    await vol.send("/wishes")
    wall = await vol.reply(contains="Wish wall")
    assert "第一网格: 1 micro-wish waiting for someone (page 1 of 1)" in text_of(wall)
    assert "When: This week · 1 more needed" in text_of(wall)
    assert f"🎁 Take 1 · {wishes[0].code}" in [b["text"] for b in buttons_of(wall)]
    await vol.press("All grids", message=wall)
    every = await vol.reply(contains="All grids: 2 micro-wishes", edited=True)
    assert "another grid's wish" in text_of(every)


async def test_taking_a_wish_from_the_wall_tells_the_resident_who_took_it(world):
    w = world
    wishes, _, _ = await a_wall(w, count=2)
    for u in (w.resident, *w.volunteers[:2]):
        await u.send("/start")
    await settle(w)
    vol, late = w.volunteers[0], w.volunteers[1]
    await late.send("/wishes")
    late_wall = await late.reply(contains="微心愿墙")
    await vol.send("/wishes")
    wall = await vol.reply(contains="微心愿墙")
    answer = await vol.press(f"认领 1 · {wishes[0].code}", message=wall)
    assert answer["show_alert"] and "接单成功" in answer["text"] and wishes[0].code in answer["text"]
    details = await vol.reply(contains=ADDRESS)  # the address and phone only to the one who took it
    assert PHONE in text_of(details) and wishes[0].code in text_of(details)
    told = await w.resident.reply(contains="张志愿")
    assert wishes[0].code in text_of(told) and "13800000001" not in text_of(told)
    fresh = await vol.last(with_button="认领")
    assert wishes[0].code not in text_of(fresh) and "1 个微心愿等待认领" in text_of(fresh)
    card = await w.sb.wait_bot_message(w.volunteer_group, contains="张志愿", edited=True)
    assert wishes[0].code in text_of(card)

    # the other volunteer's wall was drawn before: their press changes nothing
    before = await snapshot(w.db)
    old = await late.press(f"认领 1 · {wishes[0].code}", message=late_wall)
    assert "手慢了一步" in old["text"] and "\n" not in old["text"].strip()
    await settle(w)
    assert await snapshot(w.db) == before
    async with w.db.session() as s:
        taken = (await s.execute(select(Assignment).where(Assignment.request_id == wishes[0].id))).scalars().all()
        assert [a.volunteer_id for a in taken] == [w.volunteer_people[0].id]


async def test_forged_and_old_presses_change_nothing(world):
    w = world
    wishes, other, repair = await a_wall(w, count=1)
    vol = w.volunteers[0]
    await vol.send("/start")
    await settle(w)
    # a take of a request that is no wish, of another grid's wish, a page of a grid of another community
    outside = await f.community(w.db, "别的社区")
    far = await f.grid(w.db, outside.id, "外网格")
    cases = {
        f"wish:take:{repair.id}:0:0": "已经不在墙上",
        f"wish:take:{other.id}:0:0": "其他网格",
        "wish:take:99999999:0:0": "已经不在墙上",
        f"wish:take:{wishes[0].id}": "",
        f"wish:page:{far.id}:0": "不在您的社区",
        "wish:page:x:0": "",
        "wish:take:-1:0:0": "",
    }
    for data, says in cases.items():
        outcome = await press_old(w, vol, data, data)
        assert outcome.tables_changed == [], data
        assert says in outcome.answer and outcome.answer.strip() and "\n" not in outcome.answer.strip(), data
    async with w.db.session() as s:
        assert (await s.execute(select(Assignment))).scalars().all() == []
    # a page past the end shows the last page
    outcome = await press_old(w, vol, "past", f"wish:page:{w.grid_a.id}:9999")
    assert outcome.tables_changed == []
    assert wishes[0].code in text_of(await vol.last(with_button="认领"))


async def test_only_approved_volunteers_see_the_wall_and_a_group_gets_a_private_button(world):
    w = world
    await w.resident.send("/wishes")
    assert "/volunteer" in text_of(await w.resident.reply(contains="志愿者"))
    vol = w.volunteers[0]
    await vol.send("/wishes", chat=w.volunteer_group)
    hint = await vol.reply(chat=w.volunteer_group)
    assert any(b.get("url") for b in buttons_of(hint)) and "微心愿墙" not in text_of(hint)


@pytest.fixture
async def crowd(any_db, clock, cfg):
    core = Core(db=any_db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    com = await f.community(any_db)
    grid = await f.grid(any_db, com.id)
    await f.person(any_db, 3001, "王奶奶", grid_id=grid.id)
    vols = []
    for i in range(40):
        p = await f.person(any_db, 5000 + i, f"志愿者{i}", grid_id=grid.id)
        await f.volunteer(any_db, p.id, grid.id)
        vols.append(Actor(5000 + i, f"志愿者{i}", language="zh-hans"))
    return core, vols


async def test_forty_volunteers_taking_one_wish_at_once_exactly_one_wins(crowd):
    core, vols = crowd
    req = await wish(core, Actor(3001, "王奶奶", language="zh-hans"), "微心愿：想要一副老花镜")
    walls = await asyncio.gather(*(wish_wall(core, v) for v in vols[:3]))
    assert all([x.code for x in wall.wishes] == [req.code] for wall in walls)
    results = await asyncio.gather(*(take_wish(core, v, req.id) for v in vols), return_exceptions=True)
    winners = [r for r in results if isinstance(r, ClaimResult)]
    assert len(winners) == 1 and sum(isinstance(r, AlreadyTaken) for r in results) == 39, results
    async with core.db.session() as s:
        assert len((await s.execute(select(Assignment))).scalars().all()) == 1
        assert (await s.get(HelpRequest, req.id)).slots_taken == 1
    assert (await wish_wall(core, vols[5])).wishes == []
    with pytest.raises(Conflict):
        await wish_wall(core, vols[0], grid_id=424242)


async def _secretary(w, lang: str = "zh-CN"):
    """刘书记, no volunteer, is the contact of 区税务局 (paired with the community); 张志愿 is its member."""
    secretary = await make_user(w.sb, 4001, "刘书记", lang)
    await secretary.send("/start")
    await secretary.reply()
    await w.admin.send("/newunit 区税务局 4001")
    await w.admin.reply("已创建单位")
    unit = await unit_of(w.db, "区税务局")
    async with w.db.session() as s:
        prof = (
            await s.execute(select(VolunteerProfile).where(VolunteerProfile.person_id == w.volunteer_people[0].id))
        ).scalar_one()
        prof.unit_id = unit.id
    return secretary, unit


async def test_a_units_contact_claims_a_wish_for_the_unit_from_the_wall(world):
    w = world
    wishes, other, repair = await a_wall(w, count=2)
    for u in (w.resident, *w.volunteers):
        await u.send("/start")
        await u.reply()
    secretary, unit = await _secretary(w)
    await secretary.send("/wishes")
    wall = await secretary.reply(contains="微心愿墙")
    text = text_of(wall)
    # every grid of the paired community, as the unit: no names, addresses or phones
    assert "区税务局" in text and "全部网格：3 个微心愿" in text and other.code in text and repair.code not in text
    for private in (ADDRESS, PHONE, "王奶奶", "李爷爷"):
        assert private not in text
    labels = [b["text"] for b in buttons_of(wall)]
    assert f"🏢 单位认领 1 · {wishes[0].code}" in labels and f"🏢 单位认领 3 · {other.code}" in labels
    assert not any(lb.startswith("🎁") for lb in labels)

    answer = await secretary.press(f"单位认领 1 · {wishes[0].code}", message=wall)
    pressed = secretary.since  # the claim (through the outbox) and the wall's redraw come in either order
    assert "区税务局" in answer["text"] and wishes[0].code in answer["text"]
    claimed = await secretary.reply(contains="已认领")
    assert ADDRESS not in text_of(claimed) and PHONE not in text_of(claimed)
    assert [b["text"] for b in buttons_of(claimed)] == ["▫️ 张志愿", "↩️ 单位退回"]
    secretary.since = pressed
    redrawn = await secretary.reply(contains="微心愿墙", edited=True)
    assert wishes[0].code not in text_of(redrawn)  # taken: off the wall
    # the member the contact sends gets the details; the resident hears who is coming
    await secretary.press("张志愿", message=claimed)
    await w.volunteers[0].reply(contains=ADDRESS)
    await w.resident.reply(contains="张志愿")
    async with w.db.session() as s:
        held = (await s.execute(select(UnitClaim).where(UnitClaim.request_id == wishes[0].id))).scalars().all()
        r = await s.get(HelpRequest, wishes[0].id)
    assert [c.unit_id for c in held] == [unit.id] and (r.status, r.slots_taken) == ("filled", 1)
    # the old button (the wall before the claim) pressed again changes nothing
    before = await snapshot(w.db)
    answer = await secretary.press(f"单位认领 1 · {wishes[0].code}", message=wall, force=True)
    assert answer["text"] and await snapshot(w.db) == before


async def test_in_english_the_contact_reads_the_wall_as_the_units_and_others_are_refused(world):
    w = world
    wishes, other, _ = await a_wall(w, count=1)
    secretary, _ = await _secretary(w, "en")
    await secretary.send("/wishes")
    wall = await secretary.reply(contains="Wish wall")
    assert "For your unit, 区税务局" in text_of(wall) and "only they get the resident's address" in text_of(wall)
    assert f"🏢 Claim 1 for my unit · {wishes[0].code}" in [b["text"] for b in buttons_of(wall)]
    # someone who is neither a volunteer nor a unit's contact
    await w.resident_en.send("/wishes")
    assert "for approved volunteers" in text_of(await w.resident_en.reply(contains="volunteers"))
