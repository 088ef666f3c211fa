"""Buildings (楼栋) in the households' export and import: the export has a building column where a
grid has buildings (and none where no grid has: as before), and the import reads an export back,
CSV or XLSX, in either language: a row named by its household number puts it into the row's building.
All or nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from bot.cli.errors import CliError
from bot.outbox.notifier import OutboxNotifier
from bot.services.exchange.exports import ExportRequest, export_bytes, viewer_export_scope
from bot.services.kernel.core import Core
from bot.services.office.dashboard import load_scope
from bot.views.exchange import export_labels
from storage.models import Building, Household
from tests.support import factories as f
from tests.test_import import run

PERIOD = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
async def blocks(any_db, clock, cfg):
    """Grid A: 3栋 (one household), 10栋 (one) and a household of no building; grid B: no buildings."""
    core = Core(db=any_db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    com = await f.community(any_db)
    ga, gb = await f.grid(any_db, com.id, "第一网格"), await f.grid(any_db, com.id, "第二网格")
    leader_a = await f.person(any_db, 1001, "李网格长", grid_id=ga.id)
    await f.leader(any_db, leader_a.id, ga.id)
    leader_b = await f.person(any_db, 1002, "赵网格长", grid_id=gb.id)
    await f.leader(any_db, leader_b.id, gb.id)
    async with any_db.session() as s:
        b3, b10 = Building(grid_id=ga.id, name="3栋"), Building(grid_id=ga.id, name="10栋")
        s.add_all([b3, b10])
        await s.flush()
        homes = [
            Household(grid_id=ga.id, building_id=b3.id, address="幸福里 3 栋 101", members="王奶奶"),
            Household(grid_id=ga.id, building_id=b10.id, address="幸福里 10 栋 202", members="周阿姨"),
            Household(grid_id=ga.id, address="平房 1 号", members="刘爷爷"),
            Household(grid_id=gb.id, address="平安里 7 栋 102", members="陈阿姨"),
        ]
        s.add_all(homes)
        await s.flush()
    return core, ga, gb, leader_a, leader_b, homes


async def export(core, viewer, fmt="csv", lang="zh-CN", contacts=False) -> bytes:
    scope = viewer_export_scope(await load_scope(core, viewer.id), None, contacts)
    return await export_bytes(core, ExportRequest("households", *PERIOD, fmt, lang), scope, export_labels(lang))


def table(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")  # as Excel saves "CSV UTF-8"


async def places(core) -> dict[str, str]:
    """address -> building name ("" for none)."""
    async with core.db.session() as s:
        names = {b.id: b.name for b in (await s.execute(select(Building))).scalars()}
        return {h.address: names.get(h.building_id, "") for h in (await s.execute(select(Household))).scalars()}


async def test_the_export_has_the_building_and_an_edited_export_is_read_back(blocks):
    core, ga, gb, leader_a, leader_b, homes = blocks
    rows = table(await export(core, leader_a))
    assert rows[0][:4] == ["住户", "网格", "楼栋", "人数"]
    assert [r[:3] for r in rows[1:]] == [
        [f"#{homes[0].id}", "第一网格", "3栋"],
        [f"#{homes[1].id}", "第一网格", "10栋"],
        [f"#{homes[2].id}", "第一网格", ""],
    ]
    # a grid without buildings: the export is as it was (no building column)
    assert table(await export(core, leader_b))[0][:3] == ["住户", "网格", "人数"]

    # the office fills the column in a spreadsheet and imports the file again
    rows[1][2], rows[2][2], rows[3][2] = "5栋", "", "3栋"
    code, out = await run(core, "households", data=as_csv(rows), lang="zh-CN")
    assert code == 0, out
    assert "按住户编号核对了 3 户的楼栋" in out
    got = await places(core)
    assert (got["幸福里 3 栋 101"], got["幸福里 10 栋 202"], got["平房 1 号"]) == ("5栋", "", "3栋")
    assert got["平安里 7 栋 102"] == ""
    async with core.db.session() as s:  # 5栋 was made in the household's grid; nothing else changed
        made = (await s.execute(select(Building).where(Building.name == "5栋"))).scalar_one()
        assert made.grid_id == ga.id
        count = len((await s.execute(select(Household))).scalars().all())
    assert count == 4
    code, out = await run(core, "households", data=as_csv(rows), lang="zh-CN")  # the same file again: no change
    assert code == 0 and await places(core) == got

    # a grid without buildings: a 楼栋 column added to its export gives it some
    theirs = table(await export(core, leader_b))
    theirs = [[*r[:2], "楼栋" if i == 0 else "A座", *r[2:]] for i, r in enumerate(theirs)]
    code, out = await run(core, "households", data=as_csv(theirs), lang="zh-CN")
    assert code == 0, out
    assert (await places(core))["平安里 7 栋 102"] == "A座"
    assert table(await export(core, leader_b))[0][:3] == ["住户", "网格", "楼栋"]


async def test_an_english_xlsx_export_with_contacts_is_read_back(blocks):
    core, ga, _, leader_a, _, homes = blocks
    wb = openpyxl.load_workbook(io.BytesIO(await export(core, leader_a, "xlsx", "en", contacts=True)))
    sheet = wb.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["Household", "Grid", "Building", "Address", "Members", "Phone"]
    assert [c.value for c in sheet[2]][:4] == [f"#{homes[0].id}", "第一网格", "3栋", "幸福里 3 栋 101"]
    assert wb.sheetnames[1] == "Visits per household"
    sheet.cell(row=3, column=3, value="Block 9")  # 周阿姨's household into a new building
    sheet.cell(row=2, column=4, value="an address edited in the sheet")  # read past: not the building
    buf = io.BytesIO()
    wb.save(buf)
    code, out = await run(core, "households", data=buf.getvalue(), lang="en")
    assert code == 0, out
    assert "the building of 3 households set by their numbers" in out
    got = await places(core)
    assert got["幸福里 10 栋 202"] == "Block 9" and got["幸福里 3 栋 101"] == "3栋"  # its address unchanged


async def test_a_bad_row_in_an_exported_file_refuses_the_whole_file(blocks):
    core, _, gb, leader_a, _, homes = blocks
    rows = table(await export(core, leader_a))
    rows[1][2] = "5栋"
    rows.append([f"#{homes[3].id}", "第一网格", "3栋"])  # grid B's household, named in grid A
    rows.append(["#987654", "第一网格", "3栋"])
    rows.append(["abc", "第一网格", "3栋"])
    rows.append(["", "第一网格", "3栋"])  # a new household: the export has no community or address
    rows.append([f"#{homes[2].id}", "第一网格", "10栋"])  # a household twice
    code, out = await run(core, "households", data=as_csv(rows), lang="en")
    assert code == 1
    assert f"line 5: grid: household #{homes[3].id} is not in “第一网格”" in out
    assert "line 6: household: there is no household #987654" in out
    assert "line 7: household: “abc” is not a household's number" in out
    assert "line 8: community: a new household needs this column" in out
    assert f"line 9: household “#{homes[2].id}” appears twice" in out
    assert "平安里" not in out and "幸福里" not in out  # reasons never repeat addresses
    got = await places(core)
    assert got["幸福里 3 栋 101"] == "3栋"  # nothing was imported
    async with core.db.session() as s:
        assert (await s.execute(select(Building).where(Building.name == "5栋"))).first() is None
    code, out = await run(core, "households", data=as_csv(rows), lang="zh-CN")
    assert code == 1 and f"住户 #{homes[3].id} 不在“第一网格”" in out
    # a workbook that is not one
    with pytest.raises(CliError, match="this Excel file cannot be read"):
        await run(core, "households", data=b"PK\x03\x04 not really a workbook", lang="en")
