"""/visits (my paired households), household details, and the ledger 民情台账 (/ledger).

Everything here shows addresses, so it answers only in private chats. The visit log itself
(buttons `visit:log:<household_id>`, bot/views/visits) is the conversation in handlers/visit_log.py.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.services import visits
from bot.services.kernel.errors import InvalidInput
from bot.views import visits as view
from bot.views.visits import households as pages

from . import visit_log
from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, say


async def private_only(update: Update, context: Ctx) -> bool:
    """Addresses never go to groups: in a group, answer with a pointer to the private chat."""
    chat = update.effective_chat
    if chat is not None and chat.type == "private":
        return True
    lang = lang_of(update, context)
    if update.callback_query is not None:
        await update.callback_query.answer(pages.private_only_alert(lang), show_alert=True)
    else:
        await say(update, *pages.private_only(lang, context.bot.username))
    return False


@domain_errors
async def visits_command(update: Update, context: Ctx) -> None:
    if not await private_only(update, context):
        return
    mine = await visits.my_households(core_of(context), actor_of(update))
    await say(update, *pages.my_households(lang_of(update, context), mine))


@domain_errors
async def visits_page_button(update: Update, context: Ctx) -> None:
    """◀️/▶️ of /visits: the list as it is now (a page past its end shows the last)."""
    q = update.callback_query
    assert q is not None and q.data is not None
    if not await private_only(update, context):
        return
    mine = await visits.my_households(core_of(context), actor_of(update))
    await edit_or_say(update, *pages.my_households(lang_of(update, context), mine, view.MINE_PAGE.parse_id(q.data)))
    await q.answer()


@domain_errors
async def details_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    if not await private_only(update, context):
        return
    screen = await visits.household_screen(core_of(context), actor_of(update), view.INFO.parse_id(q.data))
    await q.answer()
    lang = lang_of(update, context)
    await say(update, *pages.household(lang, screen.household, screen.building, screen.can_move, screen.can_log))


async def show_ledger(update: Update, context: Ctx, household_id: int) -> None:
    book = await visits.ledger_of(core_of(context), actor_of(update), household_id)
    await say(update, pages.ledger(lang_of(update, context), book))


@domain_errors
async def ledger_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    if not await private_only(update, context):
        return
    await show_ledger(update, context, view.LEDGER.parse_id(q.data))
    await q.answer()


@domain_errors
async def ledger_command(update: Update, context: Ctx) -> None:
    if not await private_only(update, context):
        return
    args = context.args or []
    if args:
        if len(args) != 1 or not args[0].isdigit() or len(args[0]) > 9:
            raise InvalidInput("visit.error.bad_ledger_arg")
        await show_ledger(update, context, int(args[0]))
        return
    await ledger_page(update, context, 0)


async def ledger_page(update: Update, context: Ctx, page: int) -> None:
    result = await visits.ledger_households(core_of(context), actor_of(update), page)
    text, buttons = pages.ledger_page(lang_of(update, context), result)
    if update.callback_query:
        await edit_or_say(update, text, buttons)
    else:
        await say(update, text, buttons)


@domain_errors
async def ledger_page_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    if not await private_only(update, context):
        return
    await ledger_page(update, context, view.LEDGER_PAGE.parse_id(q.data))
    await q.answer()


def build_handlers() -> list[AnyHandler]:
    return [
        visit_log.conversation(),
        CommandHandler("visits", visits_command),
        CommandHandler("ledger", ledger_command),
        CallbackQueryHandler(details_button, pattern=view.INFO.pattern),
        CallbackQueryHandler(ledger_button, pattern=view.LEDGER.pattern),
        CallbackQueryHandler(ledger_page_button, pattern=view.LEDGER_PAGE.pattern),
        CallbackQueryHandler(visits_page_button, pattern=view.MINE_PAGE.pattern),
    ]
