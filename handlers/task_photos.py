"""Proof of a task done: after the Done report, the volunteer may send up to MAX_PHOTOS photos and
press Done (they go to the resident and the grid's leaders) or Skip. A step of "task_report"."""

from __future__ import annotations

from telegram import Update

from bot.i18n import t, tn
from bot.services.requests import MAX_PHOTOS, Photo, attach_proof
from bot.views.requests.callbacks import TASK_PHOTOS
from bot.views.requests.proof import photo_received, photos_buttons

from .base import (
    Ctx,
    actor_of,
    core_of,
    drop_keyboard,
    lang_of,
    message_of,
    press_data,
    query_of,
    say,
    superseded,
    user_data,
)
from .task_common import END, PENDING, expired, last_step, take_pending


async def photo_input(update: Update, context: Ctx) -> object:
    """A photo of the work: its largest size's file id, kept in the draft until Done."""
    lang = lang_of(update, context)
    pending = take_pending(context, PENDING)
    if pending is None:
        return await expired(update, context)
    sizes = message_of(update).photo
    photos = pending.setdefault("photos", [])
    if sizes and len(photos) < MAX_PHOTOS:
        photos.append([sizes[-1].file_id, sizes[-1].file_unique_id])
    await say(update, photo_received(lang, len(photos)), photos_buttons(lang, len(photos)))
    return None


@last_step
async def photos_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    if await superseded(update, context, user_data(context).get(PENDING) or {}):
        return None
    (choice,) = TASK_PHOTOS.parse(press_data(update))
    pending = take_pending(context, PENDING)
    if pending is None:
        await query_of(update).answer()
        return await expired(update, context)
    photos = [Photo(str(f), str(u)) for f, u in pending.get("photos") or []]
    if choice == "skip" or not photos:
        user_data(context).pop(PENDING, None)
        await query_of(update).answer()
        await drop_keyboard(query_of(update))
        await say(update, t(lang, "proof.skipped"))
        return END
    kept = await attach_proof(core_of(context), actor_of(update), int(pending.get("id", 0)), photos)
    user_data(context).pop(PENDING, None)
    await query_of(update).answer()
    await drop_keyboard(query_of(update))
    await say(update, tn(lang, "proof.sent", kept))
    return END
