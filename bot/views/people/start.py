"""/start, /help and the main menu."""

from __future__ import annotations

from bot.i18n import t, tp
from bot.services.people import RoleSummary
from bot.views.message import Button, Keyboard
from storage.enums import VolunteerStatus

from .callbacks import MENU_GRID, MENU_HELP, MENU_REQUEST, MENU_VOLUNTEER


def main_menu(lang: str) -> Keyboard:
    return [
        [Button(tp(lang, "menu.ask_help"), data=MENU_REQUEST.data())],
        [
            Button(tp(lang, "menu.volunteer"), data=MENU_VOLUNTEER.data()),
            Button(tp(lang, "menu.my_grid"), data=MENU_GRID.data()),
        ],
        [Button(tp(lang, "menu.help"), data=MENU_HELP.data())],
    ]


def welcome(lang: str, first_name: str, summary: RoleSummary) -> str:
    text = t(lang, "start.welcome", name=first_name)
    if summary.grid_id is None:
        text += "\n\n" + t(lang, "start.no_grid_hint")
    return text


def to_private(lang: str, bot_username: str | None, start: str, key: str = "start.open_private") -> Keyboard:
    """A button that opens the private chat with the bot (`/start <start>`)."""
    return [[Button(tp(lang, key), url=f"https://t.me/{bot_username}?start={start}")]]


def help_text(lang: str, summary: RoleSummary) -> str:
    parts = [t(lang, "help.intro"), t(lang, "help.resident")]
    if summary.volunteer_status == VolunteerStatus.approved.value:
        parts.append(
            t(lang, "help.volunteer")
            + "\n"
            + t(lang, "help.volunteer_wishes")
            + "\n"
            + t(lang, "help.volunteer_certificate")
        )
    if summary.leads:
        parts.append("\n".join(t(lang, k) for k in ("help.leader", "help.leader_meeting", "help.leader_care")))
    if summary.admin:
        parts.append(t(lang, "help.admin") + "\n" + t(lang, "help.admin_units"))
    return "\n\n".join(parts)
