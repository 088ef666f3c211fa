"""点单 end to end: a resident asks for help through the guided conversation; the card reaches the group."""

from sqlalchemy import select

from storage.models import AuditEntry, HelpRequest
from tests.support.harness import buttons_of, text_of

ADDRESS = "幸福里 3 栋 2 单元 401"


async def ask(w, user, *, category="维修", summary="厨房水龙头漏水", when="今天", address=ADDRESS, phone="13900001111"):
    """Walk a resident through /request up to the confirm screen."""
    await user.send("/request")
    await user.reply(contains="1")
    await user.press(category)
    await user.reply()
    await user.send(summary)
    await user.reply()
    await user.press(when)
    await user.reply()
    await user.send(address)
    await user.reply()
    if phone:
        await user.share_contact(phone)
    else:
        await user.send("💬 只通过机器人联系" if user.lang == "zh-CN" else "💬 Only through the bot")
    return await user.reply(contains=ADDRESS if address == ADDRESS else address)


async def test_resident_asks_for_help_and_the_card_reaches_the_volunteer_group_without_private_details(world):
    w, resident = world, world.resident
    confirm = await ask(w, resident)
    assert "厨房水龙头漏水" in text_of(confirm) and "13900001111" in text_of(confirm)
    await resident.press("发送")
    sent = await resident.reply(contains="A-0001")
    assert "已发出" in text_of(sent)
    card = await w.sb.wait_bot_message(w.volunteer_group, contains="A-0001")
    body = text_of(card)
    assert "厨房水龙头漏水" in body and "维修" in body and "今天" in body
    assert ADDRESS not in body and "401" not in body and "13900001111" not in body
    assert any("接单" in b["text"] for b in buttons_of(card))
    async with w.db.session() as s:
        req = (await s.execute(select(HelpRequest))).scalars().one()
        assert (req.code, req.status, req.address, req.phone, req.slots) == (
            "A-0001",
            "open",
            ADDRESS,
            "13900001111",
            1,
        )
        entry = (await s.execute(select(AuditEntry).where(AuditEntry.action == "request.create"))).scalars().one()
        assert ADDRESS not in entry.detail and "13900001111" not in entry.detail


async def test_english_resident_asks_for_help_in_english(world):
    w, alice = world, world.resident_en
    await alice.send("/request")
    assert "Step 1" in text_of(await alice.reply())
    await alice.press("Errands")
    await alice.reply()
    await alice.send("Please pick up my medicine from the pharmacy")
    assert "Step 3" in text_of(await alice.reply())
    await alice.press("This week")
    await alice.reply()
    await alice.send("Block 5, Flat 12")
    await alice.reply()
    await alice.send("💬 Only through the bot")
    confirm = await alice.reply(contains="Please check")
    assert "Contact: through the bot" in text_of(confirm)
    await alice.press("Send")
    assert "A-0001" in text_of(await alice.reply(contains="Sent"))
    card = await w.sb.wait_bot_message(w.volunteer_group, contains="A-0001")
    assert "Block 5" not in text_of(card)
