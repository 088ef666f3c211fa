"""Proof of a task done, end to end: after Done the volunteer may send photos (up to MAX_PHOTOS) and
press Send or Skip; the resident and the grid's leaders get them (an album through the outbox), the
volunteer group never does; the dashboard shows them on the request's page, fetched from Telegram
through the bot; old buttons and forged photo links change nothing."""

import io

from sqlalchemy import select

from bot.services.requests import MAX_PHOTOS
from storage.models import ProofPhoto
from tests.support.dashboard import new_client, sign_in, start_web
from tests.support.harness import buttons_of, text_of
from tests.support.stale import press_old, snapshot
from tests.support.waiting import settle, wait_for
from tests.test_tasks_flow import accept, new_request, started

ADDRESS = "幸福里 3 栋 2 单元 401"


def png(shade: int) -> bytes:
    """A small real PNG (what a phone sends is a JPEG; the sandbox takes either)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (shade, 80, 80)).save(out, format="PNG")
    return out.getvalue()


async def report_done(w, vol, req):
    await accept(vol, w, req.code)
    details = await vol.reply(contains=ADDRESS)
    await vol.press("完成", message=details)
    await vol.reply(contains="小时")
    await vol.send("1")
    await vol.reply(contains="1")
    await vol.send("修好了")
    return await vol.reply(contains="已报完成")


async def photos_in(w, chat: int) -> list[dict]:
    return [m for m in await w.sb.bot_messages(chat) if m.get("photo")]


async def test_photos_after_done_reach_the_resident_and_the_leaders_never_the_group(world):
    w = world
    await started(w)
    req, _ = await new_request(w)
    vol = w.volunteers[0]
    ask = await report_done(w, vol, req)
    assert "照片" in text_of(ask) and [b["text"] for b in buttons_of(ask)] == ["跳过"]
    await w.resident.reply(contains="办好了吗")
    for shade in (10, 200):
        await vol.send_photo(png(shade))
    got = await vol.reply(contains="第 2 张")
    await vol.press("发送照片", message=got)
    await vol.reply(contains="2 张照片已发给居民和网格长")
    album = await wait_for(lambda: photos_in(w, w.resident.id), what="the resident's photos")
    assert len(album) == 2 and album[0]["media_group_id"] == album[1]["media_group_id"]
    assert "张志愿" in text_of(album[0]) and req.code in text_of(album[0])
    lead = await wait_for(lambda: photos_in(w, w.leader.id), what="the leader's photos")
    assert len(lead) == 2 and "志愿者" in text_of(lead[0])
    await settle(w)
    assert await photos_in(w, w.volunteer_group) == [] and await photos_in(w, w.resident_group) == []
    async with w.db.session() as s:
        kept = (await s.execute(select(ProofPhoto))).scalars().all()
        assert [(p.request_id, p.volunteer_id) for p in kept] == [(req.id, w.volunteer_people[0].id)] * 2
    # the same Send pressed again: the report is over, nothing changes
    before = await snapshot(w.db)
    again = await vol.press("发送照片", message=got, force=True)
    assert again["text"] and "\n" not in again["text"].strip()
    await settle(w)
    assert await snapshot(w.db) == before


async def test_in_english_skip_and_the_limit(world):
    w = world
    await started(w)
    vol = w.volunteers[1]
    await w.sb.add_user(vol.id, vol.name, language_code="en")
    req, _ = await new_request(w)
    await accept(vol, w, req.code)
    details = await vol.reply(contains=ADDRESS)
    await vol.press("Done", message=details)
    await vol.reply(contains="hours")
    await vol.send("2")
    await vol.reply(contains="2")
    await vol.send("fixed")
    ask = await vol.reply(contains="Send photos")
    await vol.send("a word instead of a photo")  # not taken by the photo step: the bot's usual answer
    assert text_of(await vol.reply())
    for shade in range(MAX_PHOTOS + 2):
        await vol.send_photo(png(shade * 20))
        await vol.reply(contains="received")
    full = await vol.last(with_button="Send photos")
    assert f"{MAX_PHOTOS} photos received, that is the most" in text_of(full)
    await vol.press(f"Send photos ({MAX_PHOTOS})", message=full)
    await vol.reply(contains=f"{MAX_PHOTOS} photos sent")
    assert len(await wait_for(lambda: photos_in(w, w.leader.id), what="the leader's photos")) == MAX_PHOTOS
    # another task, skipped
    req2, _ = await new_request(w, summary="帮忙搬花盆")
    await accept(vol, w, req2.code)
    details = await vol.reply(contains=ADDRESS)
    await vol.press("Done", message=details)
    await vol.reply(contains="hours")
    await vol.send("1")
    await vol.reply(contains="1")
    await vol.send("done")
    ask = await vol.reply(contains="Skip")
    await vol.press("Skip", message=ask)
    await vol.reply(contains="no photos")
    del ask
    async with w.db.session() as s:
        assert len((await s.execute(select(ProofPhoto).where(ProofPhoto.request_id == req2.id))).scalars().all()) == 0


async def test_the_dashboard_shows_the_photos_to_the_grids_viewers_only(world):
    w = world
    await started(w)
    req, _ = await new_request(w)
    vol = w.volunteers[0]
    await report_done(w, vol, req)
    await vol.send_photo(png(123))
    got = await vol.reply(contains="第 1 张")
    await vol.press("发送照片", message=got)
    await vol.reply(contains="1 张照片已发给")
    async with w.db.session() as s:
        (photo,) = (await s.execute(select(ProofPhoto))).scalars().all()
    from bot.web.server import build_web_app

    app = build_web_app(w.bot.core, w.bot.app, webhook_route=False, metrics_route=False)
    from aiohttp import web

    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    w.bot.core.cfg.web.public_url = base
    try:
        async with new_client() as c:
            await sign_in(c, w.bot.core, w.leader.id)
            async with c.get(f"{base}/dashboard/requests/{req.id}") as r:
                page = await r.text()
            src = f"/dashboard/requests/{req.id}/photos/{photo.id}"
            assert src in page and "服务照片" in page and "张志愿" in page
            async with c.get(base + src) as r:
                assert r.status == 200 and r.content_type == "image/png"
                assert await r.read() == png(123)
            async with c.get(f"{base}/dashboard/requests/{req.id}/photos/{photo.id + 1}") as r:
                assert r.status == 404
        async with new_client() as c:  # grid B's leader: not their request
            await sign_in(c, w.bot.core, w.leader_b.id)
            async with c.get(base + src) as r:
                assert r.status == 404
    finally:
        await runner.cleanup()
    # the dashboard alone (no bot to ask Telegram): the page shows, the photo says why it is missing
    runner, alone = await start_web(w.bot.core)
    try:
        async with new_client() as c:
            await sign_in(c, w.bot.core, w.leader.id)
            async with c.get(alone + src) as r:
                assert r.status == 503
    finally:
        await runner.cleanup()


async def test_an_old_photos_button_changes_nothing(world):
    w = world
    vol = w.volunteers[0]
    await vol.send("/start")
    await settle(w)
    outcome = await press_old(w, vol, "requests.callbacks.TASK_PHOTOS", "task:photos:done")
    assert outcome.problems() == []


async def test_after_done_the_volunteer_can_still_write_to_the_resident(world):
    """The photo step takes photos and its two buttons only: a message typed after Done goes where
    it would have gone without it (here the relay to the resident)."""
    w = world
    await started(w)
    req, _ = await new_request(w, phone=None)
    vol = w.volunteers[0]
    await report_done(w, vol, req)
    details = await vol.last(with_button="给居民留言")
    await vol.press("给居民留言", message=details)
    await vol.reply(contains="王奶奶")
    await vol.send("灯泡的发票放在桌上了")
    await vol.reply(contains="已转给")
    await w.resident.reply(contains="发票放在桌上")
