"""/events, sign-up and withdrawal buttons (on group cards and in private), the attendance check.

Callback data: `event:join:<id>`, `event:leave:<id>`, `event:roll:<id>`, `event:att:<id>:<person>:<1|0>`.
/newevent is the conversation in handlers/event_new.py.
"""
from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.i18n import t, tp
from bot.services.events import planning as events
from bot.services.events.signups import Roster
from bot.services.kernel.notifier import Button
from storage.enums import SignupStatus

from . import event_new
from .base import Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, say

STATUS_KEYS = {SignupStatus.signed: "events.status.signed", SignupStatus.withdrawn: "events.status.withdrawn",
               SignupStatus.attended: "events.status.attended", SignupStatus.no_show: "events.status.no_show"}


def _short(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


@domain_errors
async def events_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    views = await events.visible_events(core_of(context), actor_of(update))
    if not views:
        await say(update, t(lang, "events.list.none"))
        return
    lines, buttons = [t(lang, "events.list.header")], []
    private = update.effective_chat is not None and update.effective_chat.type == "private"
    for v in views:
        ev = v.event
        mine = tp(lang, STATUS_KEYS[SignupStatus(v.my_status)]) if v.my_status else "—"
        lines.append(t(lang, "events.list.line", title=ev.title, when=events.local_time(ev.starts_at, v.timezone),
                       place=ev.place, signed=v.signed, slots=ev.slots, mine=mine))
        row: list[Button] = []
        if not v.started and v.my_status == SignupStatus.signed.value:
            row.append(Button(tp(lang, "events.button.leave_title", title=_short(ev.title)), data=f"event:leave:{ev.id}"))
        elif not v.started and v.can_join and v.my_status in (None, SignupStatus.withdrawn.value):
            row.append(Button(tp(lang, "events.button.join_title", title=_short(ev.title)), data=f"event:join:{ev.id}"))
        if v.can_manage and private:
            row.append(Button(tp(lang, "events.button.roll", title=_short(ev.title)), data=f"event:roll:{ev.id}"))
        if row:
            buttons.append(row)
    await say(update, "\n\n".join(lines), buttons)


@domain_errors
async def join_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    lang = lang_of(update, context)
    res = await events.sign_up(core_of(context), actor_of(update), int(q.data.split(":")[2]))
    key = "events.signed_up" if res.changed else "events.already_signed"
    await q.answer(tp(lang, key, title=res.event.title, signed=res.signed, slots=res.event.slots), show_alert=not res.changed)


@domain_errors
async def leave_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    lang = lang_of(update, context)
    res = await events.withdraw(core_of(context), actor_of(update), int(q.data.split(":")[2]))
    key = "events.withdrew" if res.changed else "events.not_signed_up"
    await q.answer(tp(lang, key, title=res.event.title, signed=res.signed, slots=res.event.slots), show_alert=not res.changed)


def render_roster(lang: str, roster: Roster) -> tuple[str, list[list[Button]]]:
    ev = roster.event
    lines = [t(lang, "events.roll.header", title=ev.title, when=events.local_time(ev.starts_at, roster.timezone),
               n=len(roster.lines))]
    if not roster.open_for_check_in:
        lines.append(t(lang, "events.roll.not_yet"))
    buttons = []
    for line in roster.lines:
        lines.append(t(lang, "events.roll.line", name=line.name, status=tp(lang, STATUS_KEYS[SignupStatus(line.status)])))
        if roster.open_for_check_in and line.status != SignupStatus.attended.value:
            buttons.append([Button(tp(lang, "events.button.attended", name=_short(line.name, 16)),
                                   data=f"event:att:{ev.id}:{line.person_id}:1"),
                            Button(tp(lang, "events.button.no_show"), data=f"event:att:{ev.id}:{line.person_id}:0")])
    if not roster.lines:
        lines.append(t(lang, "events.roll.empty"))
    return "\n".join(lines), buttons[:90]


@domain_errors
async def roll_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    lang = lang_of(update, context)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await q.answer(tp(lang, "events.private_only"), show_alert=True)
        return
    roster = await events.roster(core_of(context), actor_of(update), int(q.data.split(":")[2]))
    await q.answer()
    text, buttons = render_roster(lang, roster)
    await say(update, text, buttons)


@domain_errors
async def attendance_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    lang = lang_of(update, context)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await q.answer(tp(lang, "events.private_only"), show_alert=True)
        return
    _, _, event_id, person_id, flag = q.data.split(":")
    res, roster = await events.check_in(core_of(context), actor_of(update), int(event_id), int(person_id), flag == "1")
    key = "events.marked" if res.changed else "events.marked_already"
    await q.answer(tp(lang, key, status=tp(lang, STATUS_KEYS[SignupStatus(res.status)])))
    text, buttons = render_roster(lang, roster)
    await edit_or_say(update, text, buttons)


def build_handlers() -> list[BaseHandler]:
    return [
        event_new.conversation(),
        CommandHandler("events", events_command),
        CallbackQueryHandler(join_button, pattern=r"^event:join:\d{1,9}$"),
        CallbackQueryHandler(leave_button, pattern=r"^event:leave:\d{1,9}$"),
        CallbackQueryHandler(roll_button, pattern=r"^event:roll:\d{1,9}$"),
        CallbackQueryHandler(attendance_button, pattern=r"^event:att:\d{1,9}:\d{1,9}:[01]$"),
    ]
