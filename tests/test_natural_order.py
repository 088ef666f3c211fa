"""Natural order: grids, households and volunteers are listed as people count them (一, 二, 三, 十, 十一;
2号 before 10号), never by code point, in the bot's pickers and lists and on the dashboard."""

from __future__ import annotations

import re

from bot.services.kernel.order import chinese_number, natural_key
from tests.support import factories as f
from tests.support.dashboard import new_client, page, sign_in, start_web
from tests.support.harness import buttons_of, text_of

GRIDS = ["一网格", "二网格", "三网格", "十网格", "十一网格"]
CREATED = ["十一网格", "三网格", "一网格", "十网格", "二网格"]  # code point order would give 一, 三, 二, 十, 十一


def test_the_key_counts_chinese_numerals_and_digits():
    assert sorted(CREATED, key=natural_key) == GRIDS
    assert sorted(["第十二网格", "第二网格", "第一网格"], key=natural_key) == ["第一网格", "第二网格", "第十二网格"]
    assert sorted(["10号", "2号", "3号楼", "１号"], key=natural_key) == ["１号", "2号", "3号楼", "10号"]
    assert sorted(["幸福里 12 栋 101", "幸福里 3 栋 2 单元 401", "幸福里 3 栋 1 单元 502"], key=natural_key) == [
        "幸福里 3 栋 1 单元 502",
        "幸福里 3 栋 2 单元 401",
        "幸福里 12 栋 101",
    ]
    assert [chinese_number(x) for x in ("十", "十一", "二十", "一百零五", "二〇二六", "两")] == [
        10,
        11,
        20,
        105,
        2026,
        2,
    ]


async def _community_of_grids(db):
    com = await f.community(db)
    grids = {name: await f.grid(db, com.id, name) for name in CREATED}
    leader = await f.person(db, 1001, "李网格长", grid_id=grids["一网格"].id)
    for g in grids.values():
        await f.leader(db, leader.id, g.id)
    for address in ("10号", "2号", "1号"):
        await f.household(db, grids["一网格"].id, address)
    return com, grids


def _in_order(text: str, names: list[str]) -> bool:
    at = [text.find(n) for n in names]
    return all(i >= 0 for i in at) and at == sorted(at)


async def test_the_grid_picker_and_the_household_list_are_in_natural_order(bot):
    await _community_of_grids(bot.core.db)
    leader = await bot.user(1001, "李网格长")
    await leader.send("/households")
    picker = await leader.reply(contains="网格")
    labels = [b["text"] for b in buttons_of(picker) if b["text"] in GRIDS]
    assert labels == GRIDS
    await leader.press("一网格", message=picker)
    listed = text_of(await leader.reply(contains="1号", edited=True))
    assert re.search(r"1号.*\n.*2号.*\n.*10号", listed), listed


async def test_the_dashboard_lists_grids_and_households_in_natural_order(core):
    await _community_of_grids(core.db)
    runner, base = await start_web(core)
    try:
        async with new_client() as c:
            await sign_in(c, core, 1001)
            _, households = await page(c, f"{base}/dashboard/households")
            _, board = await page(c, f"{base}/dashboard/requests")
    finally:
        await runner.cleanup()
    assert _in_order(households, ["1号", "2号", "10号"])
    options = [o for o in re.findall(r"<option[^>]*>([^<]*网格)</option>", board) if o in GRIDS]
    assert options == GRIDS


async def test_a_volunteers_households_are_in_natural_order(bot):
    db = bot.core.db
    _, grids = await _community_of_grids(db)
    vol = await f.person(db, 2001, "张志愿", grid_id=grids["一网格"].id)
    await f.volunteer(db, vol.id, grids["一网格"].id)
    for address in ("12号", "3号"):
        await f.pair(db, vol.id, (await f.household(db, grids["一网格"].id, address)).id)
    user = await bot.user(2001, "张志愿")
    await user.send("/visits")
    listed = text_of(await user.reply(contains="3号"))
    assert _in_order(listed, ["3号", "12号"]), listed
