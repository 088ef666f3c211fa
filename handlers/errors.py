"""The one global error handler: log with the traceback, tell the user something went wrong."""

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError

from bot import metrics
from bot.i18n import t

from .base import Ctx, lang_of, say

log = logging.getLogger("redvest.errors")


async def error_handler(update: object, context: Ctx) -> None:
    metrics.ERRORS.inc()
    # the update may hold addresses or phones: log its id and kind only
    uid = getattr(update, "update_id", None)
    log.error("error while handling update %s: %s", uid, type(context.error).__name__, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None and not isinstance(context.error, (Forbidden,)):
        try:
            await say(update, t(lang_of(update, context), "error.internal"))
        except (Forbidden, NetworkError):
            pass
