"""What a resident may type at each step, and who may create which request (no Telegram)."""

from datetime import date

import pytest
from sqlalchemy import select

from bot.services.kernel.errors import InvalidInput, NotAllowed
from bot.services.kernel.roles import Actor
from bot.services.requests import fields as rin
from bot.services.requests.destination import NoGrid
from bot.services.requests.intake import RequestDraft, create_request
from storage.models import HelpRequest, OutboxMessage
from tests.support import factories as f

TODAY = date(2026, 11, 18)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2026-11-20", date(2026, 11, 20)),
        ("2026/11/20", date(2026, 11, 20)),
        ("11-20", date(2026, 11, 20)),
        ("11/20", date(2026, 11, 20)),
        ("11月20日", date(2026, 11, 20)),
        ("11月20号", date(2026, 11, 20)),
        (" １１－２０ ", date(2026, 11, 20)),
        ("11-18", TODAY),
        ("1-5", date(2027, 1, 5)),
        ("2026年12月1日", date(2026, 12, 1)),
        ("明天", date(2026, 11, 19)),
        ("Tomorrow", date(2026, 11, 19)),
        ("今天", TODAY),
        ("后天", date(2026, 11, 20)),
        ("5-1", date(2027, 5, 1)),  # over half a year ago: next May is nearer
    ],
)
def test_dates_people_write_are_understood(text, expected):
    assert rin.parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text,key",
    [
        ("下个月吧", "request.error.date_format"),
        ("", "request.error.date_format"),
        ("2026-13-01", "request.error.date_invalid"),
        ("2-30", "request.error.date_invalid"),
        ("2026-11-17", "request.error.date_past"),
        ("2020-01-01", "request.error.date_past"),
        ("2028-01-01", "request.error.date_far"),
        ("'; DROP TABLE help_request; --", "request.error.date_format"),
        ("9" * 5000, "request.error.date_format"),
        ("99999-1-1", "request.error.date_format"),
    ],
)
def test_nonsense_and_past_dates_are_refused_with_a_reason(text, key):
    with pytest.raises(InvalidInput) as e:
        rin.parse_date(text, TODAY)
    assert e.value.key == key


@pytest.mark.parametrize(
    "text,day", [("11月20日", date(2026, 11, 20)), ("11-20", date(2026, 11, 20)), ("12-1", date(2026, 12, 1))]
)
def test_a_month_and_day_just_past_is_refused_not_moved_to_next_year(text, day):
    """Typed on 4 December, 11月20日 is 14 days ago: refused, saying which day and which is today."""
    today = date(2026, 12, 4)
    with pytest.raises(rin.DateRefused) as e:
        rin.parse_date(text, today)
    assert (e.value.key, e.value.day, e.value.today) == ("request.error.date_past", day, today)


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200f ", "a", "\n\t"])
def test_empty_summaries_are_refused(text):
    with pytest.raises(InvalidInput) as e:
        rin.check_summary(text)
    assert e.value.key == "request.error.summary_short"


def test_summaries_keep_what_was_typed_but_not_direction_overrides():
    assert rin.check_summary("  🙏🙏 ") == "🙏🙏"
    assert rin.check_summary("<b>hi</b> & 'x'") == "<b>hi</b> & 'x'"
    assert rin.check_summary("\u202eabc\u202c") == "abc"
    assert rin.check_summary("مرحبا بكم") == "مرحبا بكم"
    with pytest.raises(InvalidInput) as e:
        rin.check_summary("长" * 10_000)
    assert e.value.key == "request.error.summary_long" and e.value.params["length"] == 10_000


@pytest.mark.parametrize(
    "text,hours",
    [
        ("1", 1),
        ("1.5", 1.5),
        ("1,5", 1.5),
        ("2h", 2),
        ("2小时", 2),
        ("90分钟", 1.5),
        ("45min", 0.75),
        ("0.1", 0.25),
        ("24", 24),
    ],
)
def test_hours_spent(text, hours):
    assert rin.parse_hours(text) == hours


@pytest.mark.parametrize("text", ["0", "-1", "25", "abc", "", "1e9", "nan", "inf", "9" * 400])
def test_impossible_hours_are_refused(text):
    with pytest.raises(InvalidInput):
        rin.parse_hours(text)


def test_phones_and_masking():
    assert rin.check_phone("+86 138-0000-1234") == "+8613800001234"
    for bad in ("abc", "123", "1" * 30, "13800001234; drop"):
        with pytest.raises(InvalidInput):
            rin.check_phone(bad)
    assert rin.mask_phones("请打 138 0000 1234 或 13800001234") == "请打 *** 或 ***"
    assert rin.mask_phones("3 栋 2 单元 401，需要 2 人") == "3 栋 2 单元 401，需要 2 人"


@pytest.fixture
async def places(core):
    db = core.db
    com = await f.community(db)
    ga, gb = await f.grid(db, com.id, "A"), await f.grid(db, com.id, "B")
    await f.person(db, 3001, "王奶奶", grid_id=ga.id)
    await f.person(db, 3009, "无网格")
    vol = await f.person(db, 2001, "张志愿", grid_id=ga.id)
    await f.volunteer(db, vol.id, ga.id)
    other = await f.person(db, 2002, "王志愿", grid_id=ga.id)
    await f.volunteer(db, other.id, ga.id)
    hh = await f.household(db, ga.id)
    await f.pair(db, vol.id, hh.id)
    await f.bind(db, -1001, ga.id)
    return ga, gb, hh


DRAFT = RequestDraft("repairs", "修水管", "today", None, "3 栋 401")


async def test_create_checks_grid_slots_and_fields(core, places):
    ga, gb, _ = places
    with pytest.raises(NoGrid):
        await create_request(core, Actor(3009, "无网格"), DRAFT)
    with pytest.raises(NotAllowed):
        await create_request(core, Actor(3001, "王奶奶"), DRAFT, grid_id=gb.id)
    with pytest.raises(NotAllowed):
        await create_request(
            core, Actor(3001, "王奶奶"), RequestDraft("moving", "搬家", "today", None, "3 栋", None, 4)
        )
    with pytest.raises(NotAllowed):
        await create_request(core, Actor(3001, "王奶奶"), DRAFT, source="leader")
    for bad in (
        RequestDraft("spaceships", "x x", "today", None, "3 栋"),
        RequestDraft("repairs", " ", "today", None, "3 栋"),
        RequestDraft("repairs", "修水管", "someday", None, "3 栋"),
        RequestDraft("repairs", "修水管", "date", "2020-01-01", "3 栋"),
        RequestDraft("repairs", "修水管", "today", None, ""),
        RequestDraft("repairs", "修水管", "today", None, "3 栋", "phone"),
    ):
        with pytest.raises(InvalidInput):
            await create_request(core, Actor(3001, "王奶奶"), bad)
    req = await create_request(
        core, Actor(3001, "王奶奶"), RequestDraft("repairs", "修水管", "date", "2026-11-20", "3 栋")
    )
    assert (req.code, req.when_date, req.grid_id) == ("A-0001", "2026-11-20", ga.id)
    async with core.db.session() as s:
        assert len((await s.execute(select(HelpRequest))).scalars().all()) == 1


async def test_a_visiting_volunteer_asks_on_a_households_behalf(core, places):
    ga, _, hh = places
    with pytest.raises(NotAllowed):
        await create_request(
            core,
            Actor(2002, "王志愿"),
            RequestDraft("elder_care", "需要陪同就医", "this_week"),
            household_id=hh.id,
            source="visit",
        )
    req = await create_request(
        core,
        Actor(2001, "张志愿"),
        RequestDraft("elder_care", "需要陪同就医", "this_week"),
        household_id=hh.id,
        source="visit",
    )
    assert (req.resident_id, req.household_id, req.address, req.source) == (None, hh.id, hh.address, "visit")
    async with core.db.session() as s:
        card = (
            (await s.execute(select(OutboxMessage).where(OutboxMessage.key == f"request-card:{req.id}")))
            .scalars()
            .one()
        )
        assert card.chat_id == -1001 and hh.address not in card.payload


async def test_a_similar_request_for_the_same_address_is_flagged_to_the_leader(core, places):
    ga, _, _ = places
    leader = await f.person(core.db, 1001, "李网格长", grid_id=ga.id)
    await f.leader(core.db, leader.id, ga.id)
    await f.person(core.db, 3002, "儿子", grid_id=ga.id)
    first = await create_request(
        core, Actor(3001, "王奶奶"), RequestDraft("repairs", "厨房水管漏水", "today", None, "3 栋 401")
    )
    second = await create_request(
        core, Actor(3002, "儿子"), RequestDraft("repairs", "水管坏了", "today", None, "3栋 401 ")
    )
    third = await create_request(core, Actor(3002, "儿子"), RequestDraft("health", "量血压", "today", None, "5 栋 101"))
    async with core.db.session() as s:
        flagged = {r.id: r.suspected_duplicate_of for r in (await s.execute(select(HelpRequest))).scalars()}
        flags = (await s.execute(select(OutboxMessage).where(OutboxMessage.key.like("dup-flag:%")))).scalars().all()
    assert flagged == {first.id: None, second.id: first.id, third.id: None}
    assert [m.key for m in flags] == [f"dup-flag:{second.id}:{leader.id}"]
    assert "同一地址" in flags[0].payload and "3 栋 401" not in flags[0].payload


async def test_a_household_request_copes_with_long_notes_and_odd_registered_details(core, places):
    _, _, hh = places
    from storage.models import Household

    async with core.db.session() as s:
        row = await s.get(Household, hh.id)
        row.address, row.phone = "幸福里" + "很长的地址" * 45, "请打居委会"
        s.add(row)
    req = await create_request(
        core,
        Actor(2001, "张志愿"),
        RequestDraft("elder_care", "需要" * 400, "this_week", address=row.address),
        household_id=hh.id,
        source="visit",
    )
    assert len(req.summary) == rin.SUMMARY_MAX and req.summary.endswith("…")
    assert req.address == row.address[:255] and req.phone is None
    with pytest.raises(InvalidInput):
        await create_request(
            core, Actor(3001, "王奶奶"), RequestDraft("repairs", "修水管", "today", None, "3 栋", None, "abc")
        )


def test_a_day_written_the_english_way_is_understood():
    today = date(2026, 12, 7)
    for typed in ("Dec 20", "20 Dec", "20th December", "December 20th, 2026", "dec. 20"):
        assert rin.parse_date(typed, today) == date(2026, 12, 20), typed
    assert rin.parse_date("5 Jan", today) == date(2027, 1, 5)  # the nearer 5 January
    for typed, key in (("20 Nov", "request.error.date_past"), ("20 Novembre", "request.error.date_format")):
        with pytest.raises(rin.DateRefused) as refused:
            rin.parse_date(typed, today)
        assert refused.value.key == key, typed
