"""`redvest db upgrade|current`: schema migrations."""
from __future__ import annotations

import asyncio

from storage import migrate


def add_parser(subs) -> None:  # type: ignore[no-untyped-def]
    p = subs.add_parser("db", help="database schema: upgrade, current")
    p.add_argument("action", choices=["upgrade", "current"])
    p.set_defaults(func=run)


def run(cfg, args) -> int:  # type: ignore[no-untyped-def]
    url = cfg.database.url
    if args.action == "upgrade":
        migrate.upgrade(url)
        print(f"database is at revision {migrate.head_revision()}")
        return 0
    current = asyncio.run(migrate.current_revision(url))
    head = migrate.head_revision()
    print(f"database revision: {current or '(empty)'}; code needs: {head}")
    return 0 if current == head else 1
