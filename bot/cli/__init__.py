"""`redvest` command line: one module per sub-command, each with add_parser(subparsers).

Configuration errors and databases that need migrating end with one line and exit code 2.
The global options (--config, --verbose) work before or after the sub-command.
"""

from __future__ import annotations

import argparse
import logging
import sys
from importlib.metadata import PackageNotFoundError, version

from bot import logcontext
from bot.logcontext import LogFormat
from bot.services.kernel.config import ConfigError, load_config
from storage.migrate import NeedsMigration

from . import admin, config, db, digest, export, importer, jobs, report, run, sandbox
from .errors import CliError
from .examples import EXAMPLES

# the sub-commands, in the order `redvest --help` lists them
SUBCOMMANDS = [run, sandbox, config, db, admin, jobs, importer, digest, export, report]
__all__ = ["CliError", "build_parser", "main"]

EXIT_CODES = """exit codes:
  0    done
  1    done, but something needs you: rows refused by an import, a database not at the code's
       revision (db current), a restored backup from another version
  2    nothing done: a usage or configuration error, a database that needs `redvest db upgrade`,
       a file that cannot be read (one line on stderr says what to do)
  130  interrupted (Ctrl-C)

examples:
  redvest sandbox                       try the bot in a browser, no token needed
  redvest --config /etc/redvest.toml run
  redvest run --config /etc/redvest.toml   (global options work after the command too)"""


def _version() -> str:
    try:
        return version("redvest")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # after the sub-command the defaults are SUPPRESS, so an option given before it is not reset
    config_default: str | None = None if top else argparse.SUPPRESS
    verbose_default: bool | str = False if top else argparse.SUPPRESS
    parser.add_argument(
        "--config", metavar="PATH", default=config_default, help="TOML config file (default: ./redvest.toml if present)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", default=verbose_default, help="debug logging")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redvest",
        description="Telegram front desk for neighbourhood volunteer service",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"redvest {_version()}")
    _global_options(parser, top=True)
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parser(subs)
    for name, sub in subs.choices.items():
        _global_options(sub, top=False)
        sub.epilog, sub.formatter_class = EXAMPLES[name], argparse.RawDescriptionHelpFormatter
    return parser


def setup_logging(verbose: bool, fmt: LogFormat = "text") -> None:
    logcontext.setup(logging.DEBUG if verbose else logging.INFO, fmt)
    # request URLs contain the bot token
    for noisy in ("httpx", "httpcore", "aiohttp.access", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        cfg = load_config(args.config)
        setup_logging(args.verbose, cfg.log.format)
        return int(args.func(cfg, args) or 0)
    except (ConfigError, NeedsMigration, CliError) as e:
        print(f"redvest: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
