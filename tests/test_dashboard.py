"""The web dashboard over plain HTTP (aiohttp client): who sees what, and the actions that go through
the bot's own services (signing in: tests/test_dashboard_signin.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.services.kernel.errors import NotAllowed
from bot.services.kernel.roles import Actor
from bot.services.office.login import issue_login_link
from storage.enums import VolunteerStatus
from storage.models import AuditEntry, HelpRequest, LoginToken, VolunteerProfile

from .support import factories as f
from .support.dashboard import csrf_of, new_client, page, sign_in
from .support.harness import text_of


# ---------------------------------------------------------------- who sees what
async def test_leader_sees_their_grid_with_contacts_and_nothing_of_another_grid(office, web_base):
    async with new_client() as c:
        await sign_in(c, office.core, 1001)
        status, board = await page(c, f"{web_base}/dashboard/requests")
        assert status == 200 and "A-0001" in board and "帮忙买菜" in board
        assert "A-0002" not in board and "修水管" not in board
        _, mine = await page(c, f"{web_base}/dashboard/requests/{office.req_a.id}")
        assert "幸福里 3 栋 401" in mine and "13900000001" in mine
        status, other = await page(c, f"{web_base}/dashboard/requests/{office.req_b.id}")
        assert status == 404 and "平安里" not in other and "13900000002" not in other
        status, _ = await page(c, f"{web_base}/dashboard/requests?grid={office.grid_b.id}")
        assert status == 404
        _, vols = await page(c, f"{web_base}/dashboard/volunteers")
        assert "张志愿" in vols and "13800000001" in vols
        assert "孙志愿" not in vols and "13800000009" not in vols


async def test_admin_sees_every_grid_of_their_community(office, web_base):
    async with new_client() as c:
        await sign_in(c, office.core, 9001)
        _, board = await page(c, f"{web_base}/dashboard/requests")
        assert "A-0001" in board and "A-0002" in board
        _, b_only = await page(c, f"{web_base}/dashboard/requests?grid={office.grid_b.id}")
        assert "A-0002" in b_only and "A-0001" not in b_only
        _, detail = await page(c, f"{web_base}/dashboard/requests/{office.req_b.id}")
        assert "平安里 7 栋 102" in detail


async def test_people_who_lead_nothing_get_no_link(office):
    for tg in (2001, 3001, 777):  # a volunteer, a resident, a stranger
        with pytest.raises(NotAllowed):
            await issue_login_link(office.core, Actor(tg_user_id=tg))
    async with office.db.session() as s:
        assert (await s.execute(select(LoginToken))).scalars().all() == []


async def test_pages_need_a_session(office, web_base):
    async with new_client() as c:
        for path in (
            "/dashboard/",
            "/dashboard/requests",
            "/dashboard/volunteers",
            "/dashboard/exports/download?kind=requests",
        ):
            status, body = await page(c, web_base + path)
            assert status == 401 and "/dashboard" in body and "A-0001" not in body
        c.cookie_jar.update_cookies({"redvest_dashboard": "forged-session-value"})
        status, _ = await page(c, f"{web_base}/dashboard/requests")
        assert status == 401


async def test_a_leader_who_loses_the_role_is_signed_out(office, web_base):
    from storage.models import RoleGrant

    async with new_client() as c:
        await sign_in(c, office.core, 1001)
        async with office.db.session() as s:
            for g in (await s.execute(select(RoleGrant).where(RoleGrant.person_id == office.leader_a.id))).scalars():
                await s.delete(g)
        status, body = await page(c, f"{web_base}/dashboard/requests")
        assert status == 401 and "A-0001" not in body


# ---------------------------------------------------------------- actions through the bot's services
async def test_approving_a_volunteer_uses_the_bots_service_and_its_checks(office, web_base):
    newbie = await f.person(office.db, 2005, "新志愿", grid_id=office.grid_a.id)
    prof = await f.volunteer(office.db, newbie.id, office.grid_a.id, status=VolunteerStatus.pending)
    async with new_client() as c:  # leader of grid B may not approve grid A's volunteer
        await sign_in(c, office.core, 1002)
        token = await csrf_of(c, f"{web_base}/dashboard/")
        async with c.post(f"{web_base}/dashboard/volunteers/{prof.id}/approve", data={"csrf": token}) as r:
            assert r.status in (403, 404)
    async with office.db.session() as s:
        assert (await s.get(VolunteerProfile, prof.id)).status == "pending"
    async with new_client() as c:
        await sign_in(c, office.core, 1001)
        _, vols = await page(c, f"{web_base}/dashboard/volunteers")
        assert "新志愿" in vols
        token = await csrf_of(c, f"{web_base}/dashboard/volunteers")
        async with c.post(f"{web_base}/dashboard/volunteers/{prof.id}/approve", data={"csrf": token}) as r:
            assert r.status == 200 and ("已通过" in await r.text())
    async with office.db.session() as s:
        assert (await s.get(VolunteerProfile, prof.id)).status == "approved"
        audit = (await s.execute(select(AuditEntry).where(AuditEntry.action == "volunteer.approve"))).scalars().all()
        assert [a.actor_id for a in audit] == [office.leader_a.id]


async def test_closing_a_request_from_the_dashboard_is_audited_and_shown_in_the_timeline(office, web_base):
    async with new_client() as c:
        await sign_in(c, office.core, 1001)
        url = f"{web_base}/dashboard/requests/{office.req_a.id}"
        token = await csrf_of(c, url)
        async with c.post(f"{url}/close", data={"csrf": token, "reason": "家属已帮忙"}) as r:
            body = await r.text()
            assert r.status == 200 and "已关闭" in body and "网格长关闭" in body and "李网格长" in body
        async with c.post(f"{url}/close", data={"csrf": token, "reason": "again"}) as r:
            assert r.status in (400, 409) or "已关闭" in await r.text()
    async with office.db.session() as s:
        assert (await s.get(HelpRequest, office.req_a.id)).status == "closed"


# ---------------------------------------------------------------- absurd input
@pytest.mark.parametrize(
    "query",
    [
        "status=<script>alert(1)</script>",
        "category=' OR 1=1 --",
        "from=2026-13-45",
        "from=2026-11-30&to=2026-11-01",
        "grid=99999999999999999999",
        "page=-1",
        "status=" + "x" * 5_000,
        "grid=%D8%A7%D9%84",
    ],
)
async def test_absurd_filters_get_a_clear_answer(office, web_base, query):
    async with new_client() as c:
        await sign_in(c, office.core, 1001)
        status, body = await page(c, f"{web_base}/dashboard/requests?{query}")
        assert status in (200, 404) and "<script>alert" not in body
        if status == 200:
            assert "A-0001" in body  # the page still works, with the default filter


async def test_every_page_renders_for_an_admin_in_both_languages(office, web_base):
    async with new_client() as c:
        await sign_in(c, office.core, 9001)
        token = await csrf_of(c, f"{web_base}/dashboard/")
        for lang, word in (("zh-CN", "概览"), ("en", "Overview")):
            async with c.post(f"{web_base}/dashboard/lang", data={"lang": lang, "csrf": token, "next": "/dashboard/"}):
                pass
            for path in (
                "/dashboard/",
                "/dashboard/requests",
                "/dashboard/volunteers",
                "/dashboard/households",
                "/dashboard/households?stale=1",
                "/dashboard/events",
                "/dashboard/emergency",
                "/dashboard/exports",
            ):
                status, body = await page(c, web_base + path)
                assert status == 200, path
                assert word in body and "dash." not in body and "export." not in body, path


# ---------------------------------------------------------------- /dashboard in the bot
async def test_dashboard_command_is_refused_in_groups_and_to_people_who_lead_nothing(world):
    await world.leader.send("/dashboard", chat=world.volunteer_group)
    group_reply = await world.leader.reply(chat=world.volunteer_group)
    assert "私聊" in text_of(group_reply) and not group_reply.get("entities", [])
    assert "http" not in text_of(group_reply)
    await world.resident_en.send("/dashboard")
    refusal = text_of(await world.resident_en.reply())
    assert "grid leaders and community admins" in refusal
    await world.volunteers[0].send("/dashboard")
    assert "网格长和社区管理员" in text_of(await world.volunteers[0].reply())
    async with world.db.session() as s:
        assert (await s.execute(select(LoginToken))).scalars().all() == []


async def test_dashboard_command_sends_a_personal_one_time_link(world):
    await world.leader.send("/dashboard")
    msg = await world.leader.reply()
    links = [e["url"] for e in msg.get("entities", []) if e.get("type") == "text_link"]
    assert len(links) == 1 and "/dashboard/login?t=" in links[0] and "10" in text_of(msg)
    await world.leader.send("/dashboard")
    second = [e["url"] for e in (await world.leader.reply()).get("entities", []) if e.get("type") == "text_link"]
    assert second[0] != links[0]  # a fresh link each time


async def test_without_a_secret_key_a_random_one_is_used_and_never_logged(office, caplog):
    from bot.services.office import login

    login._process_key = None
    office.core.cfg.web.secret_key = ""
    with caplog.at_level("WARNING"):
        link = await issue_login_link(office.core, Actor(tg_user_id=1001))
    assert "web.secret_key is not set" in caplog.text
    assert login._process_key is not None and login._process_key.hex() not in caplog.text
    office.core.cfg.web.secret_key = "configured-secret"
    assert await login.check_login_link(office.core, link.url.split("t=")[1]) == login.LinkState.invalid


async def test_dispatch_and_reassign_keep_the_bots_rules(office, web_base):
    other = await f.person(office.db, 2002, "王志愿", grid_id=office.grid_a.id)
    await f.volunteer(office.db, other.id, office.grid_a.id)
    async with new_client() as c:
        await sign_in(c, office.core, 1001)
        url = f"{web_base}/dashboard/requests/{office.req_a.id}"
        token = await csrf_of(c, url)
        async with c.post(f"{url}/dispatch", data={"csrf": token, "volunteer": str(office.vol_b.id)}) as r:
            assert r.status == 403  # a volunteer of another grid: refused by the service, nothing assigned
        async with c.post(
            f"{web_base}/dashboard/requests/{office.req_b.id}/dispatch",
            data={"csrf": token, "volunteer": str(office.vol_a.id)},
        ) as r:
            assert r.status == 404  # another grid's request
        async with c.post(f"{url}/dispatch", data={"csrf": token, "volunteer": "<b>"}) as r:
            assert r.status == 400
        async with c.post(f"{url}/dispatch", data={"csrf": token, "volunteer": str(office.vol_a.id)}) as r:
            assert r.status == 200 and "已派单" in await r.text()
        async with c.post(
            f"{url}/reassign", data={"csrf": token, "from": str(office.vol_a.id), "to": str(other.id)}
        ) as r:
            body = await r.text()
            assert r.status == 200 and "已改派" in body and "改派" in body
    from storage.models import Assignment

    async with office.db.session() as s:
        rows = (
            (
                await s.execute(
                    select(Assignment).where(Assignment.request_id == office.req_a.id).order_by(Assignment.id)
                )
            )
            .scalars()
            .all()
        )
        assert [(a.volunteer_id, a.status) for a in rows] == [(office.vol_a.id, "removed"), (other.id, "accepted")]
        actions = (
            (await s.execute(select(AuditEntry.action).where(AuditEntry.entity == "request").order_by(AuditEntry.id)))
            .scalars()
            .all()
        )
        assert actions == ["task.dispatch", "task.reassign", "task.dispatch"]
