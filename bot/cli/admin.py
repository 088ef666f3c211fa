"""`redvest admin add|remove|list ID`: the first (super) admins by Telegram user id."""

from __future__ import annotations

import argparse
import asyncio

from sqlalchemy import select
from sqlmodel import col

from bot.outbox.notifier import OutboxNotifier
from bot.services.kernel.clock import SystemClock
from bot.services.kernel.config import Config
from bot.services.kernel.menus import queue_menu
from bot.services.kernel.roles import grant_superadmin, person_by_tg
from storage.db import Database
from storage.migrate import check_current
from storage.models import Person

from .errors import CliError


def add_parser(subs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subs.add_parser("admin", help="add, remove or list admins by Telegram user id")
    p.add_argument("action", choices=["add", "remove", "list"])
    p.add_argument("tg_user_id", nargs="?", type=int, help="the person's numeric Telegram user id")
    p.set_defaults(func=run)


def run(cfg: Config, args: argparse.Namespace) -> int:
    if args.action != "list" and args.tg_user_id is None:
        raise CliError(f"admin {args.action} needs a Telegram user id (a number, e.g. 123456789)")
    return asyncio.run(_run(cfg.database.url, args.action, args.tg_user_id, cfg.bot.default_locale))


async def _run(url: str, action: str, tg_user_id: int | None, locale: str = "zh-CN") -> int:
    await check_current(url)
    db = Database(url)
    try:
        async with db.session() as s:
            if action == "add":
                assert tg_user_id is not None  # run() asked for it
                before = await person_by_tg(s, tg_user_id)
                was_admin = before is not None and before.is_superadmin
                admin = await grant_superadmin(s, tg_user_id)
                if not was_admin:  # the bot sets their menu when it runs
                    await queue_menu(OutboxNotifier(SystemClock(), locale=locale), s, admin)
                print(f"{tg_user_id} is now an admin")
            elif action == "remove":
                assert tg_user_id is not None
                person = await person_by_tg(s, tg_user_id)
                if person is None or not person.is_superadmin:
                    raise CliError(f"{tg_user_id} is not an admin")
                person.is_superadmin = False
                s.add(person)
                await queue_menu(OutboxNotifier(SystemClock(), locale=locale), s, person)
                print(f"{tg_user_id} is no longer an admin")
            else:
                rows = (await s.execute(select(Person).where(col(Person.is_superadmin) == True))).scalars().all()  # noqa: E712
                for p in rows:
                    print(f"{p.tg_user_id}\t{p.name}")
                if not rows:
                    print("no admins yet: add one with `redvest admin add ID` or telegram.admins in the config")
    finally:
        await db.dispose()
    return 0
