"""The dashboard tests' fixtures and helpers: the dashboard on its own aiohttp app, a small office
(community, grids, leaders, an admin, volunteers, a request per grid), and a signed-in client.
The fixtures (`web_base`, `office`) are registered in tests/conftest.py."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import aiohttp
import pytest
from aiohttp import web

from bot.services.kernel.roles import Actor
from bot.services.office.login import issue_login_link
from bot.web.dashboard import add_routes
from storage.models import HelpRequest

from . import factories as f


async def start_web(core) -> tuple[web.AppRunner, str]:
    """The dashboard on its own aiohttp app (the production server mounts it the same way)."""
    app = web.Application()
    add_routes(app, core)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    core.cfg.web.public_url = base
    return runner, base


@pytest.fixture
async def web_base(core):
    runner, base = await start_web(core)
    yield base
    await runner.cleanup()


async def add_request(
    db,
    grid_id: int,
    code: str,
    summary: str,
    *,
    address: str,
    phone: str,
    category: str = "elder_care",
    resident_id: int | None = None,
    created_at: dt.datetime | None = None,
) -> HelpRequest:
    """`created_at`: the test clock's time, so that what a test counts by date does not depend on
    the day the suite runs (the row's default is the wall clock)."""
    async with db.session() as s:
        r = HelpRequest(
            grid_id=grid_id,
            code=code,
            category=category,
            summary=summary,
            when_kind="today",
            address=address,
            phone=phone,
            resident_id=resident_id,
            **({"created_at": created_at} if created_at is not None else {}),
        )
        s.add(r)
        await s.flush()
        return r


@pytest.fixture
async def office(core):
    """A community with grids A and B, a leader each, an admin, volunteers and one request per grid."""
    db = core.db
    com = await f.community(db)
    ga, gb = await f.grid(db, com.id, "第一网格"), await f.grid(db, com.id, "第二网格")
    o = SimpleNamespace(core=core, db=db, community=com, grid_a=ga, grid_b=gb)
    o.leader_a = await f.person(db, 1001, "李网格长", grid_id=ga.id)
    await f.leader(db, o.leader_a.id, ga.id)
    o.leader_b = await f.person(db, 1002, "赵网格长", grid_id=gb.id)
    await f.leader(db, o.leader_b.id, gb.id)
    o.admin = await f.person(db, 9001, "社区书记")
    await f.community_admin(db, o.admin.id, com.id)
    o.vol_a = await f.person(db, 2001, "张志愿", grid_id=ga.id, phone="13800000001")
    await f.volunteer(db, o.vol_a.id, ga.id)
    o.vol_b = await f.person(db, 2101, "孙志愿", grid_id=gb.id, phone="13800000009")
    await f.volunteer(db, o.vol_b.id, gb.id)
    o.resident = await f.person(db, 3001, "王奶奶", grid_id=ga.id)
    o.req_a = await add_request(
        db,
        ga.id,
        "A-0001",
        "帮忙买菜",
        address="幸福里 3 栋 401",
        phone="13900000001",
        resident_id=o.resident.id,
        created_at=core.clock.now(),
    )
    o.req_b = await add_request(
        db, gb.id, "A-0002", "修水管", address="平安里 7 栋 102", phone="13900000002", created_at=core.clock.now()
    )
    return o


def new_client() -> aiohttp.ClientSession:
    # unsafe=True: keep cookies from an IP-address host (127.0.0.1)
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def sign_in(client: aiohttp.ClientSession, core, tg_user_id: int) -> None:
    link = await issue_login_link(core, Actor(tg_user_id=tg_user_id))
    async with client.get(link.url) as r:
        assert r.status == 200
        body = await r.text()
        token = re.search(r'name="t" value="([^"]+)"', body).group(1)
        csrf = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
    async with client.post(link.url.split("?")[0], data={"t": token, "csrf": csrf}) as r:
        assert r.status == 200 and str(r.url).endswith("/dashboard/")


async def csrf_of(client: aiohttp.ClientSession, url: str) -> str:
    async with client.get(url) as r:
        return re.search(r'name="csrf" value="([^"]+)"', await r.text()).group(1)


async def page(client: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with client.get(url) as r:
        return r.status, await r.text()
