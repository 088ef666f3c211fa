"""Leaders and volunteers: approve or decline applications (buttons on the card, /pending),
the volunteer list with suspend / reinstate (/volunteers, /suspend)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.i18n import t, tp
from bot.services import people
from bot.views.people import volunteers as views
from bot.views.people.callbacks import VOL_APPROVE, VOL_DECLINE, VOL_LIST_PAGE, VOL_REINSTATE, VOL_SUSPEND
from bot.views.places import PER_PAGE

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, lang_of, press_data, say
from .pickers import answer, show

PRIVATE = filters.ChatType.PRIVATE
MAX_CARDS = 10
LIST_PAGE = "vol_list_page"  # user_data: the page of /volunteers last shown, to re-show after a press


@domain_errors
async def approve(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    await people.approve_volunteer(core_of(context), actor_of(update), VOL_APPROVE.parse_id(press_data(update)))
    await answer(update, tp(lang, "volunteers.approved_short"))
    await _close(update, context, approved=True)


@domain_errors
async def decline(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    await people.decline_volunteer(core_of(context), actor_of(update), VOL_DECLINE.parse_id(press_data(update)))
    await answer(update, tp(lang, "volunteers.declined_short"))
    await _close(update, context, approved=False)


async def _close(update: Update, context: Ctx, *, approved: bool) -> None:
    """The pressed message says what was decided (other leaders' copies are edited via the outbox)."""
    msg = update.effective_message
    body = (msg.text_html if msg is not None and msg.text else "") or ""
    await show(update, views.decided(lang_of(update, context), body, approved))


@domain_errors
async def pending(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    waiting = await people.pending_volunteers(core_of(context), actor_of(update))
    if not waiting:
        await say(update, t(lang, "volunteers.none_pending"))
        return
    await say(update, t(lang, "volunteers.pending_header", n=len(waiting)))
    for view in waiting[:MAX_CARDS]:
        await say(update, *views.pending_card(lang, view))
    if len(waiting) > MAX_CARDS:
        await say(update, t(lang, "volunteers.pending_more", n=len(waiting) - MAX_CARDS))


async def _render_list(update: Update, context: Ctx, page: int = 0, *, new: bool = False) -> None:
    lang = lang_of(update, context)
    page = max(0, page)
    core, actor = core_of(context), actor_of(update)
    found, total = await people.grid_volunteers(core, actor, offset=page * PER_PAGE, limit=PER_PAGE)
    if not found and page:
        page = max(0, (total - 1) // PER_PAGE)  # the list got shorter: show its last page
        found, total = await people.grid_volunteers(core, actor, offset=page * PER_PAGE, limit=PER_PAGE)
    if not found:
        await show(update, t(lang, "volunteers.list_empty"), new=new)
        return
    if context.user_data is not None:
        context.user_data[LIST_PAGE] = page
    await show(update, *views.volunteer_list(lang, found, total, page), new=new)


def _last_page(context: Ctx) -> int:
    return int((context.user_data or {}).get(LIST_PAGE, 0))


@domain_errors
async def volunteer_list(update: Update, context: Ctx) -> None:
    await _render_list(update, context, new=True)


@domain_errors
async def list_page(update: Update, context: Ctx) -> None:
    await _render_list(update, context, VOL_LIST_PAGE.parse_id(press_data(update)))
    await answer(update)


@domain_errors
async def suspend(update: Update, context: Ctx) -> None:
    await people.suspend_volunteer(core_of(context), actor_of(update), VOL_SUSPEND.parse_id(press_data(update)))
    await answer(update, tp(lang_of(update, context), "volunteers.suspended_short"))
    await _render_list(update, context, _last_page(context))


@domain_errors
async def reinstate(update: Update, context: Ctx) -> None:
    await people.reinstate_volunteer(core_of(context), actor_of(update), VOL_REINSTATE.parse_id(press_data(update)))
    await answer(update, tp(lang_of(update, context), "volunteers.reinstated_short"))
    await _render_list(update, context, _last_page(context))


def build_handlers() -> list[AnyHandler]:
    return [
        CallbackQueryHandler(approve, pattern=VOL_APPROVE.pattern),
        CallbackQueryHandler(decline, pattern=VOL_DECLINE.pattern),
        CallbackQueryHandler(suspend, pattern=VOL_SUSPEND.pattern),
        CallbackQueryHandler(reinstate, pattern=VOL_REINSTATE.pattern),
        CallbackQueryHandler(list_page, pattern=VOL_LIST_PAGE.pattern),
        CommandHandler("pending", pending, filters=PRIVATE),
        CommandHandler(["volunteers", "suspend"], volunteer_list, filters=PRIVATE),
    ]
