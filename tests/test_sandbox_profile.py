"""The sandbox answers the Bot API's menu and description methods as Telegram does, and shows each
person the menu their client would: the most specific scope that has commands (their private chat's;
in a group, the group admins' when they are one), their language's list before the one without a
language. Its browser chat reads Chinese on a machine with no Chinese font. (No bot here: plain calls.)"""

from __future__ import annotations

import aiohttp
import pytest
import telegram
from telegram import (
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import BadRequest

from sandbox import SandboxClient, SandboxState, start_server

TOKEN = "123456:TESTtokenTESTtoken"
ALICE, BOB, CAROL, GROUP = 1001, 1002, 1003, -100


@pytest.fixture
async def env():
    runner, port = await start_server("127.0.0.1", 0, state=SandboxState())
    base = f"http://127.0.0.1:{port}"
    async with SandboxClient(base) as sb, telegram.Bot(TOKEN, base_url=f"{base}/bot") as bot:
        await sb.add_user(ALICE, "Alice", language_code="en")
        await sb.add_user(BOB, "Bob", language_code="zh-hans")
        await sb.add_user(CAROL, "Carol", language_code="fr")
        await sb.add_group(GROUP, "Grid 7", [ALICE, BOB, CAROL], admins=[BOB])
        yield bot, sb, base
    await runner.cleanup()


async def shown(sb: SandboxClient, user: int, chat: int | None = None) -> list[str]:
    return [c["command"] for c in (await sb.menu(user, chat))["commands"]]


async def test_each_person_sees_the_most_specific_menu_in_their_language(env):
    bot, sb, _ = env
    assert await shown(sb, ALICE) == []
    await bot.set_my_commands([("start", "Start")])  # default, no language
    await bot.set_my_commands([("request", "Ask")], scope=BotCommandScopeAllPrivateChats(), language_code="en")
    await bot.set_my_commands([("request", "求助")], scope=BotCommandScopeAllPrivateChats(), language_code="zh")
    await bot.set_my_commands([("events", "Events")], scope=BotCommandScopeAllGroupChats())
    await bot.set_my_commands([("bind", "Bind")], scope=BotCommandScopeAllChatAdministrators())
    await bot.set_my_commands([("board", "派单")], scope=BotCommandScopeChat(BOB), language_code="zh")
    assert await shown(sb, ALICE) == ["request"] and (await sb.menu(ALICE))["commands"][0]["description"] == "Ask"
    assert await shown(sb, BOB) == ["board"]  # his own chat's menu, in his language ("zh-hans" is zh)
    assert await shown(sb, CAROL) == ["start"]  # no French list anywhere, none without a language but default
    assert await shown(sb, ALICE, GROUP) == ["events"] and await shown(sb, BOB, GROUP) == ["bind"]
    await sb.add_user(BOB, "Bob", language_code="en")  # his Telegram now in English: no English list of his own
    assert await shown(sb, BOB) == ["request"]
    await bot.delete_my_commands(scope=BotCommandScopeChat(BOB), language_code="zh")
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(BOB), language_code="zh")] == []
    got = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="zh")
    assert [(c.command, c.description) for c in got] == [("request", "求助")]


async def test_descriptions_by_language(env):
    bot, sb, _ = env
    await bot.set_my_description("社区前台", language_code="zh")
    await bot.set_my_description("The front desk")
    await bot.set_my_short_description("Front desk", language_code="en")
    assert (await bot.get_my_description(language_code="zh")).description == "社区前台"
    assert (await bot.get_my_description()).description == "The front desk"
    assert (await bot.get_my_description(language_code="en")).description == ""  # none set for English itself
    assert (await bot.get_my_short_description(language_code="en")).short_description == "Front desk"
    assert (await sb.menu(BOB))["description"] == "社区前台" and (await sb.menu(ALICE))[
        "description"
    ] == "The front desk"
    await bot.set_my_description("", language_code="zh")  # an empty one removes it
    assert (await sb.menu(BOB))["description"] == "The front desk"


async def test_what_telegram_refuses_is_refused(env):
    bot, _, _ = env
    with pytest.raises(BadRequest, match="(?i)language"):
        await bot.set_my_commands([("start", "Start")], language_code="zh-hans")
    with pytest.raises(BadRequest, match="(?i)description"):
        await bot.set_my_short_description("x" * 121)
    with pytest.raises(BadRequest, match="(?i)description"):
        await bot.set_my_description("x" * 513)
    with pytest.raises(BadRequest, match="(?i)command"):
        await bot.set_my_commands([("Start!", "Start")])


async def test_the_browser_chat_brings_a_chinese_font(env):
    _, _, base = env
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/static/style.css") as r:
            css = await r.text()
        assert '"Sandbox CJK"' in css and "url(/fonts/NotoSansSC-Regular.otf)" in css
        assert 'font: 15px/1.4 "Sandbox CJK", system-ui' in css  # first: a generic family before it draws boxes
        async with http.get(f"{base}/fonts/NotoSansSC-Regular.otf") as r:
            assert r.status == 200 and (await r.read())[:4] == b"OTTO"
