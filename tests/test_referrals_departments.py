"""吹哨's departments kept current in chat, end to end through the sandbox: /departments lists them with
a button each; an admin renames one, gives it a new contact (its open referrals' cards go to the new
contact; the old contact's buttons no longer act) and removes it (kept for what is open with it, no
new referrals; one never used is deleted) or brings it back. The resident hears of a hand-back and
what happens next; the leader's board and request card show where a request stands. Chinese and
English, across a restart."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.app import build_application, start_running, stop_running
from bot.services.kernel.roles import Actor
from bot.services.requests import create_request
from bot.services.requests.intake import RequestDraft
from storage.models import AuditEntry, Department, Referral
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle

ADDRESS, PHONE = "幸福里 3 栋 2 单元 401", "13912345678"


async def _request(w, who, name: str, summary: str):
    await who.send("/start")
    await who.reply()
    req = await create_request(
        w.bot.core, Actor(who.id, name), RequestDraft("repairs", summary, "this_week", None, ADDRESS, PHONE, 1)
    )
    return req


async def _whistle(w, code: str, department: str) -> None:
    await w.admin.send(f"/whistle {code}")
    choose = await w.admin.reply()
    await w.admin.press(department, message=choose)
    await w.admin.reply(edited=True)
    await w.admin.press("📣")
    await w.admin.reply(edited=True)


async def _departments(w) -> list[Department]:
    async with w.db.session() as s:
        return list((await s.execute(select(Department).order_by(Department.id))).scalars())


async def test_an_admin_renames_recontacts_and_removes_a_department_and_open_referrals_stay(world):
    w = world
    await settle(w)
    zhou, li = await w.bot.user(5001, "老周"), await w.bot.user(5003, "小李")
    for u in (zhou, li, w.admin):
        await u.send("/start")
        await u.reply()
    await w.admin.send("/adddepartment 城管科 5001")
    await w.admin.reply(contains="城管科")
    await w.admin.send("/adddepartment 民政科 线下")
    await w.admin.reply(contains="民政科")
    req = await _request(w, w.resident, "王奶奶", "小区门口路面塌陷")
    await _whistle(w, req.code, "城管科")
    old_card = await zhou.reply(contains="吹哨转办")
    await w.resident.reply(contains="已转交街道")

    await w.admin.send("/departments")
    listing = await w.admin.reply(contains="街道和部门")
    assert "城管科：老周" in text_of(listing) and "点一个部门" in text_of(listing)
    await w.admin.press("城管科", message=listing)
    card = await w.admin.reply(edited=True, contains="联系人：老周")
    assert "尚未答复的转办：1 件" in text_of(card)

    # a new name
    await w.admin.press("改名", message=card)
    await w.admin.reply(contains="新名称")
    for bad in ("x", "长" * 10_000):  # the step stays open
        await w.admin.send(bad)
        assert "2 到 100 个字" in text_of(await w.admin.reply())
    await w.admin.send("民政科")
    assert "已有名为“民政科”的部门" in text_of(await w.admin.reply())
    await w.admin.press("改名", message=card)
    await w.admin.reply(contains="新名称")
    await w.admin.send("/cancel")
    assert "没有做任何修改" in text_of(await w.admin.reply())
    await w.admin.press("改名", message=card)
    await w.admin.reply(contains="新名称")
    await w.admin.send("街道城管执法队")
    saved = await w.admin.reply(contains="已保存")
    assert "街道城管执法队" in text_of(saved)
    # a new contact: the open referral's card goes to them; the old contact's buttons no longer act
    await w.admin.press("更换联系人", message=saved)
    await w.admin.reply(contains="新联系人是谁")
    await w.admin.send("424242")  # nobody the bot knows: say so, and the step stays open
    assert "我还不认识这个人" in text_of(await w.admin.reply())
    await w.admin.send("5003")
    saved = await w.admin.reply(contains="联系人：小李")
    new_card = await li.reply(contains="吹哨转办")
    assert "小区门口路面塌陷" in text_of(new_card) and ADDRESS not in text_of(new_card)
    answer = await zhou.press("接收", message=old_card)
    assert answer["show_alert"] and "其他联系人" in answer["text"]

    # removed with a referral open: kept for it, nothing new goes to it
    await w.admin.press("移除", message=saved)
    ask = await w.admin.reply(edited=True, contains="之后不再向它转办")
    assert "尚未答复的 1 件仍由它答复或退回" in text_of(ask)
    await w.admin.press("确认移除", message=ask)
    assert "不再向它转办" in text_of(await w.admin.reply(edited=True, contains="已移除"))
    dep_id = (await _departments(w))[0].id
    answer = await w.admin.press("x", data=f"dep:name:{dep_id}", force=True)  # an old card's: its moment has passed
    assert answer["show_alert"] and "已移除" in answer["text"]
    other = await _request(w, w.resident, "王奶奶", "路灯不亮")
    await w.admin.send(f"/whistle {other.code}")
    choose = await w.admin.reply(contains="转交给哪个部门")
    assert [b["text"] for b in buttons_of(choose)] == ["📵 民政科"]
    # the removed department still answers what it has; the resident hears the hand-back and what is next
    await li.press("退回", message=new_card)
    await li.press("跳过", message=await li.reply(contains="写明原因"))  # no reason given
    await li.reply(contains="已退回社区")
    back = text_of(await w.resident.reply(contains="退回了社区"))
    assert req.code in back and "街道城管执法队" in back and "社区会继续处理" in back and "/my" in back
    assert "原因" not in back

    # the list shows it removed; it comes back by its button, or by /adddepartment of its name
    await w.admin.send("/departments")
    listing = await w.admin.reply(contains="街道和部门")
    assert "街道城管执法队：小李（已移除）" in text_of(listing)
    await w.admin.press("街道城管执法队", message=listing)
    card = await w.admin.reply(edited=True, contains="已移除")
    await w.admin.press("恢复", message=card)
    assert "联系人：小李" in text_of(await w.admin.reply(edited=True, contains="已保存"))
    # one never used is deleted outright
    await w.admin.send("/departments")
    listing = await w.admin.reply(contains="街道和部门")
    await w.admin.press("民政科", message=listing)
    card = await w.admin.reply(edited=True, contains="民政科")
    await w.admin.press("移除", message=card)
    await w.admin.press("确认移除", message=await w.admin.reply(edited=True, contains="之后不再向它转办"))
    assert "从未向它转办过" in text_of(await w.admin.reply(edited=True, contains="已移除"))
    deps = await _departments(w)
    assert [(d.name, d.active, d.tg_user_id) for d in deps] == [("街道城管执法队", True, 5003)]
    async with w.db.session() as s:
        actions = [
            a
            for a in (await s.execute(select(AuditEntry.action).order_by(AuditEntry.id))).scalars()
            if a.startswith("department.")
        ]
    assert actions == [
        "department.create",
        "department.create",
        "department.rename",
        "department.contact",
        "department.remove",
        "department.restore",
        "department.remove",
    ]
    # only admins
    await w.leader.send("/departments")
    assert "社区管理员" in text_of(await w.leader.reply())
    answer = await w.leader.press("x", data=f"dep:rmy:{deps[0].id}", force=True)
    assert answer["show_alert"] and "社区管理员" in answer["text"]
    assert (await _departments(w))[0].active


async def test_in_english_the_board_shows_the_referral_and_a_rename_survives_a_restart(world):
    w = world
    await settle(w)
    ann = await w.bot.user(5002, "Ann", lang="en")
    for u in (w.admin, w.leader):
        u.lang = "en"
        await w.sb.add_user(u.id, u.name, language_code="en")
    for u in (ann, w.admin, w.leader):
        await u.send("/start")
        await u.reply()
    await w.admin.send("/adddepartment Housing 5002")
    await w.admin.reply(contains="Housing")
    req = await _request(w, w.resident_en, "Alice", "The lift has been broken for a week")
    await _whistle(w, req.code, "Housing")
    card = await ann.reply(contains="forwards a request to Housing")
    await w.resident_en.reply(contains="passed to the street office")

    # the leader's board and the request's card
    await w.leader.send("/board")
    board = await w.leader.reply(contains=req.code)
    assert "🏛 Housing: waiting for an answer" in text_of(board)
    await w.leader.press(req.code, message=board)
    detail = text_of(await w.leader.reply(contains="With Housing since"))
    assert "waiting for an answer" in detail and "answer due by" in detail and "past its deadline" not in detail
    async with w.db.session() as s:  # its deadline passes
        [ref] = (await s.execute(select(Referral))).scalars()
        await s.execute(update(Referral).values(due_at=ref.created_at - timedelta(minutes=1)))
    await w.leader.send("/board")
    board = await w.leader.reply(contains=req.code)
    assert "past its deadline" in text_of(board)

    # a rename asked, the bot restarts, the typed name still lands
    await w.admin.send("/departments")
    listing = await w.admin.reply(contains="Housing")
    await w.admin.press("Housing", message=listing)
    dep_card = await w.admin.reply(edited=True, contains="Contact: Ann")
    await w.admin.press("Rename", message=dep_card)
    await w.admin.reply(contains="Type the new name")
    await stop_running(w.bot.app)
    app = build_application(w.bot.core.cfg, w.db, w.bot.core.clock, run_scheduler=False)
    await start_running(app, poll_timeout=1)
    try:
        await w.admin.send("<b>Housing</b> office")
        saved = await w.admin.reply(contains="Saved")
        assert "<b>Housing</b> office" in text_of(saved)  # shown as typed, never as markup
        await ann.press("Hand back", message=card)
        await ann.press("Skip", message=await ann.reply(contains="say why"))
        await ann.reply(contains="handed back")
        back = text_of(await w.resident_en.reply(contains="handed your request"))
        assert req.code in back and "<b>Housing</b> office" in back and "what happens next" in back
        await w.leader.press(req.code, data=f"board:req:{req.id}", force=True)
        detail = text_of(await w.leader.reply(contains="handed back"))
        assert "Back with the community" in detail and "past its deadline" not in detail
    finally:
        await stop_running(app)
