"""`redvest config show`: the effective configuration, secrets masked, and where each value came
from (a default, the file, or which environment variable)."""

from __future__ import annotations

import argparse

from bot.services.kernel.config import Config, env_name, settings


def add_parser(subs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subs.add_parser(
        "config",
        help="show the effective configuration and where each value comes from",
        description="Every key's value (secrets masked) and its source: default, the file, or the "
        "environment variable that set it. Any key can be set as REDVEST_<SECTION>__<KEY>.",
    )
    p.add_argument("action", choices=["show"])
    p.set_defaults(func=run)


def run(cfg: Config, args: argparse.Namespace) -> int:
    """One line a key, `key = value  # source`, never cut (a narrow terminal wraps it)."""
    shown = list(settings(args.config))
    width = max(len(f"{s.key} = {s.value}") for s in shown)
    print(f"# every key can be set as REDVEST_<SECTION>__<KEY>, e.g. {env_name('bot.webhook.port')}")
    for s in shown:
        print(f"{s.key} = {s.value}".ljust(width), f" # {s.source}")
    return 0
