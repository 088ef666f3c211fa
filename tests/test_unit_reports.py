"""双报告: on the first day of each month each paired unit's contact gets the past month — members,
tasks done, hours and points confirmed, ratings — in their language, with an XLSX; exactly once
across restarts; `redvest report units --month` writes the same files."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC

from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import main
from bot.scheduler import run_due
from bot.services.units import send_unit_reports, unit_report
from storage.enums import AssignmentStatus, RequestStatus, VolunteerStatus
from storage.models import (
    Assignment,
    HelpRequest,
    JobRun,
    OutboxMessage,
    PointsEntry,
    Rating,
    Unit,
    UnitCommunity,
    VolunteerProfile,
)
from tests.support import factories as f
from tests.support.town import at, core_on, payload
from tests.support.waiting import settle

from .test_digest_preview import migrated  # noqa: F401 (the CLI's fixture)

NOV = at(2026, 11, 12, 15, 0)
OCT = at(2026, 10, 30, 15, 0)


async def seed(db, *, contact_lang: str = "en"):
    """A unit 区税务局 (contact: Bob, English) with members 张三 (a task in November, 3 h, five stars),
    李四 (a door visit in November; a task in October) and 王五 (left, nothing this month)."""
    com = await f.community(db)
    grid = await f.grid(db, com.id)
    bob = await f.person(db, 5001, "Bob", language=contact_lang)
    zhang = await f.person(db, 2001, "张三", grid_id=grid.id)
    li = await f.person(db, 2002, "=李四", grid_id=grid.id)  # a name that looks like a formula
    wang = await f.person(db, 2003, "王五", grid_id=grid.id)
    for p, status in ((zhang, VolunteerStatus.approved), (li, VolunteerStatus.approved), (wang, VolunteerStatus.left)):
        await f.volunteer(db, p.id, grid.id, status=status)
    outsider = await f.person(db, 2004, "外人", grid_id=grid.id)
    await f.volunteer(db, outsider.id, grid.id)
    async with db.session() as s:
        unit = Unit(name="区税务局", contact_id=bob.id)
        s.add(unit)
        await s.flush()
        s.add(UnitCommunity(unit_id=unit.id, community_id=com.id))
        for prof in (await s.execute(select(VolunteerProfile))).scalars():
            if prof.person_id != outsider.id:
                prof.unit_id = unit.id
        for who, when, stars in ((zhang, NOV, 5), (li, OCT, 4), (outsider, NOV, 3)):
            req = HelpRequest(
                grid_id=grid.id,
                category="moving",
                summary="搬家",
                when_kind="today",
                status=RequestStatus.completed.value,
            )
            s.add(req)
            await s.flush()
            s.add(
                Assignment(
                    request_id=req.id,
                    volunteer_id=who.id,
                    status=AssignmentStatus.done.value,
                    done_at=when.astimezone(UTC),
                    hours=3,
                )
            )
            s.add(Rating(request_id=req.id, outcome="done", stars=stars))
            s.add(
                PointsEntry(
                    ref=f"task:{req.id}:{who.id}",
                    person_id=who.id,
                    grid_id=grid.id,
                    reason="task",
                    points=16,
                    hours=3,
                    created_at=when.astimezone(UTC),
                )
            )
        s.add(
            PointsEntry(
                ref="visit:1",
                person_id=li.id,
                grid_id=grid.id,
                reason="visit",
                points=3,
                created_at=NOV.astimezone(UTC),
            )
        )
        await s.flush()
        return unit.id


async def test_the_report_counts_the_months_confirmed_work_of_the_units_members(any_db, clock, cfg):
    core = core_on(any_db, clock, cfg)
    unit_id = await seed(any_db)
    r = await unit_report(core, unit_id, "2026-11")
    assert [(m.name, m.tasks_done, m.hours, m.points, m.rated, m.stars) for m in r.members] == [
        ("张三", 1, 3.0, 16, 1, 5.0),
        ("=李四", 0, 0.0, 3, 0, None),
    ]  # 王五 left and did nothing; the outsider is not a member; October is another month
    assert (r.tasks_done, r.hours, r.points, r.rated, r.stars) == (1, 3.0, 19, 1, 5.0)
    october = await unit_report(core, unit_id, "2026-10")
    assert [(m.name, m.tasks_done, m.points) for m in october.members] == [("=李四", 1, 16), ("张三", 0, 0)]


async def test_on_the_first_of_the_month_the_contact_gets_it_once_in_their_language(db, clock, cfg):
    core = core_on(db, clock, cfg)
    await seed(db)
    clock.set(at(2026, 12, 1, 8, 59))
    assert "unit-report" not in {d.job for d in await run_due(core)}
    clock.set(at(2026, 12, 1, 9, 0))
    assert "unit-report" in {d.job for d in await run_due(core)}
    async with db.session() as s:
        rows = (
            (await s.execute(select(OutboxMessage).where(OutboxMessage.key.startswith("unit-report:")))).scalars().all()
        )
        runs = (await s.execute(select(JobRun.period).where(JobRun.job == "unit-report"))).scalars().all()
    assert len(rows) == 1 and rows[0].chat_id == 5001 and rows[0].kind == "document" and runs == ["units:2026-11"]
    p = payload(rows[0])
    assert "区税务局" in p["text"] and "2026-11" in p["text"] and "19 points confirmed" in p["text"]
    assert p["filename"].endswith("-2026-11.xlsx")
    # a restart later that day (a new core, a new scheduler): nothing again
    clock.set(at(2026, 12, 1, 15, 0))
    assert "unit-report" not in {d.job for d in await run_due(core_on(db, clock, cfg))}
    assert await send_unit_reports(core, "2026-11") == 0  # `redvest jobs run` on the same month: nothing new


async def test_the_contact_receives_the_xlsx_through_telegram_in_chinese(bot):
    db = bot.core.db
    await seed(db, contact_lang="zh-hans")
    contact = await bot.user(5001, "Bob")
    await contact.send("/start")
    await contact.reply()
    assert await send_unit_reports(bot.core, "2026-11") == 1
    doc = await contact.reply(contains="区税务局")
    assert "2026-11 成员服务情况" in doc["caption"] and "确认积分 19 分" in doc["caption"]
    data = bot.sb.state.files[doc["document"]["file_id"]]["data"]
    ws = load_workbook(io.BytesIO(data)).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[1][:3] == ["成员", "社区", "网格"]
    assert cells[2][0] == "张三" and cells[2][4:7] == [1, 3, 16]
    assert cells[3][0] == "=李四" and ws.cell(row=4, column=1).data_type == "s"  # text, never a formula
    assert cells[-1][0] == "合计" and cells[-1][6] == 19
    await settle(bot)


async def test_the_cli_writes_each_units_report(migrated, capsys, tmp_path):  # noqa: F811
    await seed(migrated)
    out = tmp_path / "reports"
    out.mkdir()
    assert await asyncio.to_thread(main, ["report", "units", "--month", "2026-11", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "区税务局" in printed and "19 points confirmed" in printed and "<b>" not in printed  # Bob reads English
    (written,) = list(out.iterdir())
    assert written.name.endswith("-2026-11.xlsx") and str(written) in printed
    ws = load_workbook(written).active
    assert ws.cell(row=2, column=1).value == "Member"
    assert (
        await asyncio.to_thread(main, ["report", "units", "--month", "2026-11", "--out", str(out), "--lang", "zh-CN"])
        == 0
    )
    assert "确认积分 19 分" in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["report", "units", "--month", "2026-13"]) == 2
    assert "not a month like 2026-11" in capsys.readouterr().err
    assert (
        await asyncio.to_thread(main, ["report", "units", "--month", "2026-11", "--out", str(tmp_path / "nope")]) == 2
    )
