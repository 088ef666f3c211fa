"""/digest through the sandbox, and `redvest digest` in the terminal."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.cli import main
from bot.services.kernel.periods import iso_week, previous_week
from storage.migrate import head_revision

from .support import factories as f
from .support.harness import buttons_of, text_of
from .support.town import seed_town


def this_week() -> str:
    from datetime import UTC, datetime

    return iso_week(datetime.now(UTC), "Asia/Shanghai")


async def test_a_leader_previews_this_week_with_a_chart_and_pages_back(world):
    leader = world.leader
    await leader.send("/digest")
    photo = await leader.reply()
    assert photo.get("photo") and "第一网格" in text_of(photo)
    msg = await leader.reply(contains="每周简报")
    assert "预览" in text_of(msg) and "已走访 0/1 户" in text_of(msg)
    assert "幸福里" not in text_of(msg)
    prev = previous_week(this_week())
    await leader.press(f"◀ {prev}", message=msg)
    older = await leader.reply(contains="入户走访")  # the text (the chart came first)
    assert prev in text_of(older)
    assert "预览" not in text_of(older)
    assert any(b["text"] == f"{this_week()} ▶" for b in buttons_of(older))


async def test_an_admin_picks_among_the_community_and_its_grids(world):
    admin = world.admin
    await admin.send("/digest")
    menu = await admin.reply(contains="要看哪份简报")
    labels = [b["text"] for b in buttons_of(menu)]
    assert labels[0].startswith("🏘") and "📍 第一网格" in labels and "📍 第二网格" in labels
    await admin.press("🏘")
    assert "（社区）" in text_of(await admin.reply(contains="每周简报"))


async def test_others_are_told_the_digest_is_for_leaders(world):
    for user in (world.resident, world.volunteers[0]):
        await user.send("/digest")
        assert "只有网格长和社区管理员" in text_of(await user.reply())


@pytest.mark.parametrize("arg", ["2026-W99", "x" * 5000, "'; DROP TABLE grid; --", "🎉", "٢٠٢٦-W47"])
async def test_a_bad_week_gets_a_clear_answer(world, arg):
    await world.leader.send(f"/digest {arg}")
    assert "2026-W47" in text_of(await world.leader.reply())


async def test_digest_in_a_group_points_to_the_private_chat(world):
    await world.leader.send("/digest", chat=world.volunteer_group)
    assert "私聊" in text_of(await world.leader.reply(chat=world.volunteer_group))


async def test_forged_and_stale_presses_change_nothing(world):
    leader = world.leader
    await leader.send("/digest")
    msg = await leader.reply(contains="每周简报")
    answer = await leader.press("", message=msg, data=f"digest:show:g:{world.grid_b.id}:", force=True)
    assert answer["show_alert"] and "只有网格长" in answer["text"]
    for data in ("digest:show:x:1:", "digest:show:g:999999999999999999999:", "digest:show:g:1:2026-W47:extra"):
        answer = await leader.press("", message=msg, data=data, force=True)
        assert answer["show_alert"]
    answer = await leader.press("", message=msg, data="digest:show:g:424242:", force=True)
    assert answer["show_alert"] and "不存在" in answer["text"]


@pytest.fixture
async def migrated(db, monkeypatch):
    """The test database marked as migrated, and the CLI pointed at it."""
    async with db.session() as s:
        await s.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)"))
        await s.execute(text("INSERT INTO alembic_version VALUES (:v)"), params={"v": head_revision()})
    monkeypatch.setenv("REDVEST_DATABASE_URL", db.url)
    monkeypatch.delenv("REDVEST_CONFIG", raising=False)
    monkeypatch.chdir(db.url.split(":///")[1].rsplit("/", 1)[0])
    return db


async def _cli(*argv: str) -> int:
    import asyncio

    return await asyncio.to_thread(main, list(argv))


async def test_the_cli_prints_a_grids_digest(migrated, capsys, tmp_path):
    town = await seed_town(migrated, volunteers=1)
    assert await _cli("digest", "--grid", "第一网格", "--week", "2026-W47", "--chart", str(tmp_path / "c.png")) == 0
    out = capsys.readouterr().out
    assert "第一网格 · 每周简报" in out and "2026-W47" in out and "<b>" not in out
    assert (tmp_path / "c.png").read_bytes().startswith(b"\x89PNG")
    assert await _cli("digest", "--community", str(town.community.id), "--week", "2026-W47", "--lang", "en") == 0
    assert "weekly digest" in capsys.readouterr().out


async def test_the_cli_explains_bad_input(migrated, capsys):
    town = await seed_town(migrated, volunteers=1)
    other = await f.community(migrated, "另一个社区")
    await f.grid(migrated, other.id, "第一网格")
    assert await _cli("digest", "--grid", "第一网格") == 2
    assert "several grids are named" in capsys.readouterr().err
    assert await _cli("digest", "--grid", "9999") == 2
    assert "no grid with id 9999" in capsys.readouterr().err
    assert await _cli("digest", "--grid", str(town.grid.id), "--week", "2026-W60") == 2
    assert "has no week 60" in capsys.readouterr().err
