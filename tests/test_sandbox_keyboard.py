"""The sandbox's browser chat shows a reply-keyboard button as Telegram does: the bot's label, nothing
added (the bot's "📱 Share my phone number" once, not "📱 📱 ...")."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from handlers.volunteer_profile import share_phone

KEYS_JS = Path(__file__).resolve().parent.parent / "sandbox" / "static" / "keys.js"


def _as_the_browser_shows(button: dict) -> str:
    """The label the sandbox's page (sandbox/static/keys.js) gives a keyboard button, run by node."""
    script = f"process.stdout.write(require({json.dumps(str(KEYS_JS))}).keyLabel({json.dumps(button)}))"
    return subprocess.run(
        [shutil.which("node") or "node", "-e", script], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs the sandbox page's script")
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_the_share_phone_button_shows_one_phone_emoji(bot, lang):
    user = await bot.user(4242, "Ann", lang=lang)
    await user.send("/start")  # Telegram lets a bot write only to someone who has talked to it
    await user.reply()
    await bot.app.bot.send_message(user.id, "phone?", reply_markup=share_phone(lang))
    msg = await bot.sb.wait_bot_message(user.id, "phone?")
    [[button]] = msg["keyboard_markup"]["keyboard"]
    assert button["request_contact"] is True and button["text"].count("📱") == 1
    shown = _as_the_browser_shows(button)
    assert shown == button["text"] and shown.count("📱") == 1
