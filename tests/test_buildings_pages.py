"""Buildings (楼栋) on the dashboard's households page and in the visits export: each household's
building and a filter by building where the grid has buildings (and nothing new where none has),
the building never shown where the viewer may not see the address; the visits export's building
column (CSV and XLSX, no formula) on SQLite and PostgreSQL; the leader's Friday overview in English."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from bot.outbox.notifier import OutboxNotifier
from bot.scheduler import run_due
from bot.services.exchange.exports import ExportRequest, export_bytes, viewer_export_scope
from bot.services.kernel.clock import FakeClock
from bot.services.kernel.core import Core
from bot.services.kernel.errors import InvalidInput
from bot.services.office import NO_BUILDING, household_page
from bot.services.office.dashboard import load_scope
from bot.views.exchange import export_labels
from storage.enums import VisitOutcome
from storage.models import Building, DoorVisit, Household, Person
from tests.support import factories as f
from tests.support.dashboard import csrf_of, new_client, page, sign_in
from tests.support.harness import text_of
from tests.support.town import at, log_visit
from tests.test_reminders import VISITS

PERIOD = (date(2026, 11, 1), date(2026, 11, 30))


async def three_homes(db, grid_id: int) -> tuple[Building, Building, list[Household]]:
    """3栋 (one household), 10栋 (one) and one of no building."""
    async with db.session() as s:
        b3, b10 = Building(grid_id=grid_id, name="3栋"), Building(grid_id=grid_id, name="10栋")
        s.add_all([b3, b10])
        await s.flush()
        homes = [
            Household(grid_id=grid_id, building_id=b3.id, address="幸福里 3 栋 401", members="王奶奶"),
            Household(grid_id=grid_id, building_id=b10.id, address="幸福里 10 栋 202", members="周阿姨"),
            Household(grid_id=grid_id, address="平房 1 号", members="刘爷爷"),
        ]
        s.add_all(homes)
        await s.flush()
    return b3, b10, homes


# ---------------------------------------------------------------- the households page
async def test_the_households_page_shows_and_filters_by_building(office, web_base):
    o = office
    b3, b10, homes = await three_homes(o.db, o.grid_a.id)
    base = f"{web_base}/dashboard/households"
    async with new_client() as c:
        await sign_in(c, o.core, 1001)
        status, body = await page(c, base)
        assert status == 200 and "<th>楼栋</th>" in body and "全部楼栋" in body
        assert f'<option value="{b3.id}">3栋</option>' in body and '<option value="none">未分楼栋</option>' in body
        assert body.index(f'value="{b3.id}"') < body.index(f'value="{b10.id}"')  # natural order
        assert 'data-label="楼栋">3栋</td>' in body and 'data-label="楼栋">10栋</td>' in body
        status, body = await page(c, f"{base}?building={b3.id}")
        assert (
            status == 200 and "幸福里 3 栋 401" in body and "幸福里 10 栋 202" not in body and "平房 1 号" not in body
        )
        assert f'<option value="{b3.id}" selected>3栋</option>' in body
        status, body = await page(c, f"{base}?building=none")
        assert "平房 1 号" in body and "幸福里 3 栋 401" not in body
        assert "幸福里 3 栋 401" not in body and "幸福里 10 栋 202" not in body
        status, body = await page(c, f"{base}?building={b10.id}&stale=1")  # with the overdue filter
        assert status == 200 and "幸福里 10 栋 202" in body and "幸福里 3 栋 401" not in body
        for bad in ("abc", "0", "-1", "9" * 20):
            status, _ = await page(c, f"{base}?building={bad}")
            assert status == 400
        csrf = await csrf_of(c, base)
        async with c.post(f"{web_base}/dashboard/lang", data={"lang": "en", "next": base, "csrf": csrf}) as r:
            assert r.status == 200
        _, body = await page(c, f"{base}?building={b3.id}")
        assert "<th>Building</th>" in body and "All buildings" in body and "no building" in body
        assert "幸福里 3 栋 401" in body and "平房 1 号" not in body
    async with new_client() as c:  # grid B has no buildings: the page is as before; grid A's are not theirs
        await sign_in(c, o.core, 1002)
        status, body = await page(c, base)
        assert status == 200 and "<th>楼栋</th>" not in body and "全部楼栋" not in body and "3栋" not in body
        status, body = await page(c, f"{base}?building={b3.id}")
        assert status == 400 and "幸福里" not in body
    async with o.db.session() as s:
        s.add(Building(grid_id=o.grid_b.id, name="3栋"))
    async with new_client() as c:  # the community's admin: both grids with a 3栋, named with its grid
        await sign_in(c, o.core, 9001)
        _, body = await page(c, base)
        assert (
            f'<option value="{b3.id}">第一网格 · 3栋</option>' in body
            and ">第二网格 · 3栋</option>" in body
            and 'data-label="楼栋">3栋</td>' in body
        )


@pytest.fixture
async def town(any_db, clock, cfg):
    """Grid A with buildings and three households (a leader, a volunteer who visited two); grid B none."""
    core = Core(db=any_db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    com = await f.community(any_db)
    ga, gb = await f.grid(any_db, com.id, "第一网格"), await f.grid(any_db, com.id, "第二网格")
    leader = await f.person(any_db, 1001, "李网格长", grid_id=ga.id)
    await f.leader(any_db, leader.id, ga.id)
    leader_b = await f.person(any_db, 1002, "赵网格长", grid_id=gb.id)
    await f.leader(any_db, leader_b.id, gb.id)
    vol = await f.person(any_db, 2001, "张志愿", grid_id=ga.id)
    await f.volunteer(any_db, vol.id, ga.id)
    b3, b10, homes = await three_homes(any_db, ga.id)
    other = await f.household(any_db, gb.id, "平安里 7 栋 102")
    when = at(2026, 11, 20, 10, 0)
    async with any_db.session() as s:
        for h in (homes[0], homes[2], other):
            s.add(
                DoorVisit(
                    household_id=h.id,
                    volunteer_id=vol.id,
                    grid_id=h.grid_id,
                    week="2026-W47",
                    outcome=VisitOutcome.met.value,
                    created_at=when,
                )
            )
    return core, ga, gb, leader, leader_b, b3, b10, homes


async def test_the_households_page_filter_reads_the_same_on_both_databases(town):
    core, ga, gb, leader, leader_b, b3, b10, homes = town
    scope = await load_scope(core, leader.id)
    whole = await household_page(core, scope)
    assert [(r.id, r.building) for r in whole.rows] == [(homes[2].id, ""), (homes[0].id, "3栋"), (homes[1].id, "10栋")]
    assert [(b[2]) for b in whole.buildings] == ["3栋", "10栋"]
    one = await household_page(core, scope, building=b3.id)
    assert [r.id for r in one.rows] == [homes[0].id] and one.total == 1
    none = await household_page(core, scope, building=NO_BUILDING)
    assert [r.id for r in none.rows] == [homes[2].id]
    with pytest.raises(InvalidInput):  # grid A's building is not grid B's leader's to filter by
        await household_page(core, await load_scope(core, leader_b.id), building=b3.id)
    # a viewer who may not see grid A's addresses sees no building either, and cannot filter by one
    hidden = replace(scope, leader_of=frozenset())
    rows = (await household_page(core, hidden)).rows
    assert {r.building for r in rows} == {None} and {r.address for r in rows} == {None}
    assert (await household_page(core, hidden)).buildings == []
    with pytest.raises(InvalidInput):
        await household_page(core, hidden, building=b3.id)


# ---------------------------------------------------------------- the visits export
async def visits_export(core, viewer, fmt="csv", lang="zh-CN", contacts=False) -> bytes:
    scope = viewer_export_scope(await load_scope(core, viewer.id), None, contacts)
    return await export_bytes(core, ExportRequest("visits", *PERIOD, fmt, lang), scope, export_labels(lang))


def table(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def test_the_visits_export_has_the_building_where_the_grid_has_buildings(town):
    core, ga, gb, leader, leader_b, b3, b10, homes = town
    async with core.db.session() as s:  # a building named like a formula stays text
        b = await s.get(Building, b3.id)
        b.name = "=HYPERLINK(1)"
        s.add(b)
    rows = table(await visits_export(core, leader))
    assert rows[0][:6] == ["周次", "日期", "网格", "住户", "楼栋", "志愿者"]
    got = {r[3]: r[4] for r in rows[1:]}
    assert got == {f"#{homes[0].id}": "'=HYPERLINK(1)", f"#{homes[2].id}": ""}
    assert "住户" in rows[0] and "幸福里" not in "".join(",".join(r) for r in rows)  # no contacts asked
    # a grid without buildings: as before (no building column)
    theirs = table(await visits_export(core, leader_b))
    assert "楼栋" not in theirs[0] and theirs[0][3:5] == ["住户", "志愿者"]
    # XLSX in English, with contacts: the building after the household, a text cell, never a formula
    wb = openpyxl.load_workbook(io.BytesIO(await visits_export(core, leader, "xlsx", "en", contacts=True)))
    sheet = wb.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[3:6] == ["Household", "Building", "Volunteer"] and "Address" in header
    cells = {sheet.cell(row=i, column=4).value: sheet.cell(row=i, column=5) for i in range(2, sheet.max_row + 1)}
    formula = cells[f"#{homes[0].id}"]
    assert formula.data_type != "f" and str(formula.value).lstrip("'") == "=HYPERLINK(1)"
    assert cells[f"#{homes[2].id}"].value in (None, "")


# ---------------------------------------------------------------- the Friday overview, in English
async def test_in_english_the_friday_overview_counts_by_building(world):
    w = world
    leader, vol = w.leader_b, w.volunteer_b
    leader.lang = "en"
    await w.sb.add_user(leader.id, leader.name, language_code="en")
    async with w.db.session() as s:
        me = (await s.execute(select(Person).where(Person.tg_user_id == leader.id))).scalar_one()
        me.language = "en"
        s.add(me)
        blocks = [Building(grid_id=w.grid_b.id, name=n) for n in ("Block A", "Block B")]
        s.add_all(blocks)
        await s.flush()
    homes = [await f.household(w.db, w.grid_b.id, f"平安里 {i} 栋") for i in (1, 2, 3)]
    async with w.db.session() as s:
        for h, b in zip(homes, (blocks[0].id, blocks[0].id, None), strict=True):
            row = await s.get(Household, h.id)
            row.building_id = b
            s.add(row)
    async with w.db.session() as s:
        vol_person = (await s.execute(select(Person).where(Person.tg_user_id == vol.id))).scalar_one()
    for h in homes:
        await f.pair(w.db, vol_person.id, h.id)
    for u in (leader, vol):
        await u.send("/start")
        await u.reply()
    await log_visit(w.db, homes[0], vol_person, "2026-W47")
    clock = FakeClock(at(2026, 11, 20, 18, 0))  # a Friday evening
    live = w.bot.core
    await run_due(Core(db=live.db, notifier=live.notifier, clock=clock, cfg=live.cfg), jobs=VISITS)
    overview = text_of(await leader.reply(contains="By building"))
    assert "Block A: 1 of 2 households visited this week" in overview
    assert "no building: 0 of 1 household visited this week" in overview
    assert "Block B" in overview and "平安里" not in overview  # figures, never addresses
