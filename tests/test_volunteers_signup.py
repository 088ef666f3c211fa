"""/volunteer sign-up (双报到) end to end through the sandbox: happy paths in both languages,
bad answers at each step, /cancel, refusing consent, someone else's contact."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.enums import VolunteerStatus
from storage.models import AuditEntry, Person, VolunteerProfile
from tests.support.harness import TgUser, buttons_of, text_of
from tests.support.waiting import settle


@pytest.fixture
async def world(world):
    """The shared world, once the bot has handled its set-up updates (the groups it was added to).
    Those updates come "from" people of the world; letting them finish first keeps each test about
    its own steps."""
    await settle(world)
    return world


async def press_and_see(user: TgUser, label: str, expect: str) -> dict:
    """Press a button, then wait for the bot's message (new or edited in place) containing `expect`."""
    await user.press(label)
    return await user.reply(expect, edited=True)


async def started(w, user: TgUser) -> None:
    """A person who has opened the private chat (so the bot may write to them)."""
    await user.send("/start")
    await user.reply()


async def sign_up_zh(u: TgUser, name: str = "刘新人", phone: str = "13912345678") -> None:
    await u.send("/volunteer")
    await u.reply("姓名")
    await u.send(name)
    await u.reply("手机号")
    await u.share_contact(phone)
    await u.reply("哪个社区")
    await press_and_see(u, "幸福里社区", "哪个网格")
    await press_and_see(u, "第一网格", "哪一类")
    await press_and_see(u, "退休人员", "党员")
    await press_and_see(u, "是", "可多选")
    await press_and_see(u, "助老陪护", "可多选")
    await press_and_see(u, "理发", "可多选")
    await u.press("完成")
    await u.reply("有空")
    await u.send("周末上午")
    await u.reply("是否同意")
    await press_and_see(u, "✅ 同意", "请核对")


async def profile_of(db, tg_id: int) -> tuple[Person, VolunteerProfile | None]:
    async with db.session() as s:
        person = (await s.execute(select(Person).where(Person.tg_user_id == tg_id))).scalars().one()
        prof = (
            (await s.execute(select(VolunteerProfile).where(VolunteerProfile.person_id == person.id))).scalars().first()
        )
        return person, prof


async def test_sign_up_in_chinese_reaches_the_leader_who_approves_it(world):
    w = world
    await started(w, w.leader)
    u = await w.bot.user(4001, "刘新人")
    await sign_up_zh(u)
    summary = await u.last()
    assert "刘新人" in text_of(summary) and "13912345678" in text_of(summary) and "助老陪护和理发" in text_of(summary)
    await press_and_see(u, "提交", "已提交")

    person, prof = await profile_of(w.db, 4001)
    assert prof is not None and prof.status == VolunteerStatus.pending.value
    assert prof.grid_id == w.grid_a.id and prof.work_group == "retired" and prof.party_member
    assert prof.skills == "elder_care,haircut" and prof.availability == "周末上午" and prof.consent_at is not None
    assert person.phone == "13912345678" and person.name == "刘新人" and person.grid_id == w.grid_a.id

    card = await w.sb.wait_bot_message(w.leader.id, contains="新的志愿者报名")
    assert "刘新人" in text_of(card) and "13912345678" in text_of(card)
    assert not await w.sb.bot_messages(w.leader_b.id)  # grid B's leader is not bothered

    await w.leader.press("✅ 通过", message=card)
    notice = await w.sb.wait_bot_message(4001, contains="欢迎")
    assert "第一网格" in text_of(notice) and "志愿者群" in text_of(notice)
    _, prof = await profile_of(w.db, 4001)
    assert prof.status == VolunteerStatus.approved.value
    async with w.db.session() as s:
        actions = [a.action for a in (await s.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars()]
        details = " ".join(a.detail for a in (await s.execute(select(AuditEntry))).scalars())
    assert "volunteer.apply" in actions and "volunteer.approve" in actions
    assert "13912345678" not in details  # phones never in the audit log
    edited = await w.sb.wait_bot_message(w.leader.id, contains="审核通过", edited=True)
    assert not buttons_of(edited)


async def test_sign_up_in_english_and_a_decline_is_told(world):
    w = world
    await started(w, w.leader)
    u = await w.bot.user(4002, "Bob", lang="en")
    await u.send("/volunteer")
    await u.reply("full name")
    await u.send("Bob Miller")
    await u.reply("phone number")
    await u.share_contact("+44 7700 900123")
    await u.reply("Which community")
    await press_and_see(u, "幸福里社区", "Which grid")
    await press_and_see(u, "第一网格", "Which group")
    await press_and_see(u, "Youth", "Party")
    await press_and_see(u, "No", "Tap all")
    await press_and_see(u, "Tutoring", "Tap all")
    await u.press("Done")
    await u.reply("available")
    await u.send("Weekday evenings")
    await u.reply("Do you agree")
    summary = await press_and_see(u, "I agree", "Please check")
    assert "Bob Miller" in text_of(summary) and "+447700900123" in text_of(summary) and "Tutoring" in text_of(summary)
    await press_and_see(u, "Send", "Sent!")

    card = await w.sb.wait_bot_message(w.leader.id, contains="Bob Miller")
    await w.leader.press("不通过", message=card)
    notice = await w.sb.wait_bot_message(4002, contains="could not accept")
    assert "第一网格" in text_of(notice)
    _, prof = await profile_of(w.db, 4002)
    assert prof.status == VolunteerStatus.declined.value


async def test_bad_answers_get_a_hint_and_the_same_question_again(world):
    w = world
    u = await w.bot.user(4003, "测试")
    await u.send("/volunteer")
    await u.reply("姓名")
    for bad in ["", "   ", "1234", "😀😀", "x" * 10_000, "\u202eevil", "a\nb"]:
        if not bad:
            continue  # the sandbox, like Telegram, refuses empty messages
        await u.send(bad)
        again = await u.reply("姓名")
        assert "❗" in text_of(again)
    await u.send("<b>Robert'); DROP TABLE person;--</b>")
    await u.reply("手机号")
    await u.send("13912345678")  # typed, not shared with the button
    assert "📱" in text_of(await u.reply("手机号"))
    await u.share_contact("12")  # not a phone number
    assert "❗" in text_of(await u.reply("手机号"))
    await u.share_contact("13912345678")
    await u.reply("哪个社区")
    await u.send("第一网格")  # text where a button is expected
    assert "按钮" in text_of(await u.reply("哪个社区"))
    await press_and_see(u, "幸福里社区", "哪个网格")
    await press_and_see(u, "第二网格", "哪一类")
    await press_and_see(u, "社区居民", "党员")
    await press_and_see(u, "否", "可多选")
    answer = await u.press("完成")  # no skill chosen yet
    assert answer["show_alert"] and "至少" in answer["text"]
    await press_and_see(u, "搬运", "可多选")
    await u.press("完成")
    await u.reply("有空")
    await u.send("。")
    assert "❗" in text_of(await u.reply("有空"))
    await u.send("随时")
    await u.reply("是否同意")
    summary = await press_and_see(u, "✅ 同意", "请核对")
    assert "<b>Robert'); DROP TABLE person;--</b>" in text_of(summary)  # shown literally, not as markup
    await press_and_see(u, "提交", "已提交")
    person, prof = await profile_of(w.db, 4003)
    assert person.name == "<b>Robert'); DROP TABLE person;--</b>" and prof.grid_id == w.grid_b.id


async def test_forged_choices_are_refused_and_change_nothing(world):
    w = world
    u = await w.bot.user(4004, "伪造")
    await u.send("/volunteer")
    await u.reply("姓名")
    await u.send("伪造者")
    await u.reply("手机号")
    await u.share_contact("13912345678")
    await u.reply("哪个社区")
    msg = await u.last()
    answer = await u.press("x", message=msg, data="vol:su:c:999999", force=True)
    assert answer["show_alert"]
    await press_and_see(u, "幸福里社区", "哪个网格")
    msg = await u.last()
    other = await u.press("x", message=msg, data="vol:su:g:999999", force=True)
    assert other["show_alert"]
    await press_and_see(u, "第一网格", "哪一类")
    msg = await u.last()
    assert (await u.press("x", message=msg, data="vol:su:w:admin", force=True))["show_alert"]
    await u.send("/cancel")
    await u.reply("没有保存")
    _, prof = await profile_of(w.db, 4004)
    assert prof is None


async def test_cancel_and_refused_consent_store_nothing(world):
    w = world
    u = await w.bot.user(4005, "王五")
    await u.send("/volunteer")
    await u.reply("姓名")
    await u.send("/cancel")
    assert "没有保存" in text_of(await u.reply())
    await sign_up_zh(u, name="王五")
    # back one step: refuse consent instead (a new sign-up from the start)
    await u.send("/volunteer")
    await u.reply("姓名")
    await u.send("王五")
    await u.reply("手机号")
    await u.share_contact("13900000000")
    await u.reply("哪个社区")
    await press_and_see(u, "幸福里社区", "哪个网格")
    await press_and_see(u, "第一网格", "哪一类")
    await press_and_see(u, "青年", "党员")
    await press_and_see(u, "否", "可多选")
    await press_and_see(u, "法律咨询", "可多选")
    await u.press("完成")
    await u.reply("有空")
    await u.send("周末")
    await u.reply("是否同意")
    await press_and_see(u, "不同意", "没有保存")
    person, prof = await profile_of(w.db, 4005)
    assert prof is None and person.phone is None
    assert "signup" not in (w.bot.app.user_data.get(4005) or {})


async def test_a_command_mid_way_leaves_the_sign_up_with_a_note_and_then_runs(world):
    """(issue 17) A command is never swallowed by a half-finished sign-up (tests/test_conversation_leaving.py)."""
    w = world
    u = await w.bot.user(4006, "赵六")
    await u.send("/volunteer")
    await u.reply("姓名")
    await u.send("/help")
    assert text_of(await u.reply()) == "您没填完的志愿者报名已作废。"
    await u.reply("/request")  # the help, as usual
    await u.send("赵六")
    assert "手机号" not in text_of(await u.reply())


async def test_existing_volunteers_and_pending_applicants_cannot_sign_up_twice(world):
    w = world
    await w.volunteers[0].send("/volunteer")
    assert "已经是志愿者" in text_of(await w.volunteers[0].reply())
    u = await w.bot.user(4007, "排队")
    await sign_up_zh(u, name="排队者")
    await press_and_see(u, "提交", "已提交")
    await u.send("/volunteer")
    assert "等待网格长审核" in text_of(await u.reply())


async def test_the_start_menu_button_starts_sign_up(world):
    w = world
    u = await w.bot.user(4008, "菜单用户")
    await u.send("/start")
    menu = await u.reply()
    await u.press("当志愿者", message=menu)
    await u.reply("姓名")
    answer = await w.volunteers[0].press("当志愿者", message=await _menu(w.volunteers[0]))
    assert answer["show_alert"] and "已经是志愿者" in answer["text"]


async def _menu(user: TgUser) -> dict:
    await user.send("/start")
    return await user.reply()


async def test_someone_elses_contact_is_refused(world):
    """Telegram lets people share any contact from their address book; only their own counts."""
    w = world
    u = await w.bot.user(4009, "借号")
    await u.send("/volunteer")
    await u.reply("姓名")
    await u.send("借号者")
    await u.reply("手机号")
    state = w.sb.state
    await u._mark()
    rec = state.new_message(
        u.id,
        state.users[u.id],
        {"contact": {"phone_number": "13911112222", "first_name": "别人", "user_id": 999_999}},
        event="user_contact",
        from_bot=False,
    )
    state._deliver_user_message(u.id, rec)
    refused = await u.reply("手机号")
    assert "别人的联系人" in text_of(refused)
    await u.share_contact("13933334444")
    await u.reply("哪个社区")
