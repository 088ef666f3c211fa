"""The buttons that group chats' messages carry: a request's card (接单, the unit's claim), an
event's card (sign up, withdraw), an emergency call-up, binding a group, the main menu, the
leaderboard and the honour list. Every other button belongs to a private chat, where its answer
may show a resident's address or phone; pressed in a group (an old or a forged press), it only
gets an alert pointing to the private chat (handlers/group_buttons.py)."""

from __future__ import annotations

from bot.i18n import tp

from . import emergency, events, honour, points
from .callbacks import Callback
from .people import callbacks as people
from .places import callbacks as places
from .requests import callbacks as requests

# by their modules, so that each codec keeps its home's name (tests/support/stale.every_codec)
IN_GROUPS: tuple[Callback, ...] = (
    requests.TASK_ACCEPT,
    requests.TASK_UNIT_CLAIM,
    events.JOIN,
    events.LEAVE,
    emergency.ON_DUTY,
    emergency.CANT,
    emergency.END,
    places.GRP_BIND,
    places.GRP_KIND,
    places.PICK_BIND["v"],  # /bind in a group: its grids, page by page
    places.PICK_BIND["r"],
    people.MENU_REQUEST,
    people.MENU_VOLUNTEER,
    people.MENU_GRID,
    people.MENU_HELP,
    points.BOARD,
    honour.OPT,
)


def belongs_in_groups(data: str | None) -> bool:
    return any(codec.matches(data) for codec in IN_GROUPS)


def private_only_alert(lang: str) -> str:
    return tp(lang, "groups.private_button")
