"""Care plans on the dashboard: a row a plan of the viewer's grids (the household by number and its
kind of need, never its address or phone), how often, who does it, its state, the last done and next
due, the last four weeks' done and missed; the navigation links to it; another grid's leader sees
nothing of it; the export gives the same rows as CSV and XLSX, with no cell a formula."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
from sqlalchemy import select

from bot.services.care import create_plan, mark_done, pause_plan, run_day
from bot.services.kernel.roles import Actor
from storage.models import CarePlan, CareTask, Household
from tests.support import factories as f
from tests.support.dashboard import csrf_of, new_client, page, sign_in

LEADER_A = Actor(1001, "李网格长")
WED = date(2026, 11, 18)  # the test clock's day (10:00 in Shanghai)


async def _plans(office):
    """Grid A: a weekly plan (Thursday) done once and missed once, and a daily one paused; grid B: one."""
    elder = await f.household(
        office.db, office.grid_a.id, "幸福里 9 栋 301", care_flags="elderly_alone", members="刘奶奶"
    )
    async with office.db.session() as s:
        (await s.get(Household, elder.id)).phone = "13911112222"
    await f.pair(office.db, office.vol_a.id, elder.id)
    child = await f.household(office.db, office.grid_a.id, "幸福里 2 栋 101", care_flags="left_behind_children")
    other = await f.household(office.db, office.grid_b.id, "平安里 7 栋 102", care_flags="disability")
    weekly = await create_plan(office.core, LEADER_A, elder.id, '=HYPERLINK("x") <b>量血压</b>', weekday=3)
    daily = await create_plan(office.core, LEADER_A, child.id, "和小明通电话", every_days=1)
    await pause_plan(office.core, LEADER_A, daily.id)
    await create_plan(office.core, Actor(1002, "赵网格长"), other.id, "陪同就医", weekday=0)
    # the plan came round on two Thursdays (made by the daily job, as on those mornings)
    first, second = WED - timedelta(days=13), WED - timedelta(days=6)
    async with office.db.session() as s:
        plan = await s.get(CarePlan, weekly.id)
        plan.starts_on = (first - timedelta(days=1)).isoformat()
    await run_day(office.core, office.community.id, first)
    async with office.db.session() as s:
        task = (await s.execute(select(CareTask).where(CareTask.plan_id == weekly.id))).scalars().one()
    await mark_done(office.core, Actor(2001, "张志愿"), task.id, "血压正常")
    await run_day(office.core, office.community.id, second)
    await run_day(office.core, office.community.id, second + timedelta(days=1))  # the second one: missed
    return elder, child, other


async def test_a_leader_sees_the_grids_plans_without_addresses_and_exports_them(office, web_base):
    elder, child, other = await _plans(office)
    async with new_client() as c:
        await sign_in(c, office.core, 1001)
        status, body = await page(c, f"{web_base}/dashboard/")
        assert status == 200 and 'href="/dashboard/care"' in body and "关爱计划" in body
        status, body = await page(c, f"{web_base}/dashboard/care")
        assert status == 200 and "特殊家庭关爱计划" in body
        assert f">#{elder.id}<" in body and f">#{child.id}<" in body and f">#{other.id}<" not in body
        assert "独居老人" in body and "留守儿童" in body
        assert "&lt;b&gt;量血压&lt;/b&gt;" in body and "<b>量血压</b>" not in body
        assert "每周四" in body and "每天" in body and "张志愿" in body and "已暂停" in body
        assert "11月5日周四" in body and "11月19日周四" in body  # last done; next due (Thursday after the clock's day)
        assert '<span class="stale">1</span>' in body and "共 2 项计划 · 暂停 1 项 · 最近 28 天未完成 1 次" in body
        for private in ("幸福里", "13911112222", "刘奶奶", "平安里"):
            assert private not in body, private
        assert "/dashboard/exports?kind=care" in body
        # the export: the same rows, no address, no formula
        url = f"{web_base}/dashboard/exports/download?kind=care&from=2026-11-01&to=2026-11-30&grid=&format="
        async with c.get(url + "csv") as r:
            assert r.status == 200
            text = (await r.read()).decode("utf-8-sig")
        lines = text.splitlines()
        assert lines[0].startswith("住户,网格,关爱类别,服务内容,频次,志愿者,状态,最近完成,下次,完成次数,未完成次数")
        weekly = next(line for line in lines if line.startswith(f"#{elder.id},"))
        assert "'=HYPERLINK" in weekly and "每周四" in weekly and "2026-11-05" in weekly and weekly.endswith(",1,1")
        assert "幸福里" not in text and "13911112222" not in text
        async with c.get(url + "xlsx") as r:
            ws = openpyxl.load_workbook(io.BytesIO(await r.read())).active
        rows = list(ws.iter_rows())
        cell = next(row for row in rows if row[0].value == f"#{elder.id}")[3]
        assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
        assert len(rows) == 3  # the header and grid A's two plans
        # English
        token = await csrf_of(c, f"{web_base}/dashboard/care")
        async with c.post(f"{web_base}/dashboard/lang", data={"lang": "en", "csrf": token, "next": "/dashboard/care"}):
            pass
        _, body = await page(c, f"{web_base}/dashboard/care")
        assert "Care plans for special households" in body and "every Thursday" in body and "every day" in body
        assert "Elderly living alone" in body and "Left-behind" in body
        assert "paused" in body and "Thu, Nov 19" in body


async def test_another_grid_sees_only_its_own_and_a_bad_grid_is_refused(office, web_base):
    elder, child, other = await _plans(office)
    async with new_client() as c:
        await sign_in(c, office.core, 1002)
        _, body = await page(c, f"{web_base}/dashboard/care")
        assert f">#{other.id}<" in body and f">#{elder.id}<" not in body and "量血压" not in body
        status, body = await page(c, f"{web_base}/dashboard/care?grid={office.grid_a.id}")
        assert status in (403, 404) and "量血压" not in body
        status, _ = await page(c, f"{web_base}/dashboard/care?grid=%27%3B--")
        assert status == 400
    async with new_client() as c:  # the community's admin sees both grids, and can narrow to one
        await sign_in(c, office.core, 9001)
        _, body = await page(c, f"{web_base}/dashboard/care")
        assert f">#{other.id}<" in body and f">#{elder.id}<" in body
        _, body = await page(c, f"{web_base}/dashboard/care?grid={office.grid_b.id}")
        assert f">#{other.id}<" in body and f">#{elder.id}<" not in body
