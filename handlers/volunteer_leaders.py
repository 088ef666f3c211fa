"""Leaders and volunteers: approve or decline applications (buttons on the card, /pending),
the volunteer list with suspend / reinstate (/volunteers, /suspend)."""
from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.i18n import t, tp
from bot.services.people import volunteers
from bot.services.kernel.notifier import Button
from bot.services.people.volunteers import card_text, decision_buttons

from .base import Ctx, actor_of, core_of, domain_errors, lang_of, say
from .pickers import PER_PAGE, answer, choice_buttons, int_arg, show

PRIVATE = filters.ChatType.PRIVATE
MAX_CARDS = 10


@domain_errors
async def approve(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    profile = await volunteers.approve_volunteer(core_of(context), actor_of(update), int_arg(update))
    await answer(update, tp(lang, "volunteers.approved_short"))
    await _close(update, context, profile.id, "volunteers.you_approved")


@domain_errors
async def decline(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    profile = await volunteers.decline_volunteer(core_of(context), actor_of(update), int_arg(update))
    await answer(update, tp(lang, "volunteers.declined_short"))
    await _close(update, context, profile.id, "volunteers.you_declined")


async def _close(update: Update, context: Ctx, profile_id: int, key: str) -> None:
    """The pressed message says what was decided (other leaders' copies are edited via the outbox)."""
    lang = lang_of(update, context)
    msg = update.effective_message
    body = (msg.text_html if msg is not None and msg.text else "") or ""
    await show(update, body + "\n\n" + t(lang, key))


@domain_errors
async def pending(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    waiting = await volunteers.pending_volunteers(core_of(context), actor_of(update))
    if not waiting:
        await say(update, t(lang, "volunteers.none_pending"))
        return
    await say(update, t(lang, "volunteers.pending_header", n=len(waiting)))
    for view in waiting[:MAX_CARDS]:
        await say(update, card_text(lang, view), decision_buttons(lang, view.profile.id))
    if len(waiting) > MAX_CARDS:
        await say(update, t(lang, "volunteers.pending_more", n=len(waiting) - MAX_CARDS))


async def _render_list(update: Update, context: Ctx, page: int = 0, *, new: bool = False) -> None:
    lang = lang_of(update, context)
    page = max(0, page)
    views, total = await volunteers.grid_volunteers(core_of(context), actor_of(update), offset=page * PER_PAGE,
                                                    limit=PER_PAGE)
    if not views and page:
        page = max(0, (total - 1) // PER_PAGE)  # the list got shorter: show its last page
        views, total = await volunteers.grid_volunteers(core_of(context), actor_of(update), offset=page * PER_PAGE,
                                                        limit=PER_PAGE)
    if not views:
        await show(update, t(lang, "volunteers.list_empty"), new=new)
        return
    lines, grid = [t(lang, "volunteers.list_header", n=total)], None
    rows = []
    for v in views:
        if v.grid.id != grid:
            grid = v.grid.id
            lines.append(t(lang, "volunteers.list_grid", grid=v.grid.name))
        suspended = v.profile.status == "suspended"
        lines.append(t(lang, "volunteers.list_line_suspended" if suspended else "volunteers.list_line",
                       name=v.person.name, skills=volunteers.skills_text(lang, v.profile.skills) or "—"))
        rows.append(((tp(lang, "volunteers.reinstate_button") if suspended else tp(lang, "volunteers.suspend_button"))
                     + " " + v.person.name, f"vol:{'rei' if suspended else 'sus'}:{v.profile.id}"))
    buttons = choice_buttons(rows, lang)
    pages = -(-total // PER_PAGE)
    if pages > 1:
        nav = [Button(tp(lang, "pick.prev"), data=f"vol:ls:{page - 1}")] if page > 0 else []
        nav.append(Button(f"{page + 1}/{pages}", data=f"vol:ls:{page}"))
        if page < pages - 1:
            nav.append(Button(tp(lang, "pick.next"), data=f"vol:ls:{page + 1}"))
        buttons.append(nav)
    context.user_data["vol_list_page"] = page  # type: ignore[index]
    await show(update, "\n".join(lines), buttons, new=new)


@domain_errors
async def volunteer_list(update: Update, context: Ctx) -> None:
    await _render_list(update, context, new=True)


@domain_errors
async def list_page(update: Update, context: Ctx) -> None:
    await _render_list(update, context, int_arg(update))
    await answer(update)


@domain_errors
async def suspend(update: Update, context: Ctx) -> None:
    await volunteers.suspend_volunteer(core_of(context), actor_of(update), int_arg(update))
    await answer(update, tp(lang_of(update, context), "volunteers.suspended_short"))
    await _render_list(update, context, int(context.user_data.get("vol_list_page", 0)))  # type: ignore[union-attr]


@domain_errors
async def reinstate(update: Update, context: Ctx) -> None:
    await volunteers.reinstate_volunteer(core_of(context), actor_of(update), int_arg(update))
    await answer(update, tp(lang_of(update, context), "volunteers.reinstated_short"))
    await _render_list(update, context, int(context.user_data.get("vol_list_page", 0)))  # type: ignore[union-attr]


def build_handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(approve, pattern=r"^vol:ok:\d{1,12}$"),
        CallbackQueryHandler(decline, pattern=r"^vol:no:\d{1,12}$"),
        CallbackQueryHandler(suspend, pattern=r"^vol:sus:\d{1,12}$"),
        CallbackQueryHandler(reinstate, pattern=r"^vol:rei:\d{1,12}$"),
        CallbackQueryHandler(list_page, pattern=r"^vol:ls:\d{1,4}$"),
        CommandHandler("pending", pending, filters=PRIVATE),
        CommandHandler(["volunteers", "suspend"], volunteer_list, filters=PRIVATE),
    ]
