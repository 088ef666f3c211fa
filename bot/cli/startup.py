"""Why a process could not start, in one line that says what to do: a busy port, a database that
does not answer, a token Telegram refuses, a Telegram that does not answer. `redvest run` and
`redvest sandbox` give up within STARTUP_SECONDS and exit 2 instead of printing a traceback (or
hanging with half their parts started)."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from telegram.error import InvalidToken, NetworkError, TimedOut

STARTUP_SECONDS = 4.5  # the whole start-up, so that a refusal comes within 5 s


def database_name(url: str) -> str:
    """The database's URL for a message: driver, user, host and name, never a password."""
    return make_url(url).render_as_string(hide_password=True)


def database_problem(url: str, e: BaseException) -> str:
    if isinstance(e, TimeoutError):
        why = "no answer within a few seconds"
    else:
        why = str(getattr(e, "orig", None) or e).splitlines()[0][:200] or type(e).__name__
    return f"cannot reach the database {database_name(url)} ({why}): start it, or fix database.url"


def telegram_problem(base_url: str, e: BaseException) -> str | None:
    """None when `e` is not about Telegram."""
    if isinstance(e, InvalidToken):
        return "Telegram refused the bot token: copy it again from @BotFather into telegram.token (or REDVEST_TOKEN)"
    if isinstance(e, (TimedOut, NetworkError)):
        return f"cannot reach Telegram at {base_url} ({e.message}): check the network, a proxy, or telegram.base_url"
    return None
