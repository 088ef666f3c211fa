"""The sandbox Bot API server, driven by the real python-telegram-bot Bot."""

from __future__ import annotations

import asyncio
import datetime as dtm
import struct
import time
import warnings
import zlib

import aiohttp
import pytest
import telegram
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from sandbox import SandboxClient, SandboxState, start_server
from sandbox.client import SandboxError
from tests.support.waiting import wait_for

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*timedelta")

TOKEN = "123456:TESTtokenTESTtoken"
ALICE, BOB, CAROL = 1001, 1002, 1003
GROUP = -100


@pytest.fixture
async def env():
    state = SandboxState()
    runner, port = await start_server("127.0.0.1", 0, state=state)
    base = f"http://127.0.0.1:{port}"
    bot = telegram.Bot(TOKEN, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot")
    async with SandboxClient(base) as sb, bot:
        await sb.add_user(ALICE, "Alice", language_code="en")
        await sb.add_user(BOB, "Bob", language_code="zh-CN")
        await sb.add_user(CAROL, "Carol")
        yield bot, sb, state, base
    await runner.cleanup()


def retry_secs(e: RetryAfter) -> float:
    with warnings.catch_warnings():  # int before PTB_TIMEDELTA, timedelta after
        warnings.simplefilter("ignore")
        v = e.retry_after
    return v.total_seconds() if isinstance(v, dtm.timedelta) else float(v)


def png(w: int = 4, h: int = 3) -> bytes:
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * w for _ in range(h))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


async def test_get_me_and_unauthorized(env):
    bot, sb, state, base = env
    me = await bot.get_me()
    assert me.id == 123456 and me.username == "redvest_sandbox_bot" and me.is_bot
    async with aiohttp.ClientSession() as s:
        async with s.get(f"{base}/botnope/getMe") as r:
            assert r.status == 401 and (await r.json())["description"] == "Unauthorized"
        async with s.post(f"{base}/bot{TOKEN}/noSuchMethod") as r:
            assert r.status == 404 and (await r.json()) == {"ok": False, "error_code": 404, "description": "Not Found"}
        async with s.post(f"{base}/bot{TOKEN}/sendMessage", json={"chat_id": 999, "text": "x"}) as r:
            assert (await r.json())["description"] == "Bad Request: chat not found"


async def test_send_message_roundtrip_and_limits(env):
    bot, sb, state, _ = env
    with pytest.raises(Forbidden, match="(?i)can't initiate"):
        await bot.send_message(ALICE, "hi")
    sent = await sb.send(ALICE, "/start ref_42")
    assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    ups = await bot.get_updates()
    assert ups[-1].message.text == "/start ref_42" and ups[-1].message.from_user.id == ALICE
    kb = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok:1")]])
    m = await bot.send_message(ALICE, "<b>Hello</b> &amp; welcome", parse_mode="HTML", reply_markup=kb)
    assert m.text == "Hello & welcome" and m.entities[0].type == "bold"
    msgs = await sb.bot_messages(ALICE)
    assert msgs[-1]["text"] == "Hello & welcome"
    assert msgs[-1]["html"] == "<b>Hello</b> &amp; welcome"
    assert msgs[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ok:1"
    await bot.send_message(ALICE, "a" * 4096)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(ALICE, "a" * 4097)
    with pytest.raises(BadRequest, match="(?i)text is empty"):
        await bot.send_message(ALICE, "")
    for bad_html in ("<foo>x</foo>", "<b>x", "<b>x</i>", "1 < 2", "Tom & Jerry"):
        with pytest.raises(BadRequest, match="(?i)can't parse entities"):
            await bot.send_message(ALICE, bad_html, parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(
            ALICE, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
        )
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("Hello & welcome", ALICE, m.message_id, entities=m.entities, reply_markup=kb)
    e = await bot.edit_message_text("Changed", ALICE, m.message_id)
    assert e.text == "Changed" and e.edit_date and e.reply_markup is None
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", ALICE, 9999)


async def test_callback_press_answer(env):
    bot, sb, state, _ = env
    await sb.send(ALICE, "/start")
    kb = InlineKeyboardMarkup([[InlineKeyboardButton("Join", callback_data="join:7")]])
    m = await bot.send_message(ALICE, "Event", reply_markup=kb)
    ups = await bot.get_updates()
    qid = await sb.press(ALICE, ALICE, m.message_id, "join:7")
    ups = await bot.get_updates(offset=ups[-1].update_id + 1)
    assert len(ups) == 1
    cq = ups[0].callback_query
    assert cq.data == "join:7" and cq.message.message_id == m.message_id and cq.id == qid
    await bot.answer_callback_query(cq.id, "Joined!", show_alert=True)
    ans = await sb.callback_answer(qid)
    assert ans["text"] == "Joined!" and ans["show_alert"] is True
    with pytest.raises(SandboxError, match="no button with this callback_data"):
        await sb.press(ALICE, ALICE, m.message_id, "forged")
    assert await sb.press(ALICE, ALICE, m.message_id, "forged", force=True)
    # offset confirms: earlier updates are gone
    ups2 = await bot.get_updates(offset=ups[0].update_id + 1)
    assert [u.callback_query.data for u in ups2] == ["forged"]
    assert await bot.get_updates(offset=ups2[-1].update_id + 1) == ()


async def test_long_poll_wakes(env):
    bot, sb, state, _ = env

    async def later():
        await asyncio.sleep(0.3)
        await sb.send(BOB, "你好")

    task = asyncio.create_task(later())
    t0 = time.monotonic()
    ups = await bot.get_updates(timeout=10)
    assert time.monotonic() - t0 < 3
    assert ups[0].message.text == "你好" and ups[0].message.from_user.language_code == "zh-CN"
    await task


async def test_blocked_user(env):
    bot, sb, state, _ = env
    await sb.send(CAROL, "hello")
    await bot.send_message(CAROL, "hi")
    await sb.block(CAROL, True)
    with pytest.raises(Forbidden, match="(?i)blocked by the user"):
        await bot.send_message(CAROL, "hi again")


async def test_rate_limit_per_second(env):
    bot, sb, state, _ = env
    await sb.send(ALICE, "hi")
    results = await asyncio.gather(*(bot.send_message(ALICE, f"m{i}") for i in range(31)), return_exceptions=True)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], RetryAfter)
    assert retry_secs(errors[0]) >= 1
    st = await sb.stats()
    assert st["rate_limited_429"] == 1 and st["by_method"]["sendMessage"] == 30


async def test_rate_limit_per_group(env):
    bot, sb, state, _ = env
    await sb.set_limits(per_second=1000)
    await sb.add_group(GROUP, "Grid 7", [ALICE, BOB], bot_admin=True)
    for i in range(20):
        await bot.send_message(GROUP, f"g{i}")
    with pytest.raises(RetryAfter) as ei:
        await bot.send_message(GROUP, "one too many")
    assert retry_secs(ei.value) >= 1
    assert (await sb.stats())["per_chat_sent"][str(GROUP)] == 20
    await sb.add_group(-200, "No bot", [ALICE], bot_member=False)
    with pytest.raises(Forbidden, match="(?i)not a member of the group chat"):
        await bot.send_message(-200, "x")


async def test_group_membership_updates(env):
    bot, sb, state, _ = env
    state.set_bot_id(1)  # as if seeded before the bot connected
    await sb.add_group(GROUP, "Grid 7", [ALICE], admins=[BOB], bot_admin=True)
    ups = await bot.get_updates()
    mcm = ups[-1].my_chat_member
    assert mcm.chat.id == GROUP and mcm.new_chat_member.status == "administrator"
    assert mcm.new_chat_member.user.id == 123456
    assert (await bot.get_chat(GROUP)).title == "Grid 7"
    assert (await bot.get_chat_member(GROUP, ALICE)).status == "member"
    assert (await bot.get_chat_member(GROUP, BOB)).status == "creator"
    assert await bot.get_chat_member_count(GROUP) == 3
    link = await bot.create_chat_invite_link(GROUP, name="x")
    assert link.invite_link.startswith("https://t.me/+")
    await sb.add_group(GROUP, "Grid 7", bot_member=False)
    with pytest.raises(Forbidden, match="(?i)kicked"):
        await bot.send_message(GROUP, "x")
    await bot.set_my_commands([("start", "Start"), ("help", "Help")], language_code="zh")
    assert [c.command for c in await bot.get_my_commands(language_code="zh")] == ["start", "help"]
    assert await bot.get_my_commands() == ()


async def test_send_photo_and_fetch(env):
    bot, sb, state, base = env
    await sb.send(ALICE, "hi")
    data = png(40, 30)
    m = await bot.send_photo(ALICE, data, caption="<i>map</i>", parse_mode="HTML")
    assert m.caption == "map" and m.photo[-1].width == 40 and m.photo[-1].height == 30
    f = await bot.get_file(m.photo[-1].file_id)
    assert bytes(await f.download_as_bytearray()) == data
    view = (await sb.bot_messages(ALICE))[-1]
    async with aiohttp.ClientSession() as s:
        async with s.get(base + view["file_url"]) as r:
            assert await r.read() == data
    m2 = await bot.send_photo(ALICE, m.photo[-1].file_id)  # resend by file_id
    assert m2.photo[-1].file_id == m.photo[-1].file_id
    d = await bot.send_document(ALICE, b"a,b\n1,2\n", filename="report.csv")
    assert d.document.file_name == "report.csv"
    with pytest.raises(BadRequest, match="(?i)caption is too long"):
        await bot.send_photo(ALICE, data, caption="c" * 1025)


async def test_webhook_delivery_and_retry(env):
    bot, sb, state, _ = env
    state.webhook_retry_base = 0.05
    got: list[tuple[str | None, dict]] = []
    fail_first = [True]

    async def receiver(request: web.Request) -> web.Response:
        if fail_first[0]:
            fail_first[0] = False
            return web.Response(status=500)
        got.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receiver)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret_X")
        with pytest.raises(telegram.error.Conflict):
            await bot.get_updates()
        await sb.send(ALICE, "one")
        await sb.send(ALICE, "two")
        await wait_for(lambda: len(got) >= 2, what="both updates posted to the webhook")
        assert [u["message"]["text"] for _, u in got] == ["one", "two"]
        assert all(secret == "s3cret_X" for secret, _ in got)
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 0 and "500" in info.last_error_message
        await bot.delete_webhook()
        assert await bot.get_updates() == ()
    finally:
        await runner.cleanup()


async def test_wait_helpers_and_reset(env):
    bot, sb, state, _ = env
    await sb.send(ALICE, "hi")
    since = await sb.last_seq()

    async def later():
        await asyncio.sleep(0.1)
        await bot.send_message(ALICE, "reply here")

    task = asyncio.create_task(later())
    msg = await sb.wait_bot_message(ALICE, "reply", since=since)
    assert msg["text"] == "reply here" and msg["from_bot"]
    await task
    with pytest.raises(AssertionError, match="(?i)reply here"):
        await sb.wait_bot_message(ALICE, "never", timeout=0.2, since=0)
    c = await sb.contact(ALICE, "+8613800000000")
    assert c["contact"]["user_id"] == ALICE
    # default `since` = just before the client's last action: a fast reply is not missed
    await sb.send(ALICE, "/help")
    await bot.send_message(
        ALICE,
        "Share your phone",
        reply_markup=ReplyKeyboardMarkup([[KeyboardButton("Share", request_contact=True)]], one_time_keyboard=True),
    )
    msg = await sb.wait_bot_message(ALICE, "phone")
    assert msg["keyboard_markup"]["keyboard"][0][0]["request_contact"] is True
    assert "reply_markup" not in msg  # Telegram only reports inline keyboards on Message
    await sb.reset()
    assert await sb.users() == [] and (await sb.stats())["sent"] == 0


async def test_browser_ui_is_served(env):
    bot, sb, state, base = env
    async with aiohttp.ClientSession() as s:
        for path, needle in (("/", "app.js"), ("/static/app.js", "sanitize"), ("/static/style.css", "#composer")):
            async with s.get(base + path) as r:
                assert r.status == 200 and needle in await r.text()


async def test_ptb_application_polling(env):
    """A real PTB Application (polling, AIORateLimiter) drives a conversation."""
    from telegram.ext import AIORateLimiter, ApplicationBuilder, CallbackQueryHandler, CommandHandler

    bot, sb, state, base = env

    async def start(update, context):
        kb = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
        await update.message.reply_html(
            f"<b>Hi</b> {update.effective_user.first_name}! args={context.args}", reply_markup=kb
        )

    async def on_press(update, context):
        await update.callback_query.answer("noted")
        await update.callback_query.edit_message_text("You said yes")

    app = ApplicationBuilder().token(TOKEN).base_url(f"{base}/bot").rate_limiter(AIORateLimiter()).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_press))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            await sb.send(ALICE, "/start grid7")
            msg = await sb.wait_bot_message(ALICE, "Hi")
            assert msg["text"] == "Hi Alice! args=['grid7']"
            assert msg["html"].startswith("<b>Hi</b> Alice!")
            qid = await sb.press(ALICE, ALICE, msg["message_id"], "yes")
            assert (await sb.callback_answer(qid))["text"] == "noted"
            edited = await sb.wait_for(lambda e: e["type"] == "message_edited")
            assert edited["message"]["text"] == "You said yes"
        finally:
            await app.updater.stop()
            await app.stop()
