"""The dashboard's notices page: every notice sent to the viewer's grids (and to their whole
community), with its audience, sender, time and delivery counts, in both languages; a leader sees
no other grid's notices."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.services.kernel.roles import Actor
from bot.services.loudspeaker import refresh_deliveries, send_announcement
from storage import outbox
from storage.models import OutboxMessage
from tests.support import factories as f
from tests.support.dashboard import csrf_of, new_client, page, sign_in


async def _notices(office) -> None:
    core, o = office.core, office
    for i in range(3):
        await f.person(o.db, 3100 + i, f"居民{i}", grid_id=o.grid_a.id)
    await send_announcement(
        core,
        Actor(1001),
        kind="grid",
        place_id=o.grid_a.id,
        audience="residents",
        urgent=False,
        text="周六停水 <b>通知</b>",
    )
    await send_announcement(
        core, Actor(9001), kind="community", place_id=o.community.id, audience="both", urgent=True, text="台风来了"
    )
    await send_announcement(
        core,
        Actor(1002),
        kind="grid",
        place_id=o.grid_b.id,
        audience="volunteers",
        urgent=False,
        text="第二网格志愿者开会",
    )
    async with o.db.session() as s:  # the first notice fully out, one message refused
        rows = (await s.execute(select(OutboxMessage).where(OutboxMessage.card_ref == "ann:1"))).scalars().all()
        await outbox.mark_sent(s, [(r.id, 1) for r in rows[1:]], core.clock.now())
        await s.execute(update(OutboxMessage).where(OutboxMessage.id == rows[0].id).values(status="skipped"))
    await refresh_deliveries(core)


async def test_the_notices_page_lists_each_notice_with_its_counts(office, web_base):
    await _notices(office)
    async with new_client() as c:
        await sign_in(c, office.core, 1001)  # the leader of grid A
        status, body = await page(c, f"{web_base}/dashboard/notices")
        assert status == 200 and "通知（小喇叭）" in body
        assert "周六停水 &lt;b&gt;通知&lt;/b&gt;" in body and "<b>通知" not in body
        assert "台风来了" in body and "幸福里社区（全社区）" in body and "紧急" in body
        assert "第二网格志愿者开会" not in body  # another grid's
        assert "4/5" in body and "李网格长" in body and "居民和志愿者" in body
        assert "发送中" in body  # the community's notice is still going out
    async with new_client() as c:
        await sign_in(c, office.core, 9001)
        token = await csrf_of(c, f"{web_base}/dashboard/")
        async with c.post(f"{web_base}/dashboard/lang", data={"lang": "en", "csrf": token, "next": "/"}):
            pass
        status, body = await page(c, f"{web_base}/dashboard/notices")
        assert status == 200 and "Notices" in body and "dash." not in body
        assert "第二网格志愿者开会" in body and "Volunteers" in body and "Residents and volunteers" in body
        assert "幸福里社区 (whole community)" in body and "urgent" in body
        status, body = await page(c, f"{web_base}/dashboard/notices?grid={office.grid_b.id}")
        assert "第二网格志愿者开会" in body and "周六停水" not in body
