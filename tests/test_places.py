"""Admins set up communities, grids, leaders and admins, end to end through the sandbox."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.enums import RoleKind
from storage.models import AuditEntry, Community, Grid, RoleGrant
from tests.support.harness import TgUser, buttons_of, text_of
from tests.support.waiting import settle


@pytest.fixture
async def world(world):
    """The shared world, once the bot has handled its set-up updates (the groups it was added to).
    Those updates come "from" people of the world; letting them finish first keeps each test about
    its own steps."""
    await settle(world)
    return world


async def someone(w, id: int, name: str, username: str | None = None, lang: str = "zh-CN") -> TgUser:
    """A person who has started the bot (so admins can name them)."""
    await w.sb.add_user(id, name, username=username, language_code="zh-hans" if lang == "zh-CN" else lang)
    u = TgUser(w.sb, id, name, lang)
    await u.send("/start")
    await u.reply()
    return u


async def count(db, model, *where) -> int:
    async with db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_admin_creates_a_community_with_time_zone_and_refusals_are_explained(world):
    w = world
    await w.admin.send("/newcommunity 阳光社区 Asia/Urumqi")
    assert "阳光社区" in text_of(await w.admin.reply("已创建社区"))
    async with w.db.session() as s:
        com = (await s.execute(select(Community).where(Community.name == "阳光社区"))).scalars().one()
    assert com.timezone == "Asia/Urumqi"
    await w.admin.send("/newcommunity 阳光社区")
    assert "已经有" in text_of(await w.admin.reply())
    await w.admin.send("/newcommunity 月亮社区 Mars/Olympus")
    assert "时区" in text_of(await w.admin.reply())
    await w.admin.send("/newcommunity")
    assert "用法" in text_of(await w.admin.reply())
    # a grid leader and a stranger may not create communities
    await w.leader.send("/newcommunity 偷偷社区")
    assert "系统管理员" in text_of(await w.leader.reply())
    stranger = await w.bot.user(7001, "路人")
    await stranger.send("/newcommunity 偷偷社区")
    assert "系统管理员" in text_of(await stranger.reply())
    assert await count(w.db, Community) == 2  # world's and 阳光社区, nothing else
    alice = await w.bot.user(7002, "Alice", lang="en")
    await alice.send("/newgrid")
    assert "Only community admins" in text_of(await alice.reply())


async def test_admin_creates_a_grid_in_chat_and_bad_names_are_asked_again(world):
    w = world
    await w.admin.send("/newgrid")
    await w.admin.reply("哪个社区")
    await w.admin.press("幸福里社区")
    await w.admin.reply("网格名称", edited=True)
    await w.admin.send("x" * 10_000)
    assert "网格名称需为 1–100" in text_of(await w.admin.reply())  # a hint; the step still waits for a name
    await w.admin.send("第一网格")  # exists already
    assert "已有名为" in text_of(await w.admin.reply())
    await w.admin.send("第三网格")
    assert "第三网格" in text_of(await w.admin.reply("已创建网格"))
    async with w.db.session() as s:
        grid = (await s.execute(select(Grid).where(Grid.name == "第三网格"))).scalars().one()
        audit = (await s.execute(select(AuditEntry).where(AuditEntry.action == "grid.create"))).scalars().all()
    assert grid.community_id == w.community.id and len(audit) == 1


async def test_leader_is_named_by_username_and_told_and_can_be_removed(world):
    w = world
    newbie = await someone(w, 7101, "新网格长", username="New_Leader")
    await w.admin.send("/setleader")
    await w.admin.reply("哪个网格")
    await w.admin.press("第二网格")
    await w.admin.reply("现任网格长", edited=True)
    await w.admin.send("@nobody_here")
    assert "还不认识" in text_of(await w.admin.reply())
    await w.admin.send("'; DROP TABLE role_grant; --")
    assert "数字 ID" in text_of(await w.admin.reply())
    await w.admin.send("@new_leader")  # usernames are case-insensitive
    assert "新网格长" in text_of(await w.admin.reply("已成为"))
    assert "第二网格" in text_of(await w.sb.wait_bot_message(newbie.id, contains="网格长"))
    async with w.db.session() as s:
        leaders = (
            (
                await s.execute(
                    select(RoleGrant).where(RoleGrant.grid_id == w.grid_b.id, RoleGrant.role == RoleKind.leader.value)
                )
            )
            .scalars()
            .all()
        )
    assert len(leaders) == 2
    # the new leader now leads grid B: /pending works for them
    await newbie.send("/pending")
    assert "没有待审核" in text_of(await newbie.reply())

    await w.admin.send("/removeleader")
    await w.admin.reply("要移除")
    await w.admin.press("第二网格")
    await w.admin.reply("哪位网格长", edited=True)
    await w.admin.press("新网格长")
    assert "不再担任" in text_of(await w.admin.reply(edited=True))
    assert await count(w.db, RoleGrant, RoleGrant.grid_id == w.grid_b.id) == 1


async def test_leader_by_numeric_id_and_a_repeat_is_refused(world):
    w = world
    await w.admin.send("/setleader")
    await w.admin.reply("哪个网格")
    await w.admin.press("第一网格")
    await w.admin.reply(edited=True)
    await w.admin.send("1001")  # already leads grid A
    assert "已经是" in text_of(await w.admin.reply())
    await w.admin.send("/cancel")
    assert "没有做任何更改" in text_of(await w.admin.reply())


async def test_non_admins_cannot_name_leaders_even_with_forged_buttons(world):
    w = world
    await w.leader.send("/setleader")
    assert "社区管理员" in text_of(await w.leader.reply())
    # the leader of grid B forges the removal of grid A's leader
    await w.leader_b.send("/start")
    await w.leader_b.reply()
    leader_a = await _person_id(w.db, 1001)
    answer = await w.leader_b.press(
        "x",
        chat=w.leader_b.private,
        message=await w.leader_b.last(),
        data=f"plc:rl:{w.grid_a.id}:{leader_a}",
        force=True,
    )
    assert answer["show_alert"] and "管理员" in answer["text"]
    assert await count(w.db, RoleGrant, RoleGrant.grid_id == w.grid_a.id) == 1


async def _person_id(db, tg: int) -> int:
    from storage.models import Person

    async with db.session() as s:
        return (await s.execute(select(Person.id).where(Person.tg_user_id == tg))).scalars().one()


async def test_community_admins_are_added_and_act_only_in_their_community(world):
    w = world
    await w.admin.send("/newcommunity 阳光社区")
    await w.admin.reply("已创建社区")
    deputy = await someone(w, 7201, "副书记", username="deputy")
    await w.admin.send("/addadmin")
    await w.admin.reply("哪个社区")
    await w.admin.press("幸福里社区")
    await w.admin.reply("现任管理员", edited=True)
    await w.admin.send("7201")
    assert "副书记" in text_of(await w.admin.reply("管理员"))
    await w.sb.wait_bot_message(deputy.id, contains="社区管理员")
    # the deputy sees only their own community
    await deputy.send("/newgrid")
    msg = await deputy.reply("哪个社区")
    labels = [b["text"] for b in buttons_of(msg)]
    assert labels == ["幸福里社区"]
    async with w.db.session() as s:
        sunny = (await s.execute(select(Community).where(Community.name == "阳光社区"))).scalars().one()
    answer = await deputy.press("x", message=msg, data=f"plc:ng:{sunny.id}", force=True)
    assert answer["show_alert"]
    await deputy.press("幸福里社区")
    await deputy.reply("网格名称", edited=True)
    await deputy.send("第九网格")
    await deputy.reply("已创建网格")
    await deputy.send("/communities")
    overview = text_of(await deputy.reply())
    assert "幸福里社区" in overview and "第九网格" in overview and "阳光社区" not in overview
    assert "李网格长" in overview  # grid A's leader is listed
    await w.admin.send("/removeadmin")
    await w.admin.reply("要移除")
    await w.admin.press("幸福里社区")
    await w.admin.reply("哪位管理员", edited=True)
    await w.admin.press("副书记")
    assert "不再是" in text_of(await w.admin.reply(edited=True))
    await deputy.send("/communities")
    assert "社区管理员" in text_of(await deputy.reply())


async def test_communities_overview_in_english_for_the_superadmin(world):
    w = world
    boss = await someone(w, 7301, "Boss", lang="en")
    async with w.db.session() as s:
        from bot.services.kernel.roles import grant_superadmin

        await grant_superadmin(s, 7301)
    await boss.send("/communities")
    text = text_of(await boss.reply())
    assert "幸福里社区" in text and "第一网格" in text and "volunteers 3" in text and "households 1" in text
    assert "幸福里 3 栋" not in text  # no addresses in overviews


async def test_a_leader_can_be_named_by_forwarding_a_message_from_them(world):
    w = world
    newbie = await someone(w, 7401, "转发来的")
    await w.admin.send("/setleader")
    await w.admin.reply("哪个网格")
    await w.admin.press("第二网格")
    await w.admin.reply("现任网格长", edited=True)
    state = w.sb.state
    await w.admin._mark()
    forwarded = {
        "text": "我愿意当网格长",
        "forward_origin": {"type": "user", "date": 1700000000, "sender_user": state.users[newbie.id]},
        "forward_date": 1700000000,
    }
    rec = state.new_message(w.admin.id, state.users[w.admin.id], forwarded, event="user_message", from_bot=False)
    state._deliver_user_message(w.admin.id, rec)
    assert "转发来的" in text_of(await w.admin.reply("已成为"))
    await w.sb.wait_bot_message(newbie.id, contains="网格长")


async def test_long_grid_lists_have_pages(world):
    from tests.support import factories as f

    w = world
    for i in range(30):
        await f.grid(w.db, w.community.id, f"网格{i:02d}")
    await w.admin.send("/setleader")
    first = await w.admin.reply("哪个网格")
    assert sum(1 for b in buttons_of(first) if b["callback_data"].startswith("plc:sl:")) == 24
    await w.admin.press("下一页", message=first)
    await w.sb.wait_for(
        lambda ev: ev["type"] == "message_edited" and ev.get("chat_id") == w.admin.id, since=w.admin.since
    )
    second = await w.admin.last(with_button="网格29")
    await w.admin.press("网格29", message=second)
    assert "网格29" in text_of(await w.admin.reply("现任网格长", edited=True))
    # a volunteer signing up pages through the grids too
    u = await w.bot.user(7501, "翻页")
    await u.send("/volunteer")
    await u.reply("姓名")
    await u.send("翻页者")
    await u.reply("手机号")
    await u.share_contact("13912340000")
    await u.reply("哪个社区")
    await u.press("幸福里社区")
    grids = await u.reply("哪个网格", edited=True)
    assert any(b["text"] == "◀ 返回" for b in buttons_of(grids))
    await u.press("下一页", message=grids)
    await w.sb.wait_for(lambda ev: ev["type"] == "message_edited" and ev.get("chat_id") == u.id, since=u.since)
    await u.press("网格29", message=await u.last(with_button="网格29"))
    await u.reply("哪一类", edited=True)
