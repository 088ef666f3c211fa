"""What Telegram shows of the bot, through the sandbox: each person's "/" menu follows their roles
(a resident's, a volunteer's, a grid leader's, an admin's), in Chinese and in English; groups have
their own (their admins get /bind); the bot describes itself in both languages; /myid tells a person
the id an admin needs to invite them."""

from __future__ import annotations

from bot.i18n import tp
from bot.services.kernel.roles import Actor
from bot.services.people import approve_volunteer, suspend_volunteer
from bot.services.places import add_admin, remove_leader, set_leader
from bot.views.commands import group_menu, menu_version, private_menu
from storage.enums import VolunteerStatus

from .support import factories as f
from .support.harness import text_of
from .support.town import keys
from .support.waiting import wait_for

GROUP = -1001


async def menu(sb, tg: int, lang: str, chat: int | None = None) -> list[tuple[str, str]]:
    """The menu the person's client shows, with their Telegram set to `lang` ("zh-hans" or "en")."""
    user = next(u for u in await sb.users() if u["id"] == tg)
    await sb.add_user(tg, user["first_name"], language_code=lang)
    return [(c["command"], c["description"]) for c in (await sb.menu(tg, chat))["commands"]]


async def shows(sb, tg: int, **roles: bool) -> bool:
    """The person's client shows the menu of these roles, in Chinese and in English."""
    return await menu(sb, tg, "zh-hans") == private_menu("zh-CN", **roles) and await menu(sb, tg, "en") == private_menu(
        "en", **roles
    )


async def test_residents_and_groups_get_their_menus_in_both_languages_at_start_up(bot):
    sb = bot.sb
    await bot.user(3001, "王奶奶")
    await bot.user(3002, "Alice", lang="en")
    await bot.user(3003, "Jean", lang="fr")
    await sb.add_group(GROUP, "第一网格志愿者群", [3001, 3002], admins=[3002])
    assert await menu(sb, 3001, "zh-hans") == private_menu("zh-CN")
    assert ("request", "求助") in private_menu("zh-CN") and ("myid", tp("zh-CN", "cmd.myid")) in private_menu("zh-CN")
    assert await menu(sb, 3002, "en") == private_menu("en")
    assert await menu(sb, 3003, "fr") == private_menu("zh-CN")  # other languages: the community's default
    assert await menu(sb, 3001, "zh-hans", GROUP) == group_menu("zh-CN")
    assert await menu(sb, 3002, "en", GROUP) == group_menu("en", admins=True)  # a group admin binds
    assert "bind" not in dict(group_menu("en")) and "tasks" not in dict(private_menu("en"))


async def test_the_bot_describes_itself_in_both_languages(bot):
    tg = bot.app.bot
    for lang, code in (("zh-CN", "zh"), ("en", "en")):
        assert (await tg.get_my_description(language_code=code)).description == tp(lang, "bot.description")
        short = (await tg.get_my_short_description(language_code=code)).short_description
        assert short == tp(lang, "bot.short_description") and len(short) <= 120
    assert (await tg.get_my_description()).description == tp("zh-CN", "bot.description")
    await bot.user(3002, "Alice", lang="en")
    assert (await bot.sb.menu(3002))["description"] == tp("en", "bot.description")


async def test_volunteers_leaders_and_admins_each_get_their_own_menu(bot):
    db, core, sb = bot.core.db, bot.core, bot.sb
    com = await f.community(db)
    grid = await f.grid(db, com.id)
    await f.person(db, 9001, "区管理员", superadmin=True)
    boss = Actor(9001, "区管理员")
    people = {}
    for tg, name in ((1001, "李网格长"), (9002, "社区书记"), (2001, "新志愿者")):
        await bot.user(tg, name)
        people[tg] = await f.person(db, tg, name, grid_id=grid.id)

    await set_leader(core, boss, grid.id, 1001)
    await add_admin(core, boss, com.id, 9002)
    await wait_for(lambda: shows(sb, 1001, leads=True), 10, "the leader's menu")
    await wait_for(lambda: shows(sb, 9002, admin=True), 10, "the admin's menu")
    leader_menu = dict(await menu(sb, 1001, "zh-hans"))
    assert leader_menu["board"] == tp("zh-CN", "cmd.board") and "emergency" not in leader_menu
    assert "emergency" in dict(await menu(sb, 9002, "en"))

    # a volunteer waiting for approval sees the residents' menu; approved, their own
    prof = await f.volunteer(db, people[2001].id, grid.id, status=VolunteerStatus.pending)
    assert await shows(sb, 2001)
    assert "volunteer" in dict(await menu(sb, 2001, "en")) and "tasks" not in dict(await menu(sb, 2001, "en"))
    await approve_volunteer(core, Actor(1001, "李网格长"), prof.id)
    await wait_for(lambda: shows(sb, 2001, volunteer=True), 10, "the approved volunteer's menu")
    mine = dict(await menu(sb, 2001, "zh-hans"))
    assert mine["tasks"] == tp("zh-CN", "cmd.tasks") and "volunteer" not in mine and "board" not in mine

    # roles taken away: back to the residents' menu (their chat's own menu is removed)
    await suspend_volunteer(core, Actor(1001, "李网格长"), prof.id)
    await remove_leader(core, boss, grid.id, people[1001].id)
    await wait_for(lambda: shows(sb, 2001), 10, "the suspended volunteer's menu")
    await wait_for(lambda: shows(sb, 1001), 10, "the former leader's menu")


async def test_myid_tells_a_person_their_id_and_in_a_group_the_groups(bot):
    resident = await bot.user(3001, "王奶奶")
    alice = await bot.user(3002, "Alice", lang="en")
    await bot.sb.add_group(GROUP, "第一网格居民群", [3001, 3002])
    await resident.send("/myid")
    said = text_of(await resident.reply())
    assert "3001" in said and "管理员" in said
    await alice.send("/myid")
    said = text_of(await alice.reply())
    assert "Your Telegram id is 3002" in said and "admin" in said
    await alice.send("/myid", chat=GROUP)
    said = text_of(await alice.reply(chat=GROUP))
    assert "3002" in said and str(GROUP) in said


async def test_people_who_held_roles_before_get_their_menu_at_their_next_start(bot):
    db, sb = bot.core.db, bot.sb
    grid = await f.grid(db, (await f.community(db)).id)
    leader = await bot.user(1001, "李网格长")
    person = await f.person(db, 1001, "李网格长", grid_id=grid.id)
    await f.leader(db, person.id, grid.id)  # a leader from before menus followed roles
    assert await shows(sb, 1001)  # the residents' menu
    await leader.send("/start")
    await leader.reply()
    await wait_for(lambda: shows(sb, 1001, leads=True), 10, "the leader's menu")
    await leader.send("/start")
    await leader.reply()
    assert await keys(db, "menu:1001:") == [f"menu:1001:{menu_version()}:010"]  # once per wording and roles
    resident = await bot.user(3001, "王奶奶")
    await resident.send("/start")
    await resident.reply()
    assert await keys(db, "menu:3001:") == []  # residents keep the menu every private chat has
