"""What Telegram shows of the bot: the "/" menus (by role, by kind of chat, in each language), the
bot's description and short description, and the answer to /myid.

A person sees the menu of the most specific scope Telegram has for them: their own private chat's
(set when they become a volunteer, leader or admin: `MenuChanged`), else the one for all private
chats (the residents'), and in groups the groups' menu (their admins get /bind and /unbind too)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from itertools import product

from bot.i18n import LANGUAGES, t, tp
from bot.services.kernel.menus import MenuChanged

from .message import OutMessage
from .render import renders

Menu = list[tuple[str, str]]  # (command, its description), in menu order
MenuSet = list[tuple[str, Menu]]  # (Telegram's two-letter language code, or "" for everyone else; the menu)

START = [("start", "cmd.start")]
ADMIN = [
    ("emergency", "cmd.emergency"),
    ("whistle", "cmd.whistle"),
    ("departments", "cmd.departments"),
    ("communities", "cmd.communities"),
    ("newgrid", "cmd.newgrid"),
    ("setleader", "cmd.setleader"),
    ("addadmin", "cmd.addadmin"),
    ("units", "cmd.units"),
]
LEADER = [
    ("board", "cmd.board"),
    ("pending", "cmd.pending"),
    ("volunteers", "cmd.volunteers"),
    ("households", "cmd.households"),
    ("buildings", "cmd.buildings"),
    ("pair", "cmd.pair"),
    ("newevent", "cmd.newevent"),
    ("notice", "cmd.notice"),
    ("digest", "cmd.digest"),
    ("meeting", "meeting.cmd"),
    ("care", "care.cmd"),
    ("dashboard", "cmd.dashboard"),
]
VOLUNTEER = [
    ("tasks", "cmd.tasks"),
    ("wishes", "cmd.wishes"),
    ("visits", "cmd.visits"),
    ("ledger", "cmd.ledger"),
    ("points", "cmd.points"),
    ("certificate", "cmd.certificate"),
    ("honour", "cmd.honour"),
    ("events", "cmd.events"),
    ("profile", "cmd.profile"),
]
RESIDENT = [("request", "cmd.request"), ("my", "cmd.my"), ("grid", "cmd.grid"), ("notices", "cmd.notices")]
SIGN_UP = [("volunteer", "cmd.volunteer")]
TAIL = [("help", "cmd.help"), ("myid", "cmd.myid"), ("forgetme", "privacy.cmd"), ("cancel", "cmd.cancel")]
GROUP = [("request", "cmd.request"), ("events", "cmd.events"), ("myid", "cmd.myid_group"), ("help", "cmd.help")]
GROUP_ADMINS = [*GROUP, ("bind", "cmd.bind"), ("unbind", "cmd.unbind")]


def _menu(lang: str, *parts: list[tuple[str, str]]) -> Menu:
    seen: set[str] = set()
    menu: Menu = []
    for command, key in (item for part in parts for item in part):
        if command not in seen:
            seen.add(command)
            menu.append((command, tp(lang, key)))
    return menu


def private_menu(lang: str, *, volunteer: bool = False, leads: bool = False, admin: bool = False) -> Menu:
    """A person's private menu: what their roles need first, then what everyone has."""
    return _menu(
        lang,
        START,
        ADMIN if admin else [],
        LEADER if leads or admin else [],
        VOLUNTEER if volunteer else [],
        RESIDENT,
        [] if volunteer else SIGN_UP,
        TAIL,
    )


def command_menu(lang: str) -> Menu:
    """The residents' menu: every private chat without a menu of its own."""
    return private_menu(lang)


@lru_cache(maxsize=1)
def menu_version() -> str:
    """A fingerprint of every private menu in every language: when their words change, people's own
    menus are set again (at their next /start)."""
    menus = [
        private_menu(lang, volunteer=v, leads=lead, admin=a)
        for lang in LANGUAGES
        for v, lead, a in product((False, True), repeat=3)
    ]
    return hashlib.sha256(json.dumps(menus, ensure_ascii=False).encode()).hexdigest()[:12]


def group_menu(lang: str, *, admins: bool = False) -> Menu:
    return _menu(lang, GROUP_ADMINS if admins else GROUP)


def telegram_code(lang: str) -> str:
    """Our locale ("zh-CN") as the two-letter code Telegram matches a person's language by ("zh")."""
    return lang.split("-")[0].lower()


def in_every_language(build: Callable[..., Menu], default_locale: str, **kwargs: bool) -> MenuSet:
    """The menu once per language we speak, and once without a language (in the community's default)
    for people whose Telegram speaks another."""
    return [(telegram_code(lang), build(lang, **kwargs)) for lang in LANGUAGES] + [
        ("", build(default_locale, **kwargs))
    ]


@renders(MenuChanged)
def menu_changed(n: MenuChanged, lang: str) -> OutMessage:
    """The person's own menu in every language; none when they hold no role (the residents' applies)."""
    menus = in_every_language(private_menu, lang, volunteer=n.volunteer, leads=n.leads, admin=n.admin)
    if n.resident_only:
        menus = [(code, []) for code, _ in menus]
    return OutMessage(chat_id=n.chat_id, text="", menus=menus)


def descriptions(lang: str) -> tuple[str, str]:
    """(description, short description): what a person reads before pressing Start, and on the bot's
    profile and when it is shared."""
    return tp(lang, "bot.description"), tp(lang, "bot.short_description")


def my_id(lang: str, user_id: int | None, chat_id: int | None = None) -> str:
    """/myid: the person's id (and, in a group, the group's), to send to whoever invites them."""
    if chat_id is not None and chat_id != user_id:
        return t(lang, "myid.group", id=str(user_id or "?"), chat_id=str(chat_id))
    return t(lang, "myid.private", id=str(user_id or "?"))
