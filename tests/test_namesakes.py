"""Two volunteers of one name (two 王芳 in a grid of 300 households is no rarity) told apart on the
buttons a leader presses to pick a person: the last four digits of each one's phone, else their
number; everyone else by name alone. The leader dispatches to the right 王芳."""

from __future__ import annotations

from sqlalchemy import select

from bot.services.kernel.namesakes import namesake_hints
from storage.models import Assignment
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of

from .test_board import new, open_detail, start_all


def test_only_namesakes_get_a_hint_and_alike_phones_fall_back_to_numbers():
    people = [(1, "王芳", "138-0000-1111"), (2, "王芳 ", "13900002222"), (3, "张志愿", "13700003333")]
    assert namesake_hints(people) == {1: "1111", 2: "2222"}
    assert namesake_hints([(1, "王芳", "13800001111"), (2, "王芳", None)]) == {1: "1111", 2: "#2"}
    assert namesake_hints([(1, "王芳", "13800001111"), (2, "王芳", "13900001111")]) == {1: "#1", 2: "#2"}
    assert namesake_hints([(1, "王芳", None), (2, "张三", None)]) == {}


async def two_wang_fang(w):
    people = []
    for tg, phone in ((2601, "13800001111"), (2602, "13900002222")):
        p = await f.person(w.db, tg, "王芳", grid_id=w.grid_a.id, phone=phone)
        await f.volunteer(w.db, p.id, w.grid_a.id)
        people.append(p)
    return people


async def test_the_leader_dispatches_to_the_right_wang_fang_and_the_roster_tells_them_apart(world):
    w = world
    first, second = await two_wang_fang(w)
    await start_all(w, w.leader, w.resident)
    req = await new(w)
    detail = await open_detail(w, req)
    await w.leader.press("派单", message=detail)
    chooser = await w.leader.reply(contains="派给谁", edited=True)
    labels = [b["text"] for b in buttons_of(chooser)]
    assert any("王芳（尾号 1111）" in label for label in labels)
    assert any("王芳（尾号 2222）" in label for label in labels)
    assert any("张志愿" in label and "尾号" not in label for label in labels)  # no namesake: the name alone
    await w.leader.press("王芳（尾号 2222）", message=chooser)
    await w.leader.reply(contains="已派单", edited=True)
    async with w.db.session() as s:
        [taker] = (await s.execute(select(Assignment.volunteer_id).where(Assignment.request_id == req.id))).all()
    assert taker[0] == second.id

    await w.leader.send("/volunteers")
    roster = await w.leader.reply(contains="志愿者名单")
    assert "王芳（尾号 1111）" in text_of(roster) and "王芳（尾号 2222）" in text_of(roster)
    assert any("王芳（尾号 1111）" in b["text"] for b in buttons_of(roster))


async def test_in_english_the_hint_reads_phone_ending(world):
    w = world
    await two_wang_fang(w)
    grace = await w.bot.user(1003, "Grace", lang="en")  # a second leader of grid A, reading English
    me = await f.person(w.db, 1003, "Grace", grid_id=w.grid_a.id, language="en")
    await f.leader(w.db, me.id, w.grid_a.id)
    await grace.send("/pair")
    picker = await grace.reply()
    labels = [b["text"] for b in buttons_of(picker)]
    assert "王芳 (phone …1111) (0)" in labels and "王芳 (phone …2222) (0)" in labels
    assert "张志愿 (1)" in labels


async def test_the_building_head_picker_tells_them_apart_and_names_the_right_one(world):
    from storage.models import BuildingHead

    from .test_buildings import town_with_buildings

    w = world
    first, second = await two_wang_fang(w)
    await town_with_buildings(w)
    await w.leader.send("/buildings")
    await w.leader.press("🏢 3栋", message=await w.leader.reply())
    await w.leader.press("➕ 指定楼栋长", message=await w.leader.reply(edited=True, contains="楼栋长：暂无"))
    picker = await w.leader.reply(edited=True, contains="选择楼栋长")
    labels = [b["text"] for b in buttons_of(picker)]
    assert {"王芳（尾号 1111）", "王芳（尾号 2222）", "张志愿"} <= set(labels)
    await w.leader.press("王芳（尾号 1111）", message=picker)
    await w.leader.reply(edited=True, contains="现在负责")
    async with w.db.session() as s:
        heads = (await s.execute(select(BuildingHead.person_id))).scalars().all()
    assert heads == [first.id]
