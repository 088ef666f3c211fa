"""The scheduler wired into the running bot (PTB JobQueue / APScheduler): its catch-up tick at start
sends the Friday list, whose log button works; the evening tick then knows the visit is logged."""

from __future__ import annotations

from bot.app import build_application, start_running, stop_running
from bot.services.kernel.clock import FakeClock
from storage.enums import ChatKind

from .support import factories as f
from .support.harness import buttons_of, make_user, text_of
from .support.town import at, keys


async def test_a_bot_started_on_friday_morning_sends_the_list_and_the_button_logs_the_visit(sandbox, db, cfg):
    com = await f.community(db)
    grid = await f.grid(db, com.id)
    leader_p = await f.person(db, 1001, "李网格长", grid_id=grid.id)
    await f.leader(db, leader_p.id, grid.id)
    vol_p = await f.person(db, 2001, "张志愿", grid_id=grid.id)
    await f.volunteer(db, vol_p.id, grid.id)
    home = await f.household(db, grid.id, "幸福里 3 栋 2 单元 401")
    await f.pair(db, vol_p.id, home.id)
    await sandbox.add_group(-1001, "第一网格志愿者群", [1001, 2001])
    await f.bind(db, -1001, grid.id, ChatKind.volunteers)
    vol = await make_user(sandbox, 2001, "张志愿")
    leader = await make_user(sandbox, 1001, "李网格长")
    await sandbox.add_user(2001, "张志愿", language_code="zh-hans", started=True)
    await sandbox.add_user(1001, "李网格长", language_code="zh-hans", started=True)

    clock = FakeClock(at(2026, 11, 20, 9, 30))  # the bot comes up late on Friday morning
    cfg.telegram.base_url = f"http://127.0.0.1:{sandbox.port}/bot"
    app = build_application(cfg, db, clock, run_scheduler=True)
    await start_running(app, poll_timeout=1)
    try:
        listing = await vol.reply(contains="周五入户", timeout=10)  # from the catch-up tick, no command needed
        assert [b["callback_data"] for b in buttons_of(listing)] == [f"visit:log:{home.id}"]
        await vol.press("记录 1.", message=listing)
        await vol.press("", data=f"visit:out:{home.id}:met", message=await vol.reply(contains="2026-W47"))
        await vol.press("", data=f"visit:skip:{home.id}", message=await vol.last(with_button=f"visit:skip:{home.id}"))
        await vol.reply()  # the visit is logged

        clock.set(at(2026, 11, 20, 18, 0))
        await app.bot_data["scheduler"].tick()
        overview = await leader.reply(contains="周五入户概况", timeout=10)
        assert "张志愿 1/1" in text_of(overview)
        assert await keys(db, "visit-reminder") == []  # nothing left to remind about
    finally:
        await stop_running(app)
