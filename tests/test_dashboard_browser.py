"""The dashboard in a real headless Chromium (Debian's `chromium`, driven by Playwright): a leader
asks the bot in the sandbox for a link, signs in, filters the board, dispatches a request,
downloads an export; forged, expired and reused links are refused; the overview fits a phone."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import async_playwright
from sqlalchemy import select, update

from bot.services.kernel.roles import Actor
from bot.services.requests.intake import RequestDraft, create_request
from storage.models import Assignment, AuditEntry, LoginToken

from .support.dashboard import start_web
from .support.harness import text_of

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(os.environ.get("REDVEST_SCREENSHOTS", "/tmp/redvest-screenshots"))


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium; installed with apt-get on a machine that lacks it (Playwright's own
    browser download cannot work offline, so the suite never uses `playwright install`)."""
    if not Path(CHROMIUM).exists():
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        apt = shutil.which("apt-get")
        steps = [[apt, "update", "-q"], [apt, "install", "-y", "-q", "chromium", "fonts-wqy-microhei"]] if apt else []
        for cmd in steps:
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
            if done.returncode != 0:
                pytest.fail(
                    f"could not install Debian's chromium ({' '.join(cmd[1:3])} exited {done.returncode}): "
                    f"{done.stderr.strip()[-500:]}\nInstall it by hand: apt-get install -y chromium"
                )
        if not Path(CHROMIUM).exists():
            pytest.fail(f"{CHROMIUM} is missing and apt-get is not available: install Debian's chromium package")
    return CHROMIUM


async def _browser(pw, path: str):
    return await pw.chromium.launch(executable_path=path, args=ARGS, headless=True)


async def _link_from_bot(user) -> str:
    await user.send("/dashboard")
    msg = await user.reply()
    urls = [e["url"] for e in msg.get("entities") or [] if e.get("type") == "text_link"]
    assert urls, f"no link in {text_of(msg)!r}"
    return urls[0]


async def _request(core, resident_tg: int, category: str, summary: str):
    return await create_request(
        core,
        Actor(tg_user_id=resident_tg, name="王奶奶"),
        RequestDraft(
            category=category, summary=summary, when_kind="today", address="幸福里 3 栋 2 单元 401", phone="13900000001"
        ),
    )


async def test_leader_signs_in_from_the_bot_filters_dispatches_and_exports(world, chromium, tmp_path):
    core = world.bot.core
    runner, base = await start_web(core)
    try:
        fix = await _request(core, 3001, "repairs", "厨房水龙头漏水")
        await _request(core, 3001, "errands", "帮忙取药")
        volunteer = world.volunteers[0]
        await volunteer.send("/start")  # a bot may only write to people who have talked to it
        await volunteer.reply()
        url = await _link_from_bot(world.leader)
        assert url.startswith(f"{base}/dashboard/login?t=")
        async with async_playwright() as pw:
            browser = await _browser(pw, chromium)
            page = await (await browser.new_context(accept_downloads=True, locale="zh-CN")).new_page()
            await page.goto(url)
            await page.click("button[type=submit]")
            await page.wait_for_url(f"{base}/dashboard/")
            assert "本周" in await page.inner_text("main")

            await page.click("nav >> text=需求")
            await page.select_option("select[name=category]", "repairs")
            await page.click("form.filters button[type=submit]")
            await page.wait_for_url("**category=repairs**")
            board = await page.inner_text("table.board")
            assert "厨房水龙头漏水" in board and "帮忙取药" not in board

            await page.click(f"text={fix.code}")
            assert "幸福里 3 栋 2 单元 401" in await page.inner_text("dl.facts")  # the grid's leader sees it
            await page.select_option("form[action$=dispatch] select[name=volunteer]", label="张志愿")
            await page.click("form[action$=dispatch] button")
            await page.wait_for_url("**done=dispatched")
            assert "已派单" in await page.inner_text("main")
            assert "派单给志愿者" in await page.inner_text("table.timeline")

            await page.click("nav >> text=导出")
            day = core.clock.now().astimezone(ZoneInfo(world.community.timezone)).date()
            await page.fill("input[name=from]", (day - timedelta(days=1)).isoformat())
            await page.fill("input[name=to]", day.isoformat())
            await page.select_option("select[name=format]", "csv")
            async with page.expect_download() as info:
                await page.click("form.filters button[type=submit]")
            download = await info.value
            saved = tmp_path / download.suggested_filename
            await download.save_as(saved)

            # the same link a second time: refused, and no new session
            again = await (await browser.new_context(locale="zh-CN")).new_page()
            await again.goto(url)
            assert "已被使用" in await again.inner_text("main")
            assert await again.locator("button[type=submit]").count() == 0
            await browser.close()
    finally:
        await runner.cleanup()

    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert rows[0][:5] == ["编号", "提出时间", "网格", "类别", "状态"]
    by_code = {r[0]: r for r in rows[1:]}
    assert set(by_code) == {fix.code, next(c for c in by_code if c != fix.code)} and len(rows) == 3
    assert by_code[fix.code][rows[0].index("志愿者")] == "张志愿"
    assert "幸福里" not in saved.read_text(encoding="utf-8-sig")  # contacts were not asked for
    async with core.db.session() as s:
        a = (await s.execute(select(Assignment).where(Assignment.request_id == fix.id))).scalars().one()
        assert a.volunteer_id == world.volunteer_people[0].id and a.dispatched_by is not None
        assert (await s.execute(select(AuditEntry).where(AuditEntry.action == "task.dispatch"))).scalars().one()
    details = await volunteer.reply(contains=fix.code)  # the volunteer got the task through the bot
    assert "幸福里 3 栋 2 单元 401" in text_of(details)


async def test_forged_and_expired_links_are_refused_and_the_overview_fits_a_phone(world, chromium):
    core = world.bot.core
    runner, base = await start_web(core)
    try:
        expired = await _link_from_bot(world.leader)
        async with core.db.session() as s:  # tamper the expiry: as if 11 minutes had gone by
            await s.execute(update(LoginToken).values(expires_at=core.clock.now() - timedelta(minutes=1)))
        good = await _link_from_bot(world.admin)
        await _request(core, 3001, "repairs", "门锁坏了")  # some figures for the charts
        await _request(core, 3001, "errands", "帮忙取快递")
        async with async_playwright() as pw:
            browser = await _browser(pw, chromium)
            ctx = await browser.new_context(
                viewport={"width": 390, "height": 844},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                locale="zh-CN",
            )
            page = await ctx.new_page()
            await page.goto(expired)
            assert "已过期" in await page.inner_text("main")
            await page.goto(good[:-4] + ("0000" if not good.endswith("0000") else "1111"))
            assert "无效" in await page.inner_text("main")
            await page.goto(f"{base}/dashboard/requests")
            assert "发送 /dashboard" in await page.inner_text("main")  # no session: nothing shown

            await page.goto(good)
            await page.click("button[type=submit]")
            await page.wait_for_url(f"{base}/dashboard/")
            overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"the overview is {overflow}px wider than a phone screen"
            assert await page.locator("figure.chart > svg").count() == 4
            SHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SHOTS / "overview-phone.png"), full_page=True)
            await page.click("header button[value=en]")
            await page.wait_for_url(f"{base}/dashboard/")
            assert "This week" in await page.inner_text("main")
            await page.screenshot(path=str(SHOTS / "overview-phone-en.png"), full_page=True)
            await browser.close()
    finally:
        await runner.cleanup()
