"""`redvest import`: CSV files of communities, grids, households and volunteers; all or nothing."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from sqlalchemy import func, select

from bot.cli import main
from bot.cli.importer import import_file
from storage.enums import RoleKind
from storage.models import AuditEntry, Community, Grid, Household, Pairing, Person, RoleGrant, VolunteerProfile

DATA = Path(__file__).parent / "data"


def console() -> Console:
    return Console(file=io.StringIO(), width=200, color_system=None)


def output(c: Console) -> str:
    return c.file.getvalue()


async def run(core, kind: str, name: str | None = None, data: bytes | None = None, lang: str = "en") -> tuple[int, str]:
    c = console()
    code = await import_file(core, kind, data if data is not None else (DATA / name).read_bytes(), name or "-", c, lang)
    return code, output(c)


async def count(db, model, *where) -> int:
    async with db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def seed(core) -> None:
    for kind in ("communities", "grids", "households", "volunteers"):
        code, out = await run(core, kind, f"{kind}.csv")
        assert code == 0, out


async def test_the_four_files_import_in_order(core):
    await seed(core)
    async with core.db.session() as s:
        coms = {c.name: c for c in (await s.execute(select(Community))).scalars()}
        grids = {g.name: g for g in (await s.execute(select(Grid))).scalars()}
        leaders = (
            (
                await s.execute(
                    select(Person.tg_user_id)
                    .join(RoleGrant, RoleGrant.person_id == Person.id)
                    .where(RoleGrant.role == RoleKind.leader.value, RoleGrant.grid_id == grids["阳光二格"].id)
                )
            )
            .scalars()
            .all()
        )
        homes = {h.address: h for h in (await s.execute(select(Household))).scalars()}
        vols = {
            p.tg_user_id: (p, v)
            for p, v in (
                await s.execute(
                    select(Person, VolunteerProfile).join(VolunteerProfile, VolunteerProfile.person_id == Person.id)
                )
            ).all()
        }
    assert set(coms) == {"阳光社区", "Riverside, East", "月亮湾社区"}
    assert coms["Riverside, East"].timezone == "UTC" and coms["月亮湾社区"].timezone == "Asia/Shanghai"
    assert sorted(leaders) == [7001, 7002]
    assert (
        homes["阳光路 1 号 102"].care_flags == "elderly_alone,disability"
        and homes["阳光路 1 号 102"].members == "刘爷爷, 刘奶奶"
    )
    assert homes["阳光路 1 号 101"].care_flags == "elderly_alone" and homes["阳光路 1 号 101"].phone == "13800001111"
    assert (
        homes["阳光路 9 号 301"].note == "多行\n备注" and homes["阳光路 9 号 301"].care_flags == "left_behind_children"
    )
    zhou, prof = vols[7101]
    assert zhou.name == "周志愿" and prof.status == "approved" and prof.work_group == "party_in_service"
    assert prof.party_member and prof.shock_team and prof.skills == "elder_care,haircut" and prof.consent_at
    tom, prof = vols[7102]
    assert tom.phone == "+447700900123" and prof.skills == "tutoring,transport" and not prof.party_member
    assert await count(core.db, AuditEntry, AuditEntry.action == "import.households") == 1
    async with core.db.session() as s:
        details = " ".join((await s.execute(select(AuditEntry.detail))).scalars())
    assert "阳光路" not in details and "13800001111" not in details  # no addresses or phones in the audit log


async def test_bad_rows_are_all_reported_with_line_numbers_and_nothing_is_imported(core):
    for kind in ("communities", "grids"):
        await run(core, kind, f"{kind}.csv")
    code, out = await run(core, "households", "households_bad.csv")
    assert code == 1
    lines = {int(row.split()[1].rstrip(":")): row for row in out.splitlines() if row.strip().startswith("line ")}
    assert set(lines) == {3, 4, 5, 6, 7, 9, 10}, out
    assert "没有这个网格" in lines[3] and "address" in lines[4] and "member_count" in lines[5]
    assert "already" in lines[6] and "会飞" in lines[7] and "不存在社区" in lines[9] and "columns" in lines[10]
    assert "阳光路 2 号 201" not in out and "13800001111" not in out  # reasons never repeat addresses or phones
    assert "nothing was imported" in out
    assert await count(core.db, Household) == 0


async def test_a_chinese_office_reads_every_refusal_in_chinese_with_what_to_do(core):
    for kind in ("communities", "grids"):
        await run(core, kind, f"{kind}.csv", lang="zh-CN")
    code, out = await run(core, "households", "households_bad.csv", lang="zh-CN")
    assert code == 1
    lines = {int(row.split()[1]): row for row in out.splitlines() if row.strip().startswith("第 ")}
    assert set(lines) == {3, 4, 5, 6, 7, 9, 10}, out
    assert "没有名为“没有这个网格”的网格：请先导入网格" in lines[3]
    assert "已有相同地址的住户" in lines[6] and "请删除这一行" in lines[6]
    assert "未知的值“会飞”" in lines[7] and "没有名为“不存在社区”的社区" in lines[9]
    assert "表头只有 6 列" in lines[10] and "请修改上面列出的行，然后重新导入" in out
    # the cleaners' own refusals (an empty address, a count that is not a number) are in Chinese too
    assert "address：" in lines[4] and "member_count：" in lines[5]
    assert not any(word in out for word in ("already", "unknown", "line ", "nothing was imported")), out


async def test_bad_volunteer_rows(core):
    for kind in ("communities", "grids"):
        await run(core, kind, f"{kind}.csv")
    code, out = await run(core, "volunteers", "volunteers_bad.csv")
    assert code == 1
    for line, word in ((2, "consent"), (3, "tg_user_id"), (4, "phone"), (5, "twice")):
        assert any(row.strip().startswith(f"line {line}:") and word in row for row in out.splitlines()), out
    assert await count(core.db, VolunteerProfile) == 0 and await count(core.db, Person) == 2  # the grid leaders


async def test_importing_the_same_file_twice_is_refused(core):
    await seed(core)
    code, out = await run(core, "households", "households.csv")
    assert code == 1 and out.count("already") == 4
    assert await count(core.db, Household) == 4


async def test_header_problems_and_odd_files(core):
    code, out = await run(core, "communities", data="名字,时区\n甲,\n".encode())
    assert code == 1 and "unknown column" in out and "missing column" in out
    code, out = await run(core, "communities", data=b"")
    assert code == 1 and "empty" in out
    code, out = await run(core, "communities", data=b"name\n")
    assert code == 1 and "no rows" in out
    code, out = await run(core, "communities", data=b"name\n<b>x</b>'; DROP TABLE community;--\n")
    assert code == 0  # stored literally; the text is escaped wherever it is shown
    assert await count(core.db, Community, Community.name == "<b>x</b>'; DROP TABLE community;--") == 1


async def test_excel_gb18030_file_with_chinese_headers(core):
    data = "名称,时区\n星光社区,Asia/Shanghai\n".encode("gb18030")
    code, out = await run(core, "communities", data=data)
    assert code == 0 and "GB18030" in out
    assert await count(core.db, Community, Community.name == "星光社区") == 1


async def test_households_can_be_paired_with_imported_volunteers(core):
    await seed(core)
    data = (
        "community,grid,address,volunteer_tg_id\n"
        "阳光社区,阳光一格,阳光路 3 号 303,7101\n"
        "阳光社区,阳光一格,阳光路 3 号 304,7102\n"
    ).encode()
    code, out = await run(core, "households", data=data)
    assert code == 1 and "7102 is not an approved volunteer of grid" in out  # 7102 lives in grid 阳光二格
    code, out = await run(core, "households", data=data.rsplit(b"\n", 2)[0] + b"\n")
    assert code == 0, out
    assert await count(core.db, Pairing) == 1


def test_cli_reports_in_the_chosen_language(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00\x81\x30 not text")
    assert main(["import", "communities", str(bad), "--lang", "zh-CN"]) == 2
    assert "另存为 → CSV UTF-8" in capsys.readouterr().err
    assert main(["import", "communities", str(bad), "--lang", "en"]) == 2
    assert "Save as → CSV UTF-8" in capsys.readouterr().err


def test_cli_reports_a_missing_file_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["import", "households", str(tmp_path / "nope.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


async def test_volunteers_with_their_work_unit_and_a_unit_not_paired_refused(core):
    from storage.models import Unit, UnitCommunity

    for kind in ("communities", "grids"):
        await run(core, kind, f"{kind}.csv")
    async with core.db.session() as s:
        sunshine = (await s.execute(select(Community).where(Community.name == "阳光社区"))).scalar_one()
        tax, other = Unit(name="区税务局"), Unit(name="区图书馆")  # the library is paired with nobody
        s.add_all([tax, other])
        await s.flush()
        s.add(UnitCommunity(unit_id=tax.id, community_id=sunshine.id))
    head = "TelegramID,姓名,电话,社区,网格,同意,单位\n"
    bad = (
        head
        + "7201,周志愿,13900001111,阳光社区,阳光一格,是,区税务局\n7202,吴志愿,13900002222,阳光社区,阳光一格,是,区图书馆\n"
    )
    code, out = await run(core, "volunteers", data=bad.encode(), lang="zh-CN")
    assert code == 1 and "区图书馆" in out and "不是与该社区结对的包联单位" in out
    assert await count(core.db, VolunteerProfile) == 0  # all or nothing
    good = (
        head + "7201,周志愿,13900001111,阳光社区,阳光一格,是,区税务局\n7202,吴志愿,13900002222,阳光社区,阳光一格,是,\n"
    )
    code, out = await run(core, "volunteers", data=good.encode(), lang="zh-CN")
    assert code == 0, out
    async with core.db.session() as s:
        units = dict(
            (
                await s.execute(
                    select(Person.tg_user_id, VolunteerProfile.unit_id).join(
                        VolunteerProfile, VolunteerProfile.person_id == Person.id
                    )
                )
            ).all()
        )
    assert units == {7201: tax.id, 7202: None}
    english = "tg_user_id,name,phone,community,grid,consent,Work unit\n7203,Tom Lee,13900003333,阳光社区,阳光二格,yes,区税务局\n"
    code, out = await run(core, "volunteers", data=english.encode())
    assert code == 0, out
    assert await count(core.db, VolunteerProfile, VolunteerProfile.unit_id == tax.id) == 2
