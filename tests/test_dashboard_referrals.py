"""吹哨 on the dashboard: a request's page and a meeting item's page say which department has it, since
when, its deadline, overdue or not, and the answer; the referrals page lists them per community (open
first, then those decided in the last 30 days), only the viewer's grids, in Chinese and in English."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.services import meetings, referrals
from bot.services.kernel.roles import Actor
from bot.services.visits import record_visit
from storage.enums import ReferralStatus
from storage.models import Referral, VisitIssue
from tests.support import factories as f
from tests.support.dashboard import csrf_of, new_client, page, sign_in

ADMIN = Actor(9001, "社区书记")


async def _forwarded(office):
    """Request A-0001 (grid A) to 城管科 (a contact), a visit problem of grid A to 街道办 (offline)."""
    await f.person(office.db, 5001, "老周")
    city = await referrals.add_department(office.core, ADMIN, "城管科", 5001)
    street = await referrals.add_department(office.core, ADMIN, "街道办", None)
    req = await referrals.forward(office.core, ADMIN, office.req_a.id, city.id, address=False, phone=False, days=3)
    hh = await f.household(office.db, office.grid_a.id, "幸福里 9 栋 301", members="刘奶奶")
    await f.pair(office.db, office.vol_a.id, hh.id)
    await record_visit(office.core, Actor(2001, "张志愿"), hh.id, "needs_help", "楼顶漏水", ["safety"])
    async with office.db.session() as s:
        issue = (await s.execute(select(VisitIssue))).scalars().one()
    item = await referrals.forward_item(office.core, ADMIN, issue.id, street.id, address=False, phone=False, days=1)
    return req, item, issue


async def test_the_request_and_item_pages_and_the_referrals_list_show_where_each_stands(office, web_base, clock):
    req, item, issue = await _forwarded(office)
    async with new_client() as c:
        await sign_in(c, office.core, 1001)  # grid A's leader
        _, body = await page(c, f"{web_base}/dashboard/requests/{office.req_a.id}")
        assert "吹哨转办" in body and "城管科：等待答复" in body and "答复期限" in body and "转交部门" in body
        _, body = await page(c, f"{web_base}/dashboard/referrals")
        assert "幸福里社区" in body and "未办结：2 件（已超期 0 件）" in body
        assert f'href="/dashboard/requests/{office.req_a.id}">A-0001' in body
        assert f'href="/dashboard/meetings/{issue.id}">入户问题 #{issue.id}' in body
        assert "幸福里 9 栋 301" not in body and "刘奶奶" not in body  # the list names no household

        clock.set(clock.now() + timedelta(days=1, minutes=5))  # the item's deadline passes (and the sign-in)
        await sign_in(c, office.core, 1001)
        _, body = await page(c, f"{web_base}/dashboard/referrals")
        assert "未办结：2 件（已超期 1 件）" in body and "⏰ 已超期" in body
        _, body = await page(c, f"{web_base}/dashboard/meetings/{issue.id}")
        assert "街道办：等待答复 · ⏰ 已超期" in body

        await referrals.decide(office.core, ADMIN, item.referral_id, ReferralStatus.answered, "已派人修好 <b>楼顶</b>")
        _, body = await page(c, f"{web_base}/dashboard/meetings/{issue.id}")
        assert "街道办：已答复" in body and "已派人修好 &lt;b&gt;楼顶&lt;/b&gt;" in body and "<b>楼顶" not in body
        _, body = await page(c, f"{web_base}/dashboard/referrals")
        assert "未办结：1 件（已超期 0 件）· 近 30 天已处理：1 件" in body
        assert body.index("A-0001") < body.index(f"入户问题 #{issue.id}")  # the open one first

        token = await csrf_of(c, f"{web_base}/dashboard/")
        async with c.post(f"{web_base}/dashboard/lang", data={"lang": "en", "csrf": token, "next": "/dashboard/"}):
            pass
        _, body = await page(c, f"{web_base}/dashboard/referrals")
        assert "Forwarded to the street office" in body and "Open: 1 (0 past the deadline)" in body
        assert f"visit issue #{issue.id}" in body and "waiting for an answer" in body and "answered" in body
        _, body = await page(c, f"{web_base}/dashboard/requests/{office.req_a.id}")
        assert "城管科: waiting for an answer" in body and "forwarded to a department" in body


async def test_another_grids_leader_sees_none_of_it(office, web_base):
    await _forwarded(office)
    async with new_client() as c:
        await sign_in(c, office.core, 1002)  # grid B's leader
        status, body = await page(c, f"{web_base}/dashboard/referrals")
        assert status == 200 and "A-0001" not in body and "城管科" not in body and "您的网格没有转交部门的事项" in body
        status, _ = await page(c, f"{web_base}/dashboard/referrals?grid={office.grid_a.id}")
        assert status in (403, 404)
        status, _ = await page(c, f"{web_base}/dashboard/referrals?grid=abc")
        assert status == 400


async def test_the_meeting_list_names_each_items_department_and_how_it_stands(office, web_base):
    _, item, issue = await _forwarded(office)
    leader = Actor(1001, "李网格长")
    async with new_client() as c:
        await sign_in(c, office.core, 1001)
        _, body = await page(c, f"{web_base}/dashboard/meetings")
        head, rows = body.split("</thead>", 1) if "</thead>" in body else (body, body)
        assert "转交部门" in head
        assert '街道办<br><span class="st sent">等待答复</span>' in rows

        # the meeting settles it: withdrawn from the department, shown so among the recently closed
        await meetings.record_decision(office.core, leader, issue.id, "社区自行修好")
        await meetings.close_item(office.core, leader, issue.id)
        _, body = await page(c, f"{web_base}/dashboard/meetings")
        assert '街道办<br><span class="st withdrawn">社区已撤回</span>' in body
        _, body = await page(c, f"{web_base}/dashboard/requests/{office.req_a.id}")
        assert "城管科：等待答复" in body  # the request's referral is another matter

        token = await csrf_of(c, f"{web_base}/dashboard/")
        async with c.post(f"{web_base}/dashboard/lang", data={"lang": "en", "csrf": token, "next": "/dashboard/"}):
            pass
        _, body = await page(c, f"{web_base}/dashboard/meetings")
        assert "<th>Department</th>" in body and "withdrawn by the community" in body
    async with office.db.session() as s:
        ref = await s.get(Referral, item.referral_id)
    assert ref.status == "withdrawn"
