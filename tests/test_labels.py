"""One name per thing: a skill, a request's category and a status read the same on every screen (sign-up
buttons, the request buttons, the group's card, /my, the web dashboard, exports), from one catalog key."""

from __future__ import annotations

import csv
import io
import re

import pytest

from bot.i18n import LANGUAGES, catalogs
from bot.services.kernel.roles import Actor
from bot.services.requests.intake import RequestDraft, create_request
from bot.views.labels import FAMILIES, value_label
from storage.enums import VolunteerStatus
from tests.support import factories as f
from tests.support.dashboard import new_client, page, sign_in, start_web
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle

# the words a catalog key uses for a family of values ("request.skill.transport" would be a second
# name for the skill whose one name is volunteers.skill.transport)
FAMILY_WORDS = {
    "skill": {"skill", "skills"},
    "category": {"category", "cat"},
    "status": {"status", "rstatus"},
    "assignment": {"astatus", "assignment"},
    "volunteer_status": {"vstatus", "status"},
    "work_group": {"wg", "work_group", "group"},
    "care": {"care", "flag", "flags"},
    "flag": {"flag", "red_flag", "redflag"},
    "outcome": {"outcome", "visit"},
    "duty": {"answer", "emergency", "duty"},
    "issue": {"issue", "istatus"},
}


def test_each_value_has_one_catalog_key_in_both_languages():
    cats = catalogs()
    canonical = {key for _, keys in FAMILIES.values() for key in keys.values()}
    for family, (enum, keys) in FAMILIES.items():
        assert list(keys) == [v.value for v in enum], f"{family}: every value has a key"
        for lang in LANGUAGES:
            assert set(keys.values()) <= set(cats.messages[lang]), f"{lang} {family}: a value without a label"
            labels = [cats.messages[lang][k] for k in keys.values()]
            assert len(set(labels)) == len(labels), f"{lang} {family}: two values read the same: {labels}"
        others = []
        for key in cats.keys("en") - canonical:
            *_, word, value = key.split(".") if key.count(".") >= 2 else ("", "", "")
            if value in keys and word in FAMILY_WORDS[family]:
                others.append(key)
        assert not others, f"{family}: a second name for a value: {sorted(others)}"


def test_when_a_request_is_for_has_one_label_too():
    """urgent / today / this week: the request's card words (request.when.*), on the dashboard as well."""
    assert not [k for k in catalogs().keys("en") if ".when." in k and not k.startswith("request.when.")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_labels_carry_no_icon_of_their_own(lang):
    """Icons are a button's decoration (bot.views.labels.ICONS), not part of the value's name."""
    for family, (_, keys) in FAMILIES.items():
        for value in keys:
            label = value_label(lang, family, value)
            assert re.match(r"\w", label), f"{lang} {family}.{value}: {label!r} starts with an icon"


async def test_one_name_for_a_skill_a_category_and_a_status_on_every_screen(world):
    w = world
    await settle(w)
    core = w.bot.core
    transport = value_label("zh-CN", "skill", "transport")
    errands = value_label("zh-CN", "category", "errands")
    waiting = value_label("zh-CN", "status", "open")

    # sign-up: the skill buttons
    u = await w.bot.user(4001, "刘新人")
    await u.send("/start")
    await u.reply()
    await u.send("/volunteer")
    await u.reply("姓名")
    await u.send("刘新人")
    await u.reply("手机号")
    await u.share_contact("13912345678")
    await u.reply("哪个社区")
    await u.press("幸福里社区")
    await u.reply("哪个网格", edited=True)
    await u.press("第一网格")
    await u.reply("哪一类", edited=True)
    await u.press("退休人员")
    await u.reply("党员", edited=True)
    await u.press("是")
    skills = await u.reply("可多选", edited=True)
    assert any(b["text"].endswith(" " + transport) for b in buttons_of(skills))
    await u.send("/cancel")
    await u.reply()

    # asking for help: the category buttons
    await w.resident.send("/request")
    asking = await w.resident.reply(contains="1")
    assert any(b["text"].endswith(" " + errands) for b in buttons_of(asking))
    await w.resident.send("/cancel")
    await w.resident.reply()

    # the group's card: the category and the skill that fits it
    req = await create_request(
        core, Actor(3001, "王奶奶"), RequestDraft("errands", "帮忙取药", "today", None, "3 栋 401", "13900001111")
    )
    card = text_of(await w.sb.wait_bot_message(w.volunteer_group, contains=req.code))
    assert errands in card and transport in card

    # the resident's /my: the status
    await w.resident.send("/my")
    assert waiting in text_of(await w.resident.reply(contains=req.code))

    # the dashboard: the board, the request, an applicant's skills
    applicant = await f.person(w.db, 2999, "赵接送", grid_id=w.grid_a.id)
    await f.volunteer(w.db, applicant.id, w.grid_a.id, skills="transport", status=VolunteerStatus.pending)
    runner, base = await start_web(core)
    try:
        async with new_client() as c:
            await sign_in(c, core, 1001)
            _, board = await page(c, f"{base}/dashboard/requests")
            _, detail = await page(c, f"{base}/dashboard/requests/{req.id}")
            _, vols = await page(c, f"{base}/dashboard/volunteers")
            day = req.created_at.date().isoformat() if req.created_at else ""
            url = f"{base}/dashboard/exports/download?kind=requests&from={day}&to={day}&format=csv"
            async with c.get(url) as r:
                rows = list(csv.reader(io.StringIO((await r.read()).decode("utf-8-sig"))))
    finally:
        await runner.cleanup()
    assert errands in board and waiting in board and errands in detail and waiting in detail
    assert transport in vols
    [row] = [r for r in rows[1:] if r[0] == req.code]
    assert errands in row and waiting in row

    # and no screen used another name for them
    every = "\n".join([card, board, detail, vols, *(",".join(r) for r in rows)])
    for old in ("接送跑腿", "接送 ", "跑腿代办", "跑腿代购"):
        assert old not in every
