"""Bot API calls whose answer is read raw (a dict), not parsed into python-telegram-bot objects.

Replies and outbox sends only need the new message's id, if anything; turning Telegram's answer
into a Message (user, chat, entities, keyboard objects) cost about 0.2 ms a send, as much as the
rest of building the request (docs/performance.md). Errors are PTB's own (BadRequest, Forbidden,
RetryAfter...), and the call goes through the rate limiter like any other.
"""
from __future__ import annotations

import warnings
from typing import Any

from telegram import Bot
from telegram.warnings import PTBUserWarning

# PTB points to its typed method when a known endpoint is called raw; here the raw answer is the point
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.(sendMessage|editMessageText|editMessageReplyMarkup|getUpdates)'",
                        category=PTBUserWarning)


async def call(bot: Bot, method: str, *, read_timeout: float | None = None, **params: Any) -> Any:
    """`method` ("sendMessage", "editMessageText", "editMessageReplyMarkup", "getUpdates") with `params`; Telegram's
    `result`, raw. `read_timeout`: for a long poll, longer than its `timeout`."""
    if read_timeout is None:
        return await bot.do_api_request(method, api_kwargs=params)
    return await bot.do_api_request(method, api_kwargs=params, read_timeout=read_timeout)
