"""Signing in to the web dashboard over plain HTTP: one-time links, the sign-in form's CSRF token,
forged and expired links, sessions, the language switch and logging out."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.services.kernel.roles import Actor
from bot.services.office.login import issue_login_link
from storage.models import HelpRequest, LoginToken, WebSession

from .support.dashboard import csrf_of, new_client, page, sign_in


async def test_link_works_once_and_the_cookie_is_httponly_and_samesite(office, web_base):
    link = await issue_login_link(office.core, Actor(tg_user_id=1001))
    token = link.url.split("t=", 1)[1]
    async with new_client() as c:
        async with c.get(link.url) as r:  # opening (or a link preview) does not use it up
            assert r.status == 200
            csrf = re.search(r'name="csrf" value="([^"]+)"', await r.text()).group(1)
        async with c.post(f"{web_base}/dashboard/login", data={"t": token, "csrf": csrf}, allow_redirects=False) as r:
            assert r.status == 303
            cookie = r.headers.getall("Set-Cookie")[-1]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/dashboard" in cookie
    async with office.db.session() as s:
        row = (await s.execute(select(LoginToken))).scalars().one()
        assert row.token_hash not in link.url and token.split(".")[0] not in row.token_hash  # only a hash is kept
        sess = (await s.execute(select(WebSession))).scalars().one()
        assert sess.person_id == office.leader_a.id
    async with new_client() as c:
        status, body = await page(c, link.url)
        assert status == 403 and "已被使用" in body  # the default language: zh-CN
        async with c.post(f"{web_base}/dashboard/login", data={"t": token}) as r:
            assert r.status == 403
        status, _ = await page(c, f"{web_base}/dashboard/requests")
        assert status == 401


async def test_signing_in_needs_the_form_this_browser_opened(office, web_base):
    """Login CSRF: a page elsewhere posting a valid link of its own (without the form's token, which
    only a browser that opened the link has) signs nobody in, and leaves the link usable."""
    link = await issue_login_link(office.core, Actor(tg_user_id=1001))
    token = link.url.split("t=", 1)[1]
    async with new_client() as c:
        for data in ({"t": token}, {"t": token, "csrf": "guessed"}):
            async with c.post(f"{web_base}/dashboard/login", data=data) as r:
                assert r.status == 403 and "请重新打开机器人发来的链接" in await r.text()  # default zh-CN
        status, _ = await page(c, f"{web_base}/dashboard/requests")
        assert status == 401
        async with c.get(link.url) as r:  # the form's cookie is kept for the sign-in path only
            cookie = r.headers["Set-Cookie"]
            assert "redvest_login=" in cookie and "HttpOnly" in cookie and "Path=/dashboard/login" in cookie
            assert "SameSite=Strict" in cookie
        async with c.post(f"{web_base}/dashboard/login", data={"t": token, "csrf": "guessed"}) as r:
            assert r.status == 403  # the cookie alone is not enough either
    async with new_client() as c:
        await sign_in(c, office.core, 1001)  # the link was not used up by the refused posts
        status, _ = await page(c, f"{web_base}/dashboard/requests")
        assert status == 200


@pytest.mark.parametrize("tamper", ["expired", "forged_signature", "unknown_token", "garbage"])
async def test_expired_or_forged_links_are_refused(office, web_base, tamper):
    link = await issue_login_link(office.core, Actor(tg_user_id=1001))
    token = link.url.split("t=", 1)[1]
    if tamper == "expired":
        office.core.clock.advance(minutes=11)
    elif tamper == "forged_signature":
        token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    elif tamper == "unknown_token":
        from bot.services.office import login

        raw = "x" * 43
        token = f"{raw}.{login._sign(office.core, raw)}"  # correctly signed, never issued
    else:
        token = "'; DROP TABLE person; -- <script>alert(1)</script>" * 50
    async with new_client() as c:
        status, body = await page(c, f"{web_base}/dashboard/login?t={token}")
        assert status == 403 and "<script>" not in body
        assert ("expired" in body or "过期" in body) if tamper == "expired" else ("not valid" in body or "无效" in body)
        async with c.post(f"{web_base}/dashboard/login", data={"t": token}) as r:
            assert r.status == 403
        status, _ = await page(c, f"{web_base}/dashboard/")
        assert status == 401


async def test_post_without_the_csrf_token_is_refused_and_changes_nothing(office, web_base):
    async with new_client() as c:
        await sign_in(c, office.core, 1001)
        url = f"{web_base}/dashboard/requests/{office.req_a.id}/close"
        for data in ({"reason": "no longer needed"}, {"reason": "no longer needed", "csrf": "wrong"}):
            async with c.post(url, data=data) as r:
                assert r.status == 403
        async with c.post(f"{web_base}/dashboard/lang", data={"lang": "en", "next": "/dashboard/"}) as r:
            assert r.status == 403
    async with office.db.session() as s:
        assert (await s.get(HelpRequest, office.req_a.id)).status == "open"
        assert (await s.execute(select(WebSession))).scalars().one().locale == "zh-CN"


async def test_language_switch_and_logout(office, web_base):
    async with new_client() as c:
        await sign_in(c, office.core, 1001)
        _, zh = await page(c, f"{web_base}/dashboard/")
        assert "本周" in zh and 'lang="zh-CN"' in zh
        token = await csrf_of(c, f"{web_base}/dashboard/")
        async with c.post(
            f"{web_base}/dashboard/lang", data={"lang": "en", "csrf": token, "next": "https://evil.example/"}
        ) as r:
            assert r.status == 200 and str(r.url) == f"{web_base}/dashboard/"  # never an open redirect
            assert "This week" in await r.text()
        async with c.post(f"{web_base}/dashboard/logout", data={"csrf": token}) as r:
            assert r.status == 200
        status, _ = await page(c, f"{web_base}/dashboard/")
        assert status == 401
