"""Counting texts read right for one and for many: gettext plural entries through Babel (`tn`)."""

from __future__ import annotations

import pytest

from bot.i18n import catalogs, t, tn, tnp
from bot.jobs import visit_list, visit_overview, visit_reminder
from bot.scheduler import run_due
from tests.support import factories as f
from tests.support.harness import text_of
from tests.support.town import at, log_visit, payload, rows, seed_town
from tests.support.waiting import settle

VISITS = [visit_list.JOB, visit_reminder.JOB, visit_overview.JOB]


@pytest.mark.parametrize(
    ("key", "one", "many"),
    [
        ("households.paired", "looks after 1 more household.", "looks after 3 more households."),
        ("dash.board.count", "1 request", "3 requests"),
        ("volunteers.left_notice", "1 household pairing ended: /pair to give it", "3 household pairings ended"),
        ("reminders.overview.needs_help", "1 visit found", "3 visits found"),
        ("board.error.too_many", "holds 1 open task.", "holds 3 open tasks."),
        ("request.escalate.leader_intro", "for 1 minute.", "for 3 minutes."),
        ("emergency.started", "went to 1 shock-team volunteer;", "went to 3 shock-team volunteers;"),
    ],
)
def test_english_counts_one_and_many(key, one, many):
    params = {"name": "Ann", "grid": "Grid 1", "code": "A-1", "place": "P"}
    assert one in tnp("en", key, 1, **params) and many in tnp("en", key, 3, **params)
    assert "(s)" not in tnp("en", key, 1, **params)


def test_chinese_has_one_form_and_fractions_count_as_many():
    assert "新增 1 户" in tn("zh-CN", "households.paired", 1, name="甲")
    assert "新增 3 户" in tn("zh-CN", "households.paired", 3, name="甲")
    assert len(catalogs().plurals["zh-CN"]["households.paired"]) == 1
    assert tn("en", "digest.volunteers.hours", 1.5, points="").startswith("1.5 hours")
    assert tn("en", "digest.volunteers.hours", 1.0, points="").startswith("1 hour ")
    # a DomainError's text counts through its `n` parameter
    assert "1 open request," in t("en", "privacy.error.open_requests", n=1)
    assert "2 open requests," in t("en", "privacy.error.open_requests", n=2)


async def test_the_evening_reminder_says_has_for_one_household_and_have_for_two(core, clock, db):
    town = await seed_town(db, volunteers=2, homes_each=2, english=(0, 1))
    one_left, two_left = town.vols
    await log_visit(db, town.homes[one_left.id][0], one_left, "2026-W47")
    clock.set(at(2026, 11, 20, 18, 0))
    await run_due(core, jobs=VISITS)
    texts = {r.chat_id: payload(r)["text"] for r in await rows(db, "visit-reminder")}
    assert "1 of your households has no visit logged" in texts[one_left.tg_user_id]
    assert "2 of your households have no visit logged" in texts[two_left.tg_user_id]


async def test_an_english_leader_counts_households_through_telegram(world):
    await settle(world)
    w = world
    lee = await w.bot.user(1005, "Lee", lang="en")
    p = await f.person(w.db, 1005, "Lee", grid_id=w.grid_a.id, language="en")
    await f.leader(w.db, p.id, w.grid_a.id)
    await lee.send("/households")
    assert "1 household," in text_of(await lee.reply(contains="without a volunteer"))
    await f.household(w.db, w.grid_a.id, "幸福里 9 栋 101")
    await lee.send("/households")
    assert "2 households," in text_of(await lee.reply(contains="2 households"))
