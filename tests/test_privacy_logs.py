"""Addresses and phones never reach logs, group chats or error messages.

Every logger of the process is turned to DEBUG (python-telegram-bot logs whole API calls there,
SQLAlchemy SQL parameters) while a resident asks for help with an address and a phone through the
real conversation, a volunteer takes it in the group and finishes it, the resident rates it — and
while a handler crashes on the address. Then: no captured log line, no message in any group chat,
no error message contains the address or the phone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.services import requests as request_input  # the handlers read check_address from the package
from tests.support.harness import text_of

ADDRESS = "幸福里 9 栋 1 单元 1203"
ADDRESS_PART = "1 单元 1203"
PHONE = "13912348765"
SUMMARY = "帮忙修一下门锁"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("sandbox"):
            return  # the sandbox plays Telegram; it is not the bot
        self.lines.append(self.format(record))


@pytest.fixture
def all_logs() -> Iterator[Capture]:
    capture = Capture()
    root = logging.getLogger()
    loggers = [logging.getLogger(n) for n in list(logging.root.manager.loggerDict)] + [root]
    levels = {lg: lg.level for lg in loggers if isinstance(lg, logging.Logger)}
    for lg in levels:
        lg.setLevel(logging.DEBUG)
    root.addHandler(capture)
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        for lg, level in levels.items():
            lg.setLevel(level)


def leaks(text: str) -> bool:
    return any(secret in text for secret in (ADDRESS, ADDRESS_PART, PHONE, PHONE[-8:]))


async def test_a_whole_request_with_address_and_phone_leaves_no_trace_in_logs_or_groups(world, all_logs, monkeypatch):
    w = world
    resident, vol = w.resident, w.volunteers[0]
    for u in (resident, vol):
        await u.send("/start")
        await u.reply()
    # the resident asks through the conversation
    await resident.send("/request")
    await resident.reply("第 1 步")
    await resident.press("req:cat:repairs")
    await resident.reply("第 2 步")
    await resident.send(SUMMARY)
    await resident.reply("第 3 步")
    await resident.press("req:when:today")
    await resident.reply("第 4 步")
    await resident.send(ADDRESS)
    await resident.reply("第 5 步")
    await resident.share_contact(PHONE)
    confirm = await resident.reply(ADDRESS)
    assert PHONE in text_of(confirm)  # shown to the resident themself, in private
    await resident.press("req:send")
    sent = await resident.reply("A-")
    code = next(word for word in text_of(sent).replace("<b>", " ").split() if word.startswith("A-"))[:6]

    # the volunteer takes it from the group card and finishes it
    card = await w.sb.wait_bot_message(w.volunteer_group, contains=code)
    await vol.press("接单", chat=w.volunteer_group, message=card)
    details = await vol.reply(contains=ADDRESS)
    assert PHONE in text_of(details)  # the volunteer who took it sees them, in private
    await vol.press("完成", message=await vol.last(with_button="完成"))
    await vol.reply(contains="小时")
    await vol.send("1")
    await vol.reply(contains="1")
    await vol.send("锁修好了")
    await vol.reply(contains="已报完成")
    ask = await resident.reply(contains="办好了吗")
    await resident.press("办好了", message=ask)
    stars = await resident.reply(contains="打个分", edited=True)
    await resident.press("5⭐", message=stars)

    # a handler crashes on the address: the error is logged, the resident gets an apology
    def broken(text: str) -> str:
        raise ValueError(f"cannot parse address {text!r}")

    monkeypatch.setattr(request_input, "check_address", broken)
    await resident.send("/request")
    await resident.reply("第 1 步")
    await resident.press("req:cat:repairs")
    await resident.reply("第 2 步")
    await resident.send(SUMMARY)
    await resident.reply("第 3 步")
    await resident.press("req:when:today")
    await resident.reply("第 4 步")
    await resident.send(ADDRESS)
    apology = await resident.reply()
    assert not leaks(text_of(apology))
    assert any("ValueError" in line for line in all_logs.lines), "the crash was logged"

    # what the bot said in every group chat
    for chat in (w.volunteer_group, w.resident_group, w.other_group):
        for m in await w.sb.messages(chat):
            assert not leaks(text_of(m)), (chat, text_of(m))
    # and in the logs, at DEBUG, of every library
    assert len(all_logs.lines) > 100
    leaked = [line for line in all_logs.lines if leaks(line)]
    assert leaked == []
