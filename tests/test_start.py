"""/start and /help through the sandbox, in both languages."""

from tests.support.harness import buttons_of, text_of


async def test_start_in_private_chat_shows_welcome_with_ask_for_help_button(bot):
    resident = await bot.user(5001, "王奶奶", lang="zh-CN")
    await resident.send("/start")
    msg = await resident.reply()
    assert "红马甲" in text_of(msg)
    assert any("求助" in b["text"] for b in buttons_of(msg))


async def test_start_answers_in_english_for_english_users(bot):
    alice = await bot.user(5002, "Alice", lang="en")
    await alice.send("/start")
    msg = await alice.reply()
    assert "red vest" in text_of(msg)
    assert any("Ask for help" in b["text"] for b in buttons_of(msg))
    assert "Alice" in text_of(msg)


async def test_start_escapes_a_name_with_markup(bot):
    mallory = await bot.user(5003, "<b>Eve</b> & co", lang="en")
    await mallory.send("/start")
    msg = await mallory.reply()
    assert "<b>Eve</b> & co" in text_of(msg)  # shown literally, not parsed as markup


async def test_help_lists_resident_commands(bot):
    alice = await bot.user(5004, "Alice", lang="en")
    await alice.send("/help")
    msg = await alice.reply()
    assert "/request" in text_of(msg) and "Grid leaders" not in text_of(msg)


async def test_unknown_command_gets_a_friendly_answer(bot):
    alice = await bot.user(5005, "Alice", lang="en")
    await alice.send("/frobnicate")
    assert "/help" in text_of(await alice.reply())


async def test_command_menu_is_registered_in_both_languages(bot):
    menus = bot.sb.state.commands  # "<scope json>|<language code>" -> commands
    by_lang = {key.rsplit("|", 1)[1]: cmds for key, cmds in menus.items()}
    assert {"zh", "en"} <= set(by_lang)
    zh = {c["command"]: c["description"] for c in by_lang["zh"]}
    en = {c["command"]: c["description"] for c in by_lang["en"]}
    assert zh["request"] == "求助" and en["request"] == "Ask for help"
