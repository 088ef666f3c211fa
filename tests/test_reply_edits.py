"""`edit_or_say`: a button press edits the pressed message in place (Telegram's answer read raw),
pressing again with nothing new changes nothing, and a message whose text cannot be edited (a
photo) gets a new reply instead. Real PTB Application polling the sandbox."""

from __future__ import annotations

import struct
import zlib

from telegram.ext import AIORateLimiter, ApplicationBuilder, CallbackQueryHandler, CommandHandler

from bot.views.message import Button
from handlers.base import edit_or_say, markup, say
from sandbox import SandboxClient, SandboxState, start_server

TOKEN = "123456:reply-edits"
ALICE = 1001


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


async def test_a_press_edits_in_place_and_a_second_identical_press_changes_nothing():
    state = SandboxState()
    runner, port = await start_server("127.0.0.1", 0, state=state)
    base = f"http://127.0.0.1:{port}"
    texts = {"same": "<b>Chosen</b> &lt;again&gt;", "gone": "A new message"}

    async def start(update, context):
        await say(update, "Pick one", [[Button("Same", data="same")]])

    async def photo(update, context):
        await context.bot.send_photo(
            ALICE, png(), caption="A picture", reply_markup=markup([[Button("Gone", data="gone")]])
        )

    async def press(update, context):
        await edit_or_say(
            update,
            texts[update.callback_query.data],
            [[Button("Same", data="same")]] if update.callback_query.data == "same" else None,
        )
        await update.callback_query.answer()  # last: once answered, the edit (or reply) is done

    app = ApplicationBuilder().token(TOKEN).base_url(f"{base}/bot").rate_limiter(AIORateLimiter()).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("photo", photo))
    app.add_handler(CallbackQueryHandler(press))
    async with SandboxClient(base) as sb, app:
        await sb.add_user(ALICE, "Alice", language_code="en")
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            await sb.send(ALICE, "/start")
            card = await sb.wait_bot_message(ALICE, "Pick one")
            sent = (await sb.stats())["sent"]

            qid = await sb.press(ALICE, ALICE, card["message_id"], "same")
            await sb.callback_answer(qid)
            edited = await sb.wait_for(lambda e: e["type"] == "message_edited")
            assert edited["message"]["message_id"] == card["message_id"]
            assert edited["message"]["text"] == "Chosen <again>"  # HTML applied, the escaped text kept
            assert [b["callback_data"] for b in edited["message"]["reply_markup"]["inline_keyboard"][0]] == ["same"]

            qid = await sb.press(ALICE, ALICE, card["message_id"], "same")  # nothing new: "not modified"
            await sb.callback_answer(qid)
            assert (await sb.stats())["sent"] == sent  # no new message, and no error reply either

            await sb.send(ALICE, "/photo")
            pic = await sb.wait_for(lambda e: e["type"] == "photo_sent")
            qid = await sb.press(ALICE, ALICE, pic["message"]["message_id"], "gone")
            await sb.callback_answer(qid)
            fresh = await sb.wait_bot_message(ALICE, "A new message")
            assert fresh["message_id"] != pic["message"]["message_id"]
            assert (await sb.stats())["sent"] == sent + 2  # the photo and the new reply
        finally:
            await app.updater.stop()
            await app.stop()
    await runner.cleanup()
