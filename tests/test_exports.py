"""Exports: CSV and XLSX for a date range, headers in the viewer's language, contacts only on
request, formula-safe cells, the community's day boundaries, and `redvest export` in a terminal."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlalchemy import update

from bot.cli import main as cli_main
from bot.services.exchange.exports import ExportRequest, export_bytes, viewer_export_scope
from bot.services.office.dashboard import load_scope
from bot.views.exchange import export_labels
from storage.enums import PointsReason
from storage.models import DoorVisit, HelpRequest
from storage.points import award

from .conftest import SHANGHAI
from .support.dashboard import add_request, new_client, sign_in

NOV = (datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date())


async def _at(db, request_id: int, when: datetime) -> None:
    async with db.session() as s:
        # stored in UTC, like every timestamp the services write (SQLite keeps the wall-clock text)
        await s.execute(update(HelpRequest).where(HelpRequest.id == request_id).values(created_at=when.astimezone(UTC)))


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM, so spreadsheet programs read the Chinese right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def _export(
    o,
    tg_person_id: int,
    kind: str,
    fmt: str = "csv",
    lang: str = "zh-CN",
    *,
    contacts: bool = False,
    grid_id: int | None = None,
) -> bytes:
    scope = await load_scope(o.core, tg_person_id)
    return await export_bytes(
        o.core, ExportRequest(kind, *NOV, fmt, lang), viewer_export_scope(scope, grid_id, contacts), export_labels(lang)
    )


async def test_requests_export_has_headers_in_the_viewers_language_and_only_their_grids(office):
    zh = _csv(await _export(office, office.leader_a.id, "requests"))
    assert zh[0][:4] == ["编号", "提出时间", "网格", "类别"] and [r[0] for r in zh[1:]] == ["A-0001"]
    assert zh[1][3] == "助老陪护" and zh[1][4] == "待接单"
    en = _csv(await _export(office, office.leader_a.id, "requests", lang="en"))
    assert en[0][:4] == ["Code", "Created", "Grid", "Category"] and en[1][4] == "waiting for a volunteer"
    admin = _csv(await _export(office, office.admin.id, "requests"))
    assert sorted(r[0] for r in admin[1:]) == ["A-0001", "A-0002"]


async def test_contacts_appear_only_when_asked_for(office):
    plain = (await _export(office, office.leader_a.id, "requests")).decode("utf-8-sig")
    assert "幸福里" not in plain and "13900000001" not in plain and "地址" not in plain
    rows = _csv(await _export(office, office.leader_a.id, "requests", contacts=True))
    assert rows[0][-2:] == ["地址", "电话"] and rows[1][-2:] == ["幸福里 3 栋 401", "13900000001"]


async def test_day_boundaries_are_the_communitys_days(office):
    await _at(office.db, office.req_a.id, datetime(2026, 11, 30, 23, 30, tzinfo=SHANGHAI))  # 15:30 UTC: in
    await _at(office.db, office.req_b.id, datetime(2026, 12, 1, 0, 10, tzinfo=SHANGHAI))  # Nov 30 16:10 UTC: out
    rows = _csv(await _export(office, office.admin.id, "requests"))
    assert [r[0] for r in rows[1:]] == ["A-0001"] and rows[1][1] == "2026-11-30 23:30"


async def test_cells_a_spreadsheet_would_run_are_written_as_text(office):
    await add_request(
        office.db,
        office.grid_a.id,
        "A-0003",
        '=HYPERLINK("http://evil.example","click")',
        address="x",
        phone="1",
        created_at=office.core.clock.now(),
    )
    rows = _csv(await _export(office, office.leader_a.id, "requests"))
    assert rows[2][5] == '\'=HYPERLINK("http://evil.example","click")'
    wb = openpyxl.load_workbook(io.BytesIO(await _export(office, office.leader_a.id, "requests", "xlsx")))
    ws = wb.active
    cell = ws.cell(row=3, column=6)  # a string cell keeps its own text and is never run
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://evil.example","click")'
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


async def test_xlsx_has_a_header_row_real_dates_and_every_row(office):
    async with office.db.session() as s:  # more than one batch
        s.add_all(
            [
                HelpRequest(
                    grid_id=office.grid_a.id,
                    code=f"A-{i:04d}",
                    category="errands",
                    summary=f"第 {i} 件",
                    when_kind="today",
                    created_at=office.core.clock.now(),
                )
                for i in range(4, 1204)
            ]
        )
    data = await _export(office, office.leader_a.id, "requests", "xlsx", lang="en")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Code" and len(rows) == 1 + 1201
    assert isinstance(rows[1][1], datetime)
    assert ws.title == "Requests"


async def test_visits_points_and_hours_exports(office):
    now = office.core.clock.now()
    household = await __import__("tests.support.factories", fromlist=["household"]).household(
        office.db, office.grid_a.id
    )
    async with office.db.session() as s:
        s.add(
            DoorVisit(
                household_id=household.id,
                volunteer_id=office.vol_a.id,
                grid_id=office.grid_a.id,
                week="2026-W47",
                outcome="needs_help",
                note="厨房漏水",
                red_flags="safety",
                created_at=now,
            )
        )
        for ref, reason, pts, hours in (
            ("task:1:1", PointsReason.task, 10, 0.0),
            ("task-hours:1:1", PointsReason.task_hours, 4, 2.0),
            ("visit:1", PointsReason.visit, 3, 0.0),
        ):
            await award(
                s,
                ref=ref,
                person_id=office.vol_a.id,
                reason=reason,
                points=pts,
                hours=hours,
                grid_id=office.grid_a.id,
                community_id=office.community.id,
                now=now,
            )
        await award(
            s,
            ref="task:2:9",
            person_id=office.vol_b.id,
            reason=PointsReason.task,
            points=10,
            grid_id=office.grid_b.id,
            community_id=office.community.id,
            now=now,
        )
    visits = _csv(await _export(office, office.leader_a.id, "visits"))
    assert visits[0][:2] == ["周次", "日期"] and visits[1][4:7] == ["张志愿", "需要帮助", "安全隐患"]
    assert "厨房漏水" not in str(visits) and "幸福里" not in str(visits)
    with_notes = _csv(await _export(office, office.leader_a.id, "visits", contacts=True))
    assert with_notes[1][-1] == "厨房漏水"
    points = _csv(await _export(office, office.leader_a.id, "points", lang="en"))
    assert [r[3] for r in points[1:]] == ["task done", "task hours", "door visit"]
    hours = _csv(await _export(office, office.admin.id, "hours", lang="en"))
    assert hours[0] == ["Volunteer", "Grid", "Points", "Hours", "Tasks done", "Door visits", "Events attended"]
    assert hours[1][:6] == ["张志愿", "第一网格", "17", "2.0", "0", "1"] and hours[2][0] == "孙志愿"


async def test_web_download_is_scoped_to_the_viewer(office, web_base):
    async with new_client() as c:
        await sign_in(c, office.core, 1001)
        url = f"{web_base}/dashboard/exports/download?kind=requests&from=2026-11-01&to=2026-11-30&format=csv"
        async with c.get(url) as r:
            assert r.status == 200 and "attachment" in r.headers["Content-Disposition"]
            rows = _csv(await r.read())
        assert [row[0] for row in rows[1:]] == ["A-0001"]
        async with c.get(url + f"&grid={office.grid_b.id}") as r:
            assert r.status == 404
        async with c.get(url.replace("kind=requests", "kind=passwords")) as r:
            assert r.status == 400 and "导出内容" in await r.text()


# ---------------------------------------------------------------- the terminal
@pytest.fixture
def stamped(office, monkeypatch):
    """The test database marked as migrated, and the CLI pointed at it."""
    from alembic import command

    from storage.migrate import alembic_config

    url = office.db.url
    command.stamp(alembic_config(url), "head")
    monkeypatch.setenv("REDVEST_DATABASE_URL", url)
    monkeypatch.delenv("REDVEST_CONFIG", raising=False)
    return office


async def test_cli_export_writes_xlsx_with_a_progress_bar(stamped, tmp_path, capsys):
    out = tmp_path / "nov.xlsx"
    code = await _cli(
        [
            "export",
            "requests",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--community",
            "幸福里社区",
            "--out",
            str(out),
            "--lang",
            "en",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0 and "Wrote 2 rows" in captured.out and "Exporting Requests" in captured.err
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "Code" and sorted(r[0] for r in rows[1:]) == ["A-0001", "A-0002"]
    assert not (tmp_path / "nov.xlsx.part").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--grid", "没有这个网格"], "没有这个网格"),
        (["--from", "2026-11-30", "--to", "2026-11-01"], "开始日期晚于结束日期"),
    ],
)
async def test_cli_export_explains_bad_input(stamped, tmp_path, capsys, args, message):
    base = {"--from": "2026-11-01", "--to": "2026-11-30"}
    argv = ["export", "visits", "--out", str(tmp_path / "x.csv")] + args
    for k, v in base.items():
        if k not in args:
            argv += [k, v]
    assert await _cli(argv) == 2
    assert message in capsys.readouterr().err and not (tmp_path / "x.csv").exists()


async def test_cli_export_of_one_grid_to_csv(stamped, tmp_path):
    out = tmp_path / "grid.csv"
    assert (
        await _cli(
            [
                "export",
                "requests",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-30",
                "--grid",
                "第二网格",
                "--out",
                str(out),
                "--with-contacts",
            ]
        )
        == 0
    )
    rows = _csv(out.read_bytes())
    assert [r[0] for r in rows[1:]] == ["A-0002"] and rows[1][-2:] == ["平安里 7 栋 102", "13900000002"]


async def _cli(argv: list[str]) -> int:
    """The CLI runs its own event loop: run it in a thread, like a terminal would."""
    import asyncio

    return await asyncio.to_thread(cli_main, argv)
