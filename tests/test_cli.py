"""The command line's conventions: --version, global options before or after the sub-command,
an example in every --help, documented exit codes."""

from __future__ import annotations

import pytest

from bot.cli import build_parser, main
from bot.cli.examples import EXAMPLES


def test_version_is_printed(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("redvest 0.")


@pytest.mark.parametrize("where", ["before", "after"])
def test_config_works_before_or_after_the_sub_command(tmp_path, capsys, monkeypatch, where):
    monkeypatch.delenv("REDVEST_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "office.db"
    cfg = tmp_path / "office.toml"
    cfg.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{db}"\n')
    args = ["--config", str(cfg), "db", "upgrade"] if where == "before" else ["db", "upgrade", "--config", str(cfg)]
    assert main(args) == 0
    assert db.exists() and not (tmp_path / "redvest.db").exists()  # the given file's database, not the default


def test_an_option_before_the_command_is_kept_when_none_follows_it(tmp_path):
    args = build_parser().parse_args(["--config", "a.toml", "-v", "admin", "list"])
    assert args.config == "a.toml" and args.verbose
    args = build_parser().parse_args(["admin", "list", "--verbose", "--config", "b.toml"])
    assert args.config == "b.toml" and args.verbose
    args = build_parser().parse_args(["admin", "list"])
    assert args.config is None and not args.verbose


def test_every_command_has_an_example_in_its_help(capsys):
    # build_parser itself fails on a command without an entry in EXAMPLES
    assert set(EXAMPLES) >= {"run", "sandbox", "db", "admin", "import", "digest", "export"}
    for name in EXAMPLES:
        with pytest.raises(SystemExit):
            main([name, "--help"])
        out = capsys.readouterr().out
        assert "examples:" in out and f"redvest {name}" in out.split("examples:")[1], name


def test_the_exit_codes_are_documented_in_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "exit codes:" in out and all(f"  {code} " in out for code in (0, 1, 2, 130))
