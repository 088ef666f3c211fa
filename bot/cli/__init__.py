"""`redvest` command line: one module per sub-command, each with add_parser(subparsers).

Configuration errors and databases that need migrating end with one line and exit code 2.
"""

from __future__ import annotations

import argparse
import logging
import sys

from bot.services.kernel.config import ConfigError, load_config
from storage.migrate import NeedsMigration

from . import admin, db, digest, export, importer, run, sandbox
from .errors import CliError

# the sub-commands, in the order `redvest --help` lists them
SUBCOMMANDS = [run, sandbox, db, admin, importer, digest, export]
__all__ = ["CliError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redvest", description="Telegram front desk for neighbourhood volunteer service"
    )
    parser.add_argument("--config", metavar="PATH", help="TOML config file (default: ./redvest.toml if present)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parser(subs)
    return parser


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # request URLs contain the bot token
    for noisy in ("httpx", "httpcore", "aiohttp.access", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    setup_logging(args.verbose)
    try:
        cfg = load_config(args.config)
        return int(args.func(cfg, args) or 0)
    except (ConfigError, NeedsMigration, CliError) as e:
        print(f"redvest: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
