"""Why a process could not start, in one line that says what to do: a busy port, a database that
does not answer, a token Telegram refuses, a Telegram that does not answer. `redvest run` and
`redvest sandbox` exit 2 instead of printing a traceback (or hanging with half their parts started).
The database and Telegram are each given PROBE_SECONDS to answer first, so that one that is down or
silent is told within about 5 s of the command (about 2.5 s of it is Python loading the bot here)."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from telegram.error import InvalidToken, NetworkError, TimedOut

PROBE_SECONDS = 3.0  # the database's and Telegram's first answer
STARTUP_SECONDS = 15.0  # the rest of the start-up, once both have answered


def database_name(url: str) -> str:
    """The database's URL for a message: driver, user, host and name, never a password."""
    return make_url(url).render_as_string(hide_password=True)


def database_problem(url: str, e: BaseException) -> str:
    if isinstance(e, TimeoutError):
        why = f"no answer within {PROBE_SECONDS:g} s"
    else:
        why = str(getattr(e, "orig", None) or e).splitlines()[0][:200] or type(e).__name__
    return f"cannot reach the database {database_name(url)} ({why}): start it, or fix database.url"


def telegram_problem(base_url: str, e: BaseException) -> str | None:
    """None when `e` is not about Telegram."""
    if isinstance(e, InvalidToken):
        return "Telegram refused the bot token: copy it again from @BotFather into telegram.token (or REDVEST_TOKEN)"
    if isinstance(e, (TimedOut, NetworkError)):
        return f"cannot reach Telegram at {base_url} ({e.message}): check the network, a proxy, or telegram.base_url"
    if isinstance(e, TelegramSilent):
        return f"Telegram at {base_url} did not answer within {PROBE_SECONDS:g} s: check the network, a proxy, or telegram.base_url"
    return None


class TelegramSilent(Exception):
    """Telegram accepted the connection but did not answer getMe in time."""
