"""Exports of people and events: volunteers (with the period's points and hours), households (with
their visit ledger: a second XLSX sheet, one CSV cell) and events (sign-ups and attendance), from
the dashboard and `redvest export`, in the reader's language, scoped to the viewer's grids, with
no cell a spreadsheet would run and phones as text cells."""

from __future__ import annotations

import asyncio
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
from bot.views.labels import value_label
from bot.views.people.labels import skills_text, status_text, work_group_text
from bot.views.places.labels import flags_text
from storage.enums import PointsReason, SignupStatus
from storage.models import DoorVisit, Event, EventSignup, Household, Person
from storage.points import award

from .conftest import SHANGHAI
from .support import factories as f
from .support.dashboard import csrf_of, new_client, sign_in

NOV = (datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date())


def _utc(y: int, mo: int, d: int, h: int = 10) -> datetime:
    return datetime(y, mo, d, h, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
async def town(office):
    """The office with a month of life in grid A (visits, points, events) and a little in grid B."""
    o, db = office, office.db
    o.home_a = await f.household(db, o.grid_a.id, "幸福里 3 栋 401", members="王奶奶")
    o.home_a2 = await f.household(db, o.grid_a.id, "幸福里 5 栋 102", care_flags="", members="刘爷爷")
    o.home_b = await f.household(db, o.grid_b.id, "平安里 7 栋 102", members="陈阿姨")
    await f.pair(db, o.vol_a.id, o.home_a.id)
    async with db.session() as s:
        await s.execute(
            update(Household).where(Household.id == o.home_a.id).values(phone="13700000007", note="门锁坏了")
        )
        for week, day, outcome, flags in (("2026-W45", 6, "met", ""), ("2026-W46", 13, "needs_help", "safety")):
            s.add(
                DoorVisit(
                    household_id=o.home_a.id,
                    volunteer_id=o.vol_a.id,
                    grid_id=o.grid_a.id,
                    week=week,
                    outcome=outcome,
                    red_flags=flags,
                    note=f"第{day}日",
                    created_at=_utc(2026, 11, day),
                )
            )
        s.add(  # October: outside the period
            DoorVisit(
                household_id=o.home_a.id,
                volunteer_id=o.vol_a.id,
                grid_id=o.grid_a.id,
                week="2026-W43",
                outcome="not_home",
                created_at=_utc(2026, 10, 23),
            )
        )
        for ref, pts, hours, when in (
            ("task:1:1", 10, 2.5, _utc(2026, 11, 5)),
            ("task:0:1", 99, 9.0, _utc(2026, 10, 5)),
        ):
            await award(
                s,
                ref=ref,
                person_id=o.vol_a.id,
                reason=PointsReason.task,
                points=pts,
                hours=hours,
                grid_id=o.grid_a.id,
                community_id=o.community.id,
                now=when,
            )
        events = [
            Event(community_id=o.community.id, grid_id=o.grid_a.id, title="楼道清洁", place="3 栋", starts_at=_utc(2026, 11, 14), slots=8),
            Event(community_id=o.community.id, grid_id=None, kind="service_day", title="红色服务日", place="广场", starts_at=_utc(2026, 11, 21), slots=20),
            Event(community_id=o.community.id, grid_id=o.grid_b.id, title="平安里义诊", starts_at=_utc(2026, 11, 15), slots=5),
            Event(community_id=o.community.id, grid_id=o.grid_a.id, title="十二月活动", starts_at=_utc(2026, 12, 5), slots=5),
        ]  # fmt: skip
        s.add_all(events)
        await s.flush()
        for event, who, status in (
            (events[0], o.vol_a, SignupStatus.attended),
            (events[0], o.vol_b, SignupStatus.no_show),
            (events[1], o.vol_a, SignupStatus.signed),
            (events[1], o.vol_b, SignupStatus.withdrawn),
        ):
            s.add(EventSignup(event_id=event.id, volunteer_id=who.id, status=status.value))
    return o


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def _export(o, viewer: Person, kind: str, fmt: str = "csv", lang: str = "zh-CN", *, contacts=False, grid=None):
    scope = viewer_export_scope(await load_scope(o.core, viewer.id), grid, contacts)
    return await export_bytes(o.core, ExportRequest(kind, *NOV, fmt, lang), scope, export_labels(lang))


def _no_formulas(wb) -> None:
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


async def test_volunteers_with_the_periods_points_and_hours_in_both_languages(town):
    zh = _csv(await _export(town, town.leader_a, "volunteers"))
    assert zh[0][:8] == ["志愿者", "网格", "状态", "队伍", "党员", "技能", "突击队", "报名日期"]
    assert zh[0][8:] == ["积分", "时长（小时）", "完成任务数", "走访次数", "参加活动次数", "最近活动", "工作单位"]
    assert [r[0] for r in zh[1:]] == ["张志愿"]  # the leader's grid only; no phone without contacts
    row = zh[1]
    assert row[1:7] == [
        "第一网格",
        status_text("zh-CN", "approved"),
        work_group_text("zh-CN", "resident"),
        "否",
        skills_text("zh-CN", ["elder_care", "repairs"]),
        "否",
    ]
    assert row[8:13] == ["10", "2.5", "0", "2", "1"]  # October's 99 points are not November's
    assert row[13] == "2026-11-14 10:00"  # the last thing done by the period's end: the clean-up
    en = _csv(await _export(town, town.admin, "volunteers", lang="en", contacts=True))
    assert en[0][:3] == ["Volunteer", "Grid", "Status"] and en[0][-1] == "Phone"
    assert [r[0] for r in en[1:]] == ["张志愿", "孙志愿"]
    assert en[1][2:4] == [status_text("en", "approved"), work_group_text("en", "resident")]
    assert en[1][-1] == "13800000001" and en[2][8] == "0"


async def test_households_with_their_visit_ledger_csv_in_one_cell_xlsx_on_a_second_sheet(town):
    zh = _csv(await _export(town, town.leader_a, "households"))
    assert zh[0] == [
        "住户",
        "网格",
        "人数",
        "关爱类别",
        "结对志愿者",
        "走访次数",
        "最近走访",
        "最近走访结果",
        "发现问题",
        "走访记录",
    ]
    assert [r[0] for r in zh[1:]] == [f"#{town.home_a.id}", f"#{town.home_a2.id}"]  # not grid B's
    a = zh[1]
    assert a[1:9] == ["第一网格", "1", flags_text("zh-CN", ["elderly_alone"]), "张志愿", "2", "2026-11-13 10:00", value_label("zh-CN", "outcome", "needs_help"), value_label("zh-CN", "flag", "safety")]  # fmt: skip
    met, needs_help, safety = (value_label("zh-CN", *x) for x in (("outcome", "met"), ("outcome", "needs_help"), ("flag", "safety")))  # fmt: skip
    assert a[9] == f"2026-11-06 张志愿：{met}；2026-11-13 张志愿：{needs_help}（{safety}）"  # not October's
    assert zh[2][5:] == ["0", "", "", "", ""]
    assert "幸福里" not in str(zh) and "王奶奶" not in str(zh) and "门锁坏了" not in str(zh)
    en = _csv(await _export(town, town.admin, "households", lang="en", contacts=True))
    assert en[0][:5] == ["Household", "Grid", "Address", "Members", "Phone"] and en[0][-2:] == ["Note", "Visits"]
    assert en[1][2:5] == ["幸福里 3 栋 401", "王奶奶", "13700000007"] and en[1][-2] == "门锁坏了"
    met, needs_help, safety = (value_label("en", *x) for x in (("outcome", "met"), ("outcome", "needs_help"), ("flag", "safety")))  # fmt: skip
    assert en[1][-1] == f"2026-11-06 张志愿: {met}; 2026-11-13 张志愿: {needs_help} ({safety})"
    assert [r[1] for r in en[1:]] == ["第一网格", "第一网格", "第二网格"]

    wb = openpyxl.load_workbook(io.BytesIO(await _export(town, town.admin, "households", "xlsx", "en", contacts=True)))
    assert wb.sheetnames == ["Households", "Visits per household"]
    homes = list(wb["Households"].iter_rows(values_only=True))
    assert homes[0][-1] == "Note" and len(homes) == 4 and homes[1][9] == datetime(2026, 11, 13, 10, 0)
    sheet = wb["Households"]  # what a clerk sees on opening it: the header stays, dates read as dates
    assert sheet.freeze_panes == "A2" and sheet["J2"].number_format == "yyyy-mm-dd hh:mm"
    ledger = list(wb["Visits per household"].iter_rows(values_only=True))
    assert ledger[0] == (
        "Household",
        "Grid",
        "Address",
        "Date",
        "Week",
        "Volunteer",
        "Outcome",
        "Problems found",
        "Note",
    )
    assert ledger[1:] == [
        (f"#{town.home_a.id}", "第一网格", "幸福里 3 栋 401", datetime(2026, 11, 6, 10), "2026-W45", "张志愿", met, None, "第6日"),
        (f"#{town.home_a.id}", "第一网格", "幸福里 3 栋 401", datetime(2026, 11, 13, 10), "2026-W46", "张志愿", needs_help, safety, "第13日"),
    ]  # fmt: skip
    _no_formulas(wb)


async def test_events_with_sign_ups_and_attendance_the_grids_and_the_communitys(town):
    zh = _csv(await _export(town, town.leader_a, "events"))
    assert zh[0] == [
        "开始时间",
        "活动名称",
        "类型",
        "地点",
        "网格",
        "名额",
        "报名人数",
        "到场人数",
        "未到人数",
        "志愿者",
        "到场志愿者",
        "已取消",
    ]
    assert zh[1:] == [  # not grid B's 义诊, not December's
        ["2026-11-14 10:00", "楼道清洁", "活动", "3 栋", "第一网格", "8", "2", "1", "1", "张志愿和孙志愿", "张志愿", "否"],
        ["2026-11-21 10:00", "红色服务日", "红色服务日", "广场", "全社区", "20", "1", "0", "0", "张志愿", "", "否"],
    ]  # fmt: skip
    en = _csv(await _export(town, town.leader_b, "events", lang="en"))
    assert [(r[1], r[2], r[4]) for r in en[1:]] == [
        ("平安里义诊", "Event", "第二网格"),
        ("红色服务日", "Red service day", "whole community"),
    ]
    assert en[0][:2] == ["Starts", "Event"]


async def test_cells_that_look_like_formulas_stay_text_and_phones_are_text_cells(town):
    async with town.db.session() as s:
        await s.execute(update(Person).where(Person.id == town.vol_a.id).values(name='=HYPERLINK("x")', phone="+8613800001111"))  # fmt: skip
        await s.execute(update(Household).where(Household.id == town.home_a.id).values(note="+1", phone="+8613800001111"))  # fmt: skip
    vols = _csv(await _export(town, town.leader_a, "volunteers", contacts=True))
    assert vols[1][0] == '\'=HYPERLINK("x")' and vols[1][-1] == "'+8613800001111"
    homes = _csv(await _export(town, town.leader_a, "households", contacts=True))
    assert homes[1][-2] == "'+1" and homes[1][7] == '\'=HYPERLINK("x")'  # the paired volunteer, too

    wb = openpyxl.load_workbook(io.BytesIO(await _export(town, town.leader_a, "volunteers", "xlsx", contacts=True)))
    _no_formulas(wb)
    name, phone = wb.active["A2"], wb.active.cell(row=2, column=wb.active.max_column)
    assert (name.value, name.data_type) == ('=HYPERLINK("x")', "s")
    assert (phone.value, phone.data_type, phone.number_format) == ("+8613800001111", "s", "@")
    wb = openpyxl.load_workbook(io.BytesIO(await _export(town, town.leader_a, "households", "xlsx", contacts=True)))
    _no_formulas(wb)
    home = list(wb.worksheets[0].iter_rows(min_row=2, max_row=2))[0]
    assert home[4].value == "+8613800001111" and home[4].number_format == "@" and home[-1].value == "+1"
    assert wb.worksheets[1]["F2"].value == '=HYPERLINK("x")'


async def test_dashboard_downloads_each_kind_in_the_viewers_language_and_only_their_grids(town, web_base):
    base = f"{web_base}/dashboard/exports/download?from=2026-11-01&to=2026-11-30"
    async with new_client() as c:
        await sign_in(c, town.core, 1001)  # grid A's leader
        async with c.get(f"{web_base}/dashboard/volunteers") as r:
            assert "/dashboard/exports?kind=volunteers" in await r.text()
        async with c.get(f"{web_base}/dashboard/exports?kind=events") as r:
            assert '<option value="events" selected>' in await r.text()
        firsts = {
            "volunteers": ("志愿者", "Volunteer"),
            "households": ("住户", "Household"),
            "events": ("开始时间", "Starts"),
        }
        for lang in ("zh-CN", "en"):
            token = await csrf_of(c, f"{web_base}/dashboard/")
            async with c.post(f"{web_base}/dashboard/lang", data={"lang": lang, "csrf": token, "next": "/dashboard/"}):
                pass
            for kind, heads in firsts.items():
                async with c.get(f"{base}&kind={kind}&format=csv") as r:
                    assert (
                        r.status == 200
                        and f"redvest-{kind}-2026-11-01-2026-11-30.csv" in r.headers["Content-Disposition"]
                    )
                    rows = _csv(await r.read())
                assert rows[0][0] == heads[lang == "en"]
                assert "第二网格" not in str(rows) and "孙志愿" not in str(rows[1:] if kind != "events" else [])
                async with c.get(f"{base}&kind={kind}&format=xlsx") as r:
                    wb = openpyxl.load_workbook(io.BytesIO(await r.read()))
                assert wb.active.cell(row=1, column=1).value == heads[lang == "en"]
                async with c.get(f"{base}&kind={kind}&format=csv&grid={town.grid_b.id}") as r:
                    assert r.status == 404  # another grid: as if it did not exist


# ---------------------------------------------------------------- the terminal
@pytest.fixture
def stamped(town, monkeypatch):
    from alembic import command

    from storage.migrate import alembic_config

    command.stamp(alembic_config(town.db.url), "head")
    monkeypatch.setenv("REDVEST_DATABASE_URL", town.db.url)
    monkeypatch.delenv("REDVEST_CONFIG", raising=False)
    return town


@pytest.mark.parametrize("kind", ["volunteers", "households", "events"])
async def test_cli_exports_people_and_events_by_grid_in_both_languages(stamped, tmp_path, capsys, kind):
    def argv(out, *more):
        return ["export", kind, "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out), *more]

    csv_out, xlsx_out = tmp_path / f"{kind}.csv", tmp_path / f"{kind}.xlsx"
    assert await asyncio.to_thread(cli_main, argv(csv_out, "--grid", "第二网格")) == 0
    rows = _csv(csv_out.read_bytes())
    assert rows[0][0] == {"volunteers": "志愿者", "households": "住户", "events": "开始时间"}[kind]
    assert "第一网格" not in str(rows) and {r[1] if kind != "events" else r[4] for r in rows[1:]} <= {
        "第二网格",
        "全社区",
    }
    assert len(rows) == 1 + {"volunteers": 1, "households": 1, "events": 2}[kind]
    assert await asyncio.to_thread(cli_main, argv(xlsx_out, "--community", "幸福里社区", "--lang", "en")) == 0
    wb = openpyxl.load_workbook(xlsx_out)
    sheet = {"volunteers": "Volunteers", "households": "Households", "events": "Events"}[kind]
    assert wb.sheetnames[0] == sheet and "Exporting " + sheet in capsys.readouterr().err
    assert len(list(wb.active.iter_rows())) == 1 + {"volunteers": 2, "households": 3, "events": 3}[kind]
    _no_formulas(wb)
