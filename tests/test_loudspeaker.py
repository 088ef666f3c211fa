"""小喇叭 notices end to end: a grid leader or admin writes a notice, chooses where and to whom, sees a
preview and sends it; every resident or volunteer gets it privately (and the grid's groups), the
sender's card counts the deliveries as the outbox drains; residents mute non-urgent notices."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Announcement, NoticeMute, OutboxMessage
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of

NOTICE = "明天有 9 级大风，请收好阳台上的花盆。"


async def _announcements(db) -> list[Announcement]:
    async with db.session() as s:
        return list((await s.execute(select(Announcement).order_by(Announcement.id))).scalars())


async def _started(*users) -> None:
    """People who wrote to the bot once: Telegram lets it write to them."""
    for u in users:
        await u.send("/start")
        await u.reply()


async def test_a_leader_sends_a_notice_to_the_grids_residents_and_watches_it_delivered(world):
    w, leader = world, world.leader
    await _started(w.resident, w.resident_en)  # the grid's three volunteers never wrote to the bot
    await leader.send("/notice")
    assert "请写下通知内容" in text_of(await leader.reply(contains="发通知"))
    await leader.send(NOTICE)
    asked = await leader.reply(contains="通知 第一网格 的哪些人？")  # one grid: no place to choose
    assert [b["text"] for b in buttons_of(asked)] == ["居民", "志愿者", "居民和志愿者", "✖️ 取消"]
    await leader.press("居民", message=asked)
    preview = text_of(await leader.reply(edited=True, contains="预览"))
    assert NOTICE in preview and "—— 李网格长" in preview and "发给：第一网格 的居民" in preview
    assert "私聊：5 人 · 群聊：1 个" in preview  # two residents, three volunteers who live there; the residents group
    assert await _announcements(w.db) == []  # nothing is sent before Send
    await leader.press("📢 发送")
    assert "已发往 第一网格：共 6 处" in text_of(await leader.reply(edited=True, contains="已发往"))

    zh = await w.resident.reply(contains="📢 通知 · 第一网格")
    assert NOTICE in text_of(zh) and [b["text"] for b in buttons_of(zh)] == ["🔕 只收紧急通知"]
    en = await w.resident_en.reply(contains="📢 Notice · 第一网格")
    assert NOTICE in text_of(en) and [b["text"] for b in buttons_of(en)] == ["🔕 Only urgent notices"]
    group = await w.sb.wait_bot_message(w.resident_group, contains=NOTICE, since=0)
    assert not buttons_of(group) and "李网格长" in text_of(group)
    # the sender's card: every message out, three volunteers unreachable (they never started the bot)
    card = await w.sb.wait_bot_message(leader.id, contains="发送完毕：已送达 3/6，失败 3", edited=True, since=0)
    assert "您的通知 · 第一网格" in text_of(card) and "对象：居民" in text_of(card)
    assert all(NOTICE not in t for t in await leader.texts(w.volunteer_group))
    (ann,) = await _announcements(w.db)
    assert (ann.recipients, ann.delivered, ann.failed, ann.audience, ann.urgent) == (6, 3, 3, "residents", False)
    assert ann.finished_at is not None and ann.groups == 1


async def test_an_admin_sends_an_urgent_notice_to_the_whole_community_in_english(world):
    w = world
    admin = w.admin
    admin.lang = "en"
    await w.sb.add_user(admin.id, admin.name, language_code="en")
    volunteer_b = w.volunteer_b
    await _started(w.resident, w.resident_en, volunteer_b, w.leader, w.leader_b, *w.volunteers)
    await w.resident.send("/notices off")  # a resident who muted notices still hears urgent ones
    assert "以后只收紧急通知" in text_of(await w.resident.reply())
    await admin.send("/notice Typhoon Haikui lands tonight: stay indoors after 20:00.")
    where = await admin.reply(contains="Where is the notice for?")
    assert [b["text"] for b in buttons_of(where)][:3] == [
        "🏘 The whole community: 幸福里社区",
        "Grid: 第一网格",
        "Grid: 第二网格",
    ]
    await admin.press("The whole community", message=where)
    await admin.reply(edited=True, contains="Whom in 幸福里社区 is it for?")
    await admin.press("Residents and volunteers")
    preview = text_of(await admin.reply(edited=True, contains="Preview"))
    assert "1 resident muted notices and will not get it" in preview
    await admin.press("🚨 Mark as urgent")
    preview = text_of(await admin.reply(edited=True, contains="URGENT notice · 幸福里社区"))
    assert "muted" not in preview and "Private chats: 8 · group chats: 3" in preview
    await admin.press("📢 Send")
    await admin.reply(edited=True, contains="Sent to 幸福里社区: 11 chats")
    urgent = await w.resident.reply(contains="🚨 紧急通知 · 幸福里社区")
    assert "Typhoon Haikui" in text_of(urgent) and not buttons_of(urgent)  # urgent: no mute button
    await volunteer_b.reply(contains="紧急通知")
    for group in (w.volunteer_group, w.resident_group, w.other_group):
        await w.sb.wait_bot_message(group, contains="Typhoon Haikui", since=0)
    await w.sb.wait_bot_message(admin.id, contains="Done: delivered 11/11, 0 failed", edited=True, since=0)
    async with w.db.session() as s:
        rows = (await s.execute(select(OutboxMessage).where(OutboxMessage.card_ref == "ann:1"))).scalars().all()
    assert len(rows) == 11 and all(r.urgent for r in rows)  # with sound, ahead of routine messages


async def test_residents_mute_non_urgent_notices_with_the_button_or_notices_off(world):
    w, leader, alice = world, world.leader, world.resident_en
    await _started(w.resident, alice)
    await leader.send(f"/notice {NOTICE}")
    await leader.press("居民", message=await leader.reply(contains="的哪些人"))
    await leader.press("📢 发送", message=await leader.reply(edited=True, contains="预览"))
    notice = await alice.reply(contains=NOTICE)
    answer = await alice.press("Only urgent notices", message=notice)
    assert "only urgent notices will reach you" in answer["text"]
    turned = await alice.reply(edited=True)
    assert [b["text"] for b in buttons_of(turned)] == ["🔔 Receive notices again"] and NOTICE in text_of(turned)
    async with w.db.session() as s:
        assert len((await s.execute(select(NoticeMute))).scalars().all()) == 1
    await alice.send("/notices")
    assert "You receive only the urgent notices of your grid" in text_of(await alice.reply())
    # the next notice leaves her out and says so to the sender
    await leader.send("/notice 周六上午小区停水。")
    await leader.press("居民", message=await leader.reply(contains="的哪些人"))
    preview = text_of(await leader.reply(edited=True, contains="预览"))
    assert "1 位居民关闭了通知，收不到这条" in preview
    await leader.press("📢 发送")
    await w.resident.reply(contains="停水")
    await w.sb.wait_bot_message(leader.id, contains="1 位居民已关闭通知", edited=True, since=0)
    assert all("停水" not in t for t in await alice.texts())
    await alice.send("/notices on")
    assert "you receive every notice again" in text_of(await alice.reply())
    await alice.send("/notices on")
    assert "Already so" in text_of(await alice.reply())
    await alice.send("/notices maybe")
    assert "/notices on or /notices off" in text_of(await alice.reply())


async def test_the_notices_screen_says_the_choice_its_button_just_made(world):
    w, alice = world, world.resident_en
    await _started(w.resident, alice)
    await w.resident.send("/notices")
    screen = await w.resident.reply(contains="您正在接收")
    answer = await w.resident.press("只收紧急通知", message=screen)
    assert "以后只收紧急通知" in answer["text"]
    muted = await w.resident.reply(edited=True, contains="只接收紧急通知")
    assert "您正在接收" not in text_of(muted) and [b["text"] for b in buttons_of(muted)] == ["🔔 重新接收通知"]
    await w.resident.press("重新接收通知", message=muted)
    assert "您正在接收" in text_of(await w.resident.reply(edited=True, contains="您正在接收"))
    # in English, from the answer to /notices off
    await alice.send("/notices off")
    done = await alice.reply(contains="only urgent notices will reach you")
    await alice.press("Receive notices again", message=done)
    heard = await alice.reply(edited=True, contains="You receive the notices of your grid")
    assert [b["text"] for b in buttons_of(heard)] == ["🔕 Only urgent notices"]
    async with w.db.session() as s:
        assert (await s.execute(select(NoticeMute))).scalars().all() == []


async def test_who_may_send_and_what_a_notice_may_hold(world):
    w, leader = world, world.leader
    await w.resident.send("/notice 我也想发")
    assert "只有网格长和社区管理员可以发通知" in text_of(await w.resident.reply())
    await leader.send("/notice", chat=w.volunteer_group)
    assert "请在与我的私聊中发送 /notice" in text_of(await leader.reply(chat=w.volunteer_group))
    await leader.send("/notice")
    await leader.reply(contains="发通知")
    for bad in ("x" * 10_000, "🙂🙂🙂", "停水\u202e通知"):
        await leader.send(bad)
        assert "请用文字写通知" in text_of(await leader.reply())
    await leader.send("<b>停水</b> ' OR 1=1; -- שלום")  # markup and SQL-looking text are only text
    await leader.press("居民", message=await leader.reply(contains="的哪些人"))
    preview = await leader.reply(edited=True, contains="预览")
    assert "<b>停水</b> ' OR 1=1; -- שלום" in text_of(preview)
    await leader.press("✖️ 取消")
    assert "已取消通知" in text_of(await leader.reply(edited=True))
    assert await _announcements(w.db) == []
    answer = await leader.press("x", data="ann:send", force=True)  # the old Send, after Cancel
    assert answer["show_alert"] and await _announcements(w.db) == []
    # a leader of grid A cannot send to grid B, whatever the button says
    await leader.send(f"/notice {NOTICE}")
    await leader.reply(contains="的哪些人")
    answer = await leader.press("x", data=f"ann:place:grid:{w.grid_b.id}", force=True)
    assert await _announcements(w.db) == []


async def test_the_notice_card_counts_while_the_outbox_drains(world):
    """The card is edited as deliveries come in, a few seconds apart at most, never once per message."""
    w, leader = world, world.leader
    people = [await w.bot.user(3100 + i, f"居民{i}") for i in range(30)]
    for u in people:
        await f.person(w.db, u.id, u.name, grid_id=w.grid_a.id)
        await w.sb.add_user(u.id, u.name, language_code="zh-hans", started=True)
    await leader.send(f"/notice {NOTICE}")
    await leader.press("居民", message=await leader.reply(contains="的哪些人"))
    await leader.press("📢 发送", message=await leader.reply(edited=True, contains="预览"))
    card = await w.sb.wait_bot_message(leader.id, contains="您的通知", since=0)
    await w.sb.wait_bot_message(leader.id, contains="发送完毕：已送达 31/36，失败 5", edited=True, since=0, timeout=15)
    for u in people:
        assert sum(NOTICE in t for t in await u.texts()) == 1
    edits = [
        e
        for e in w.sb.state.events
        if e["type"] == "message_edited" and (e.get("message") or {}).get("message_id") == card["message_id"]
    ]
    assert 1 <= len(edits) < 36
