"""The sandbox's photos both ways: a person sends one (a message with its sizes, the file on getFile),
the bot sends an album of photos Telegram already has (sendMediaGroup), with Telegram's refusals."""

from __future__ import annotations

import base64

import aiohttp
import pytest
import telegram
from telegram import InputMediaPhoto
from telegram.error import BadRequest

from sandbox import SandboxClient, SandboxState, start_server
from tests.test_sandbox import png

TOKEN = "123456:TESTtokenTESTtoken"
ALICE = 1001


@pytest.fixture
async def env():
    state = SandboxState()
    runner, port = await start_server("127.0.0.1", 0, state=state)
    base = f"http://127.0.0.1:{port}"
    bot = telegram.Bot(TOKEN, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot")
    async with SandboxClient(base) as sb, bot:
        await sb.add_user(ALICE, "Alice", language_code="en")
        yield bot, sb, base
    await runner.cleanup()


async def _send_photo(base: str, data: bytes) -> tuple[int, dict]:
    body = {"user_id": ALICE, "data": base64.b64encode(data).decode(), "caption": "the tap, fixed"}
    async with aiohttp.ClientSession() as http, http.post(f"{base}/sandbox/api/photo", json=body) as r:
        return r.status, await r.json()


async def test_a_person_sends_a_photo_and_the_bot_gets_it_and_its_file(env):
    bot, sb, base = env
    status, sent = await _send_photo(base, png(200, 100))
    assert status == 200
    (update,) = await bot.get_updates()
    photo = update.message.photo
    assert update.message.caption == "the tap, fixed" and (photo[-1].width, photo[-1].height) == (200, 100)
    assert len(photo) == 2 and photo[0].width == 90  # a thumbnail first, as Telegram does
    f = await bot.get_file(photo[-1].file_id)
    assert bytes(await f.download_as_bytearray()) == png(200, 100)
    status, refused = await _send_photo(base, b"")
    assert status == 400 and "empty" in refused["error"]


async def test_the_bot_sends_an_album_of_known_photos(env):
    bot, sb, base = env
    await _send_photo(base, png(10, 10))
    await _send_photo(base, png(20, 20))
    ids = [u.message.photo[-1].file_id for u in await bot.get_updates()]
    sent = await bot.send_media_group(
        ALICE, [InputMediaPhoto(ids[0], caption="<b>two</b>", parse_mode="HTML"), InputMediaPhoto(ids[1])]
    )
    assert len(sent) == 2 and sent[0].media_group_id == sent[1].media_group_id
    assert sent[0].caption == "two" and sent[1].caption is None
    shown = [m for m in await sb.bot_messages(ALICE) if m.get("photo")]
    assert [m["message_id"] for m in shown] == [m.message_id for m in sent]
    with pytest.raises(BadRequest, match="2 to 10"):
        await bot.send_media_group(ALICE, [InputMediaPhoto(ids[0])] * 11)
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_media_group(ALICE, [InputMediaPhoto("no-such-file"), InputMediaPhoto(ids[1])])
