"""Bot API calls whose answer is read raw (a dict), not parsed into python-telegram-bot objects.

Replies and outbox sends only need the new message's id, if anything; turning Telegram's answer
into a Message (user, chat, entities, keyboard objects) cost about 0.2 ms a send, as much as the
rest of building the request (docs/performance.md). Errors are PTB's own (BadRequest, Forbidden,
RetryAfter...), and the call goes through the rate limiter like any other.
"""

from __future__ import annotations

import re
import warnings
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning, PTBUserWarning

# do_api_request is PTB's documented way to get Telegram's answer raw, yet PTB warns ("Please use
# 'Bot.sendMessage'") whenever a known endpoint goes through it; reading the answer raw is the point
# here, so that one warning is ignored. The filter is (re)placed at the front at each call instead of
# once at import: code that resets the filters (pytest does, around every test) would otherwise
# bring the warning back, and `catch_warnings` around an await is not safe with concurrent calls.
# The check is one comparison.
_RAW_CALLS = r"Please use 'Bot\.(sendMessage|editMessageText|editMessageReplyMarkup|getUpdates)'"
_FILTER = ("ignore", re.compile(_RAW_CALLS, re.I), PTBUserWarning, None, 0)  # as warnings.filterwarnings stores it


def _allow_raw_calls() -> None:
    if warnings.filters[:1] != [_FILTER]:
        warnings.filterwarnings("ignore", message=_RAW_CALLS, category=PTBUserWarning)


async def call(bot: Bot, method: str, *, read_timeout: float | None = None, **params: Any) -> Any:
    """`method` ("sendMessage", "editMessageText", "editMessageReplyMarkup", "getUpdates") with `params`; Telegram's
    `result`, raw. `read_timeout`: for a long poll, longer than its `timeout`."""
    _allow_raw_calls()
    if read_timeout is None:
        return await bot.do_api_request(method, api_kwargs=params)
    return await bot.do_api_request(method, api_kwargs=params, read_timeout=read_timeout)


def retry_after_seconds(e: RetryAfter) -> float:
    """How long Telegram asks to wait, in seconds. PTB 22 gives an int and warns that it will become a
    timedelta (unless PTB_TIMEDELTA is set): both are read, the warning is not shown. No await here,
    so catch_warnings is safe."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        after = e.retry_after
    return after.total_seconds() if isinstance(after, timedelta) else float(after)
