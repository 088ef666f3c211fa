"""`redvest db upgrade|current`: schema migrations."""

from __future__ import annotations

import argparse
import asyncio

from bot.services.kernel.config import Config
from storage import migrate


def add_parser(subs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subs.add_parser("db", help="database schema: upgrade, current")
    p.add_argument("action", choices=["upgrade", "current"])
    p.set_defaults(func=run)


def run(cfg: Config, args: argparse.Namespace) -> int:
    url = cfg.database.url
    if args.action == "upgrade":
        migrate.upgrade(url)
        print(f"database is at revision {migrate.head_revision()}")
        return 0
    current = asyncio.run(migrate.current_revision(url))
    head = migrate.head_revision()
    print(f"database revision: {current or '(empty)'}; code needs: {head}")
    return 0 if current == head else 1
