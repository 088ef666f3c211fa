"""民情速办 on the dashboard: the list of problems found on door visits with their state (only the
viewer's grids; addresses only where the viewer may see them), and one item's page where a leader
sets the owner, the decision and the follow-up date and closes it, with the same checks as in chat."""

from __future__ import annotations

from sqlalchemy import select

from bot.services.kernel.roles import Actor
from bot.services.visits import record_visit
from storage.models import OutboxMessage, VisitIssue
from tests.support import factories as f
from tests.support.dashboard import csrf_of, new_client, page, sign_in


async def _problem(office):
    hh = await f.household(office.db, office.grid_a.id, "幸福里 9 栋 301", members="刘奶奶")
    await f.pair(office.db, office.vol_a.id, hh.id)
    await record_visit(office.core, Actor(2001, "张志愿"), hh.id, "needs_help", "屋顶漏水", ["safety"])
    async with office.db.session() as s:
        return (await s.execute(select(VisitIssue))).scalars().one()


async def test_the_leader_lists_and_settles_a_problem_on_the_dashboard(office, web_base):
    issue = await _problem(office)
    base = f"{web_base}/dashboard/meetings"
    async with new_client() as c:
        await sign_in(c, office.core, 1001)
        status, body = await page(c, base)
        assert status == 200 and f"/dashboard/meetings/{issue.id}" in body and "幸福里 9 栋 301" in body
        assert "屋顶漏水" in body and "待处理" in body and "待办 (1)" in body
        item = f"{base}/{issue.id}"
        token = await csrf_of(c, item)
        async with c.post(f"{item}/close", data={"csrf": token}) as r:
            assert r.status == 400 and "请先记录决定" in await r.text()
        async with c.post(f"{item}/owner", data={"csrf": token, "person": str(office.vol_a.id)}) as r:
            assert r.status == 200 and "已保存" in await r.text()
        async with c.post(f"{item}/decision", data={"csrf": token, "decision": "请物业修屋顶 <b>本周</b>"}) as r:
            text = await r.text()
            assert "请物业修屋顶 &lt;b&gt;本周&lt;/b&gt;" in text and "<b>本周</b>" not in text
        async with c.post(f"{item}/follow_up", data={"csrf": token, "days": "7"}) as r:
            assert r.status == 200
        for bad in ({"days": "5"}, {"days": "x" * 100}, {"days": ""}):
            async with c.post(f"{item}/follow_up", data={"csrf": token, **bad}) as r:
                assert r.status == 400
        async with c.post(f"{item}/decision", data={"csrf": token, "decision": "长" * 10_000}) as r:
            assert r.status == 400
        async with c.post(f"{item}/close", data={"decision": "x"}) as r:  # no CSRF token
            assert r.status == 403
        async with c.post(f"{item}/close", data={"csrf": token}) as r:
            assert r.status == 200 and "已请该户结对志愿者告知住户" in await r.text()
        _, body = await page(c, base)
        assert "近 30 天办结 (1)" in body and "尚未告知" in body
        # English
        async with c.post(f"{web_base}/dashboard/lang", data={"lang": "en", "csrf": token, "next": "/dashboard/"}):
            pass
        _, body = await page(c, base)
        assert "Weekly meeting: problems from door visits" in body and "Closed in the last 30 days (1)" in body
        assert "Safety threat" in body and "Not yet" in body
    async with office.db.session() as s:
        done = await s.get(VisitIssue, issue.id)
        asks = list(
            (await s.execute(select(OutboxMessage).where(OutboxMessage.key == f"meet-tell:{issue.id}"))).scalars()
        )
    assert (done.status, done.owner_id, done.follow_up is not None) == ("closed", office.vol_a.id, True)
    assert [a.chat_id for a in asks] == [2001]


async def test_another_grids_leader_sees_nothing_and_changes_nothing(office, web_base):
    issue = await _problem(office)
    async with new_client() as c:
        await sign_in(c, office.core, 1002)
        _, body = await page(c, f"{web_base}/dashboard/meetings")
        assert "幸福里 9 栋 301" not in body and "屋顶漏水" not in body
        status, body = await page(c, f"{web_base}/dashboard/meetings/{issue.id}")
        assert status == 403 and "幸福里" not in body
        token = await csrf_of(c, f"{web_base}/dashboard/meetings")
        async with c.post(f"{web_base}/dashboard/meetings/{issue.id}/close", data={"csrf": token}) as r:
            assert r.status == 403
    async with new_client() as c:  # the community's admin sees it
        await sign_in(c, office.core, 9001)
        _, body = await page(c, f"{web_base}/dashboard/meetings")
        assert "屋顶漏水" in body
    async with office.db.session() as s:
        assert (await s.get(VisitIssue, issue.id)).status == "open"
