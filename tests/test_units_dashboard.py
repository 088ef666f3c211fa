"""Paired units on the dashboard and in the exports (issue 20, point 7): each unit of the viewer's
grids with its members there, this month's tasks, hours and points, and its open claims; the units
export and the volunteers' unit column, in the reader's language, scoped to the viewer's grids."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlalchemy import select

from storage.enums import AssignmentStatus, RequestStatus
from storage.models import Assignment, HelpRequest, PointsEntry, Unit, UnitClaim, UnitCommunity, VolunteerProfile

from .conftest import SHANGHAI
from .support import factories as f
from .support.dashboard import csrf_of, new_client, page, sign_in

BASE = "/dashboard/exports/download?from=2026-11-01&to=2026-11-30"


def _utc(d: int, h: int = 10) -> datetime:
    return datetime(2026, 11, d, h, tzinfo=SHANGHAI).astimezone(UTC)


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
async def units(office):
    """区税务局 (contact 刘书记): 张志愿 of grid A (a task done and 16 points in November) and 孙志愿 of
    grid B (nothing), with a claim still open on grid B's request; "=SUM(1)" paired, no member."""
    o, db = office, office.db
    liu = await f.person(db, 5001, "刘书记")
    async with db.session() as s:
        tax = Unit(name="区税务局", contact_id=liu.id)
        odd = Unit(name="=SUM(1)")
        s.add_all([tax, odd])
        await s.flush()
        s.add_all([UnitCommunity(unit_id=u.id, community_id=o.community.id) for u in (tax, odd)])
        for prof in (await s.execute(select(VolunteerProfile))).scalars():
            prof.unit_id = tax.id
        done = HelpRequest(
            grid_id=o.grid_a.id,
            category="moving",
            summary="搬家",
            when_kind="today",
            status=RequestStatus.completed.value,
        )
        s.add(done)
        await s.flush()
        s.add(
            Assignment(
                request_id=done.id,
                volunteer_id=o.vol_a.id,
                status=AssignmentStatus.done.value,
                done_at=_utc(12),
                hours=3,
            )
        )
        s.add(
            PointsEntry(
                ref="task:x",
                person_id=o.vol_a.id,
                grid_id=o.grid_a.id,
                reason="task",
                points=16,
                hours=3,
                created_at=_utc(12),
            )
        )
        s.add(UnitClaim(request_id=o.req_b.id, unit_id=tax.id, claimed_by=liu.id))
    return o


async def test_the_units_page_shows_each_viewer_their_grids_figures_in_both_languages(units, web_base):
    async with new_client() as c:
        await sign_in(c, units.core, 1001)  # grid A's leader
        status, body = await page(c, f"{web_base}/dashboard/units")
        assert status == 200 and "包联单位" in body and "/dashboard/exports?kind=units" in body
        row = body[body.index("区税务局") :].split("</tr>")[0]
        cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]]
        assert cells[1:] == ["刘书记", "幸福里社区", "1", "1", "3", "16", "0"]  # grid B's claim is not theirs
        assert "=SUM(1)" in body
    async with new_client() as c:
        await sign_in(c, units.core, 9001)  # the admin: both grids
        token = await csrf_of(c, f"{web_base}/dashboard/")
        async with c.post(f"{web_base}/dashboard/lang", data={"lang": "en", "csrf": token, "next": "/dashboard/"}):
            pass
        status, body = await page(c, f"{web_base}/dashboard/units")
        assert status == 200 and "Paired units" in body and "Open claims" in body
        row = body[body.index("区税务局") :].split("</tr>")[0]
        cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]]
        assert cells[3:] == ["2", "1", "3", "16", "1"]
        status, body = await page(c, f"{web_base}/dashboard/units?grid={units.grid_b.id}")
        row = body[body.index("区税务局") :].split("</tr>")[0]
        assert [c.split(">")[-1] for c in row.split("</td>")[:-1]][3:] == ["1", "0", "0", "0", "1"]
        status, _ = await page(c, f"{web_base}/dashboard/units?grid=abc")
        assert status in (400, 404)


async def test_the_units_export_and_the_volunteers_unit_column(units, web_base):
    async with new_client() as c:
        await sign_in(c, units.core, 9001)
        async with c.get(f"{web_base}/dashboard/exports?kind=units") as r:
            assert '<option value="units" selected>' in await r.text()
        async with c.get(f"{web_base}{BASE}&kind=units&format=csv") as r:
            assert r.status == 200 and "redvest-units-2026-11-01-2026-11-30.csv" in r.headers["Content-Disposition"]
            rows = _csv(await r.read())
        assert rows[0] == [
            "工作单位",
            "联系人",
            "结对社区",
            "成员数",
            "完成任务数",
            "时长（小时）",
            "积分",
            "进行中的认领",
        ]
        assert rows[1] == ["'=SUM(1)", "", "幸福里社区", "0", "0", "0.0", "0", "0"]  # neutralised: no formula
        assert rows[2] == ["区税务局", "刘书记", "幸福里社区", "2", "1", "3.0", "16", "1"]
        async with c.get(f"{web_base}{BASE}&kind=volunteers&format=csv") as r:
            vols = _csv(await r.read())
        assert vols[0][14] == "工作单位" and {r[14] for r in vols[1:]} == {"区税务局"}
        token = await csrf_of(c, f"{web_base}/dashboard/")
        async with c.post(f"{web_base}/dashboard/lang", data={"lang": "en", "csrf": token, "next": "/dashboard/"}):
            pass
        async with c.get(f"{web_base}{BASE}&kind=units&format=xlsx") as r:
            wb = openpyxl.load_workbook(io.BytesIO(await r.read()))
        assert wb.sheetnames == ["Paired units"]
        ws = wb.active
        assert [c.value for c in ws[1]][:4] == ["Work unit", "Contact", "Paired communities", "Members"]
        assert ws.cell(row=2, column=1).value == "=SUM(1)" and ws.cell(row=2, column=1).data_type == "s"
    async with new_client() as c:
        await sign_in(c, units.core, 1002)  # grid B's leader: grid B's figures only
        async with c.get(f"{web_base}{BASE}&kind=units&format=csv") as r:
            rows = _csv(await r.read())
        assert rows[2] == ["区税务局", "刘书记", "幸福里社区", "1", "0", "0.0", "0", "1"]


async def test_a_request_held_by_a_unit_names_the_unit_beside_its_member_and_offers_no_lone_reassign(units, web_base):
    """孙志愿 is on grid B's request for 区税务局: the page says so; the unit's place is moved whole on /board,
    so the dashboard's reassign does not offer him alone (it would be refused)."""
    async with units.db.session() as s:
        claim = (await s.execute(select(UnitClaim).where(UnitClaim.request_id == units.req_b.id))).scalars().one()
        s.add(
            Assignment(
                request_id=units.req_b.id,
                volunteer_id=units.vol_b.id,
                status=AssignmentStatus.accepted.value,
                unit_claim_id=claim.id,
            )
        )
    async with new_client() as c:
        await sign_in(c, units.core, 1002)  # grid B's leader
        status, body = await page(c, f"{web_base}/dashboard/requests/{units.req_b.id}")
        assert status == 200 and "孙志愿 · 🏢 区税务局" in body
        assert f"/dashboard/requests/{units.req_b.id}/reassign" not in body
