"""/visits page by page: a building head with more households than one message holds reaches every
one of them with ◀️/▶️ (20 a page, grouped by building), in Chinese and in English; an old page
button after households went away shows the last page there is."""

from __future__ import annotations

from sqlalchemy import delete, select

from storage.models import Household, Person
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle
from tests.test_buildings import add_buildings, home


async def a_big_building(w, households: int):
    await settle(w)
    [b5] = await add_buildings(w.db, w.grid_a.id, "5栋")
    homes = [await home(w.db, w.grid_a.id, b5.id, f"幸福里 5 栋 {n:03d} 室", f"住户{n:02d}") for n in range(households)]
    return homes


def log_buttons(message: dict) -> set[str]:
    return {b["callback_data"] for b in buttons_of(message) if b.get("callback_data", "").startswith("visit:log:")}


async def test_a_head_of_45_households_pages_through_all_of_them(world):
    w = world
    homes = await a_big_building(w, 45)
    head = w.volunteers[1]  # 王志愿, paired with nobody
    await head.send("/start")
    await head.reply()
    await w.leader.send("/buildinghead 2002 5栋")
    await head.reply(contains="您现在负责5栋")

    await head.send("/visits")
    first = await head.reply()
    assert "共 45 户" in text_of(first) and "第 1/3 页" in text_of(first)
    assert "🏢 5栋（45 户）" in text_of(first)
    assert "幸福里 5 栋 000 室" in text_of(first) and "幸福里 5 栋 020 室" not in text_of(first)
    assert [b["text"] for b in buttons_of(first)][-1] == "下一页 ▶️"
    seen = log_buttons(first)

    await head.press("下一页")
    second = await head.reply(edited=True)
    assert "第 2/3 页" in text_of(second) and "🏢 5栋（45 户）" in text_of(second)  # the heading again
    assert "幸福里 5 栋 020 室" in text_of(second) and "幸福里 5 栋 000 室" not in text_of(second)
    labels = [b["text"] for b in buttons_of(second)]
    assert "◀️ 上一页" in labels and "下一页 ▶️" in labels
    seen |= log_buttons(second)

    await head.press("下一页")
    third = await head.reply(edited=True)
    assert "第 3/3 页" in text_of(third) and "下一页" not in str(buttons_of(third))
    seen |= log_buttons(third)
    assert seen == {f"visit:log:{h.id}" for h in homes}  # every household reachable, once

    # the last page's household is visited from there as from any
    last = homes[-1]
    await head.press(f"visit:log:{last.id}")
    await head.reply(contains=f"#{last.id}")

    await head.press("上一页", message=third)
    assert "第 2/3 页" in text_of(await head.reply(edited=True))


async def test_in_english_and_an_old_page_button_after_households_went(world):
    w = world
    homes = await a_big_building(w, 25)
    alice = w.resident_en
    async with w.db.session() as s:
        me = (await s.execute(select(Person).where(Person.tg_user_id == alice.id))).scalar_one()
    await f.volunteer(w.db, me.id, w.grid_a.id)
    await alice.send("/start")
    await alice.reply()
    await w.leader.send("/buildinghead 3002 5栋")
    await alice.reply(contains="You now look after 5栋")

    await alice.send("/visits")
    first = await alice.reply()
    assert "25 in all" in text_of(first) and "Page 1 of 2" in text_of(first)
    await alice.press("Next")
    second = await alice.reply(edited=True)
    assert "Page 2 of 2" in text_of(second) and "Previous" in str(buttons_of(second))
    assert len(log_buttons(second)) == 5

    async with w.db.session() as s:  # the grid removes ten of them; page 2 no longer exists
        await s.execute(delete(Household).where(Household.id.in_([h.id for h in homes[:10]])))
    await alice.press("x", message=second, data="visit:mpage:1", force=True)  # the page shown before
    now = text_of(await alice.reply(edited=True))
    assert "15 in all" in now and "Page" not in now  # one page: all there is, shown
