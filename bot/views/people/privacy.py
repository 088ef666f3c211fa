"""/forgetme: the confirmation."""

from __future__ import annotations

from bot.i18n import tp
from bot.views.message import Button, Keyboard

from .callbacks import PRIVACY_ERASE, PRIVACY_KEEP


def confirm_buttons(lang: str, tg_user_id: int, stamp: int) -> Keyboard:
    """Erase (only for this user, only for a few minutes) or keep."""
    return [
        [Button(tp(lang, "privacy.erase_button"), data=PRIVACY_ERASE.data(tg_user_id, stamp))],
        [Button(tp(lang, "privacy.keep_button"), data=PRIVACY_KEEP.data())],
    ]
