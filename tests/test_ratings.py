"""评单: confirm done / partly / not done, stars and a comment; points only on confirmation."""

import json

import pytest
from sqlalchemy import select

from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from bot.services.kernel.roles import Actor
from bot.services.requests import ratings
from bot.services.requests.claiming import claim_task
from bot.services.requests.intake import RequestDraft, create_request
from bot.services.requests.tasks import report_done
from storage.models import Assignment, HelpRequest, OutboxMessage, PointsEntry, Rating
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of

RESIDENT = Actor(3001, "王奶奶", language="zh-hans")
OTHER = Actor(3002, "Alice", language="en")
VOL = Actor(2001, "张志愿", language="zh-hans")
LEADER = Actor(1001, "李网格长", language="zh-hans")


@pytest.fixture
async def done_request(core):
    db = core.db
    com = await f.community(db)
    grid = await f.grid(db, com.id)
    await f.person(db, 3001, "王奶奶", grid_id=grid.id)
    await f.person(db, 3002, "Alice", grid_id=grid.id, language="en")
    leader = await f.person(db, 1001, "李网格长", grid_id=grid.id)
    await f.leader(db, leader.id, grid.id)
    vol = await f.person(db, 2001, "张志愿", grid_id=grid.id)
    await f.volunteer(db, vol.id, grid.id)
    req = await create_request(core, RESIDENT, RequestDraft("repairs", "修水管", "today", None, "3 栋 401"))
    await claim_task(core, VOL, req.id)
    await report_done(core, VOL, req.id, "2", "换了新管子")
    return req, vol


async def points(core):
    async with core.db.session() as s:
        return {p.ref: p.points for p in (await s.execute(select(PointsEntry))).scalars()}


async def keys(core, prefix):
    async with core.db.session() as s:
        return set((await s.execute(select(OutboxMessage.key).where(OutboxMessage.key.like(prefix + "%")))).scalars())


async def test_not_done_reopens_for_the_same_volunteer_and_grants_nothing(core, done_request):
    req, vol = done_request
    await ratings.confirm_outcome(core, RESIDENT, req.id, "not")
    assert await points(core) == {}
    async with core.db.session() as s:
        r = await s.get(HelpRequest, req.id)
        assert (r.status, r.slots_taken, r.done_at) == ("filled", 1, None)
        assert (await s.execute(select(Assignment.status))).scalars().one() == "accepted"
    assert any(k.startswith(f"reopened:{req.id}:{vol.id}:") for k in await keys(core, "reopened:"))
    assert any(":lead:" in k for k in await keys(core, "reopened:"))
    with pytest.raises(Conflict):  # the old confirm buttons are stale now
        await ratings.confirm_outcome(core, RESIDENT, req.id, "done")
    await report_done(core, VOL, req.id, "1", None)
    assert await keys(core, f"done:{req.id}:") == {f"done:{req.id}:0", f"done:{req.id}:1"}  # asked again
    await ratings.confirm_outcome(core, RESIDENT, req.id, "partly")
    assert await points(core) == {f"task:{req.id}:{vol.id}": 10 + 2 * 1}
    async with core.db.session() as s:
        assert (await s.execute(select(Rating.outcome))).scalars().one() == "partly"


async def test_only_the_resident_confirms_and_rates_once(core, done_request):
    req, _ = done_request
    with pytest.raises(NotAllowed):
        await ratings.confirm_outcome(core, OTHER, req.id, "done")
    with pytest.raises(NotAllowed):
        await ratings.confirm_outcome(core, VOL, req.id, "done")  # never on the volunteer's word
    with pytest.raises(InvalidInput):
        await ratings.confirm_outcome(core, RESIDENT, req.id, "maybe")
    await ratings.confirm_outcome(core, RESIDENT, req.id, "done")
    with pytest.raises(Conflict):
        await ratings.confirm_outcome(core, RESIDENT, req.id, "done")  # replayed
    with pytest.raises(InvalidInput):
        await ratings.rate_request(core, RESIDENT, req.id, 6)
    with pytest.raises(NotAllowed):
        await ratings.rate_request(core, OTHER, req.id, 1)
    await ratings.rate_request(core, RESIDENT, req.id, 4)
    with pytest.raises(Conflict):
        await ratings.rate_request(core, RESIDENT, req.id, 5)
    with pytest.raises(InvalidInput):
        await ratings.comment_rating(core, RESIDENT, req.id, "x" * 501)
    await ratings.comment_rating(core, RESIDENT, req.id, "<b>谢谢</b>")
    pts = await points(core)
    assert len(pts) == 1 and list(pts.values()) == [14]  # 4 stars: no bonus
    async with core.db.session() as s:
        rating = (await s.execute(select(Rating))).scalars().one()
        assert (rating.stars, rating.comment, rating.confirmed_by_leader) == (4, "<b>谢谢</b>", False)
        msg = (await s.execute(select(OutboxMessage).where(OutboxMessage.key.like("rating-comment:%")))).scalars().one()
        assert "&lt;b&gt;谢谢&lt;/b&gt;" in json.loads(msg.payload)["text"]  # escaped, not markup


async def test_leaders_are_asked_to_confirm_after_the_wait_once_and_not_before(core, clock, done_request):
    req, vol = done_request
    with pytest.raises(NotAllowed) as e:
        await ratings.leader_confirm(core, LEADER, req.id)
    assert e.value.key == "rating.error.too_early"
    clock.advance(hours=47)
    assert await ratings.auto_confirm_due(core) == 0
    clock.advance(hours=2)
    assert await ratings.auto_confirm_due(core) == 1
    assert await ratings.auto_confirm_due(core) == 0
    assert await keys(core, "leader-confirm:") == {f"leader-confirm:{req.id}:{(await _leader_id(core))}"}
    with pytest.raises(NotAllowed):
        await ratings.leader_confirm(core, VOL, req.id)
    await ratings.leader_confirm(core, LEADER, req.id)
    assert await points(core) == {f"task:{req.id}:{vol.id}": 14}
    async with core.db.session() as s:
        rating = (await s.execute(select(Rating))).scalars().one()
        assert rating.confirmed_by_leader and rating.outcome == "done"
    await ratings.rate_request(core, RESIDENT, req.id, 5)  # the resident may still rate afterwards
    assert await points(core) == {f"task:{req.id}:{vol.id}": 14, f"five_star:{req.id}:{vol.id}": 2}


async def _leader_id(core):
    from storage.models import Person

    async with core.db.session() as s:
        return (await s.execute(select(Person.id).where(Person.tg_user_id == 1001))).scalars().one()


async def test_not_done_then_resident_and_leader_flow_through_the_sandbox(world):
    w = world
    for u in (w.leader, w.resident, w.volunteers[0]):
        await u.send("/start")
        await u.reply()
    core = w.bot.core
    req = await create_request(core, RESIDENT, RequestDraft("repairs", "修水管", "today", None, "3 栋 401"))
    await claim_task(core, VOL, req.id)
    await report_done(core, VOL, req.id, "1", None)
    ask = await w.resident.reply(contains="办好了吗")
    await w.resident.press("没办好", message=ask)
    assert "继续跟进" in text_of(await w.resident.reply(contains="继续跟进"))
    assert "还没办好" in text_of(await w.volunteers[0].reply(contains="还没办好"))
    assert "没办好" in text_of(await w.leader.reply(contains=req.code))
    again = await w.resident.press("办好了", message=ask, force=True)  # the old buttons are stale
    assert again["show_alert"] and "未做任何更改" in again["text"]
    await report_done(core, VOL, req.id, "1", None)
    async with w.db.session() as s:  # the resident never answers; the wait passes
        from datetime import UTC, datetime, timedelta

        from sqlalchemy import update

        await s.execute(
            update(HelpRequest).where(HelpRequest.id == req.id).values(done_at=datetime.now(UTC) - timedelta(hours=49))
        )
    assert await ratings.auto_confirm_due(core) == 1
    prompt = await w.leader.reply(contains="一直没有确认")
    await w.leader.press("确认已完成", message=prompt)
    await w.leader.reply(contains="积分已记入", edited=True)
    await w.volunteers[0].reply(contains="网格长确认")
    stars = await w.resident.reply(contains="网格长已确认")
    assert len([b for b in buttons_of(stars) if "⭐" in b["text"]]) == 5


async def test_english_resident_confirms_and_rates_in_english(world):
    w = world
    for u in (w.resident_en, w.volunteers[0]):
        await u.send("/start")
        await u.reply()
    core = w.bot.core
    req = await create_request(
        core, Actor(3002, "Alice", language="en"), RequestDraft("errands", "Buy bread", "today", None, "Block 5")
    )
    await claim_task(core, VOL, req.id)
    await report_done(core, VOL, req.id, "0.5", "Bread on the table")
    ask = await w.resident_en.reply(contains="was it done?")
    await w.resident_en.press("Partly done", message=ask)
    stars = await w.resident_en.reply(contains="How would you rate", edited=True)
    await w.resident_en.press("3⭐", message=stars)
    await w.resident_en.reply(contains="Anything to tell", edited=True)
    await w.resident_en.press("Skip")
    assert "Thank you" in text_of(await w.resident_en.reply(edited=True))
    await w.resident_en.send("/my")
    listing = await w.resident_en.reply(contains=req.code)
    assert "completed" in text_of(listing)


async def _message(w, chat: int, message_id: int) -> dict:
    return next(m for m in await w.sb.bot_messages(chat) if m["message_id"] == message_id)


@pytest.mark.parametrize(
    ("lang", "ask_text", "done", "stars_text", "skip", "thanks", "answer"),
    [
        ("zh-CN", "办好了吗", "办好了", "打个分", "跳过", "谢谢", "👉 您的回答：✅ 办好了"),
        ("en", "was it done?", "Done", "How would you rate", "Skip", "Thank you", "👉 Your answer: ✅ Done"),
    ],
)
async def test_the_volunteers_note_stays_in_the_residents_chat_after_rating(
    world, lang, ask_text, done, stars_text, skip, thanks, answer
):
    """Rating answers with new messages: the volunteer's "done" message, with their note, stays."""
    w = world
    resident = w.resident if lang == "zh-CN" else w.resident_en
    for u in (resident, w.volunteers[0]):
        await u.send("/start")
        await u.reply()
    core = w.bot.core
    actor = Actor(resident.id, resident.name, language="zh-hans" if lang == "zh-CN" else "en")
    req = await create_request(core, actor, RequestDraft("repairs", "修水管", "today", None, "3 栋 401"))
    await claim_task(core, VOL, req.id)
    await report_done(core, VOL, req.id, "1", "换了新管子，阀门也紧过了")
    ask = await resident.reply(contains=ask_text)
    assert "换了新管子" in text_of(ask)
    await resident.press(done, message=ask)
    stars_msg = await resident.reply(contains=stars_text)
    assert stars_msg["message_id"] != ask["message_id"]
    await resident.press("5⭐", message=stars_msg)
    await resident.reply(contains="⭐⭐⭐⭐⭐", edited=True)
    await resident.press(skip)
    await resident.reply(contains=thanks, edited=True)
    kept = await _message(w, resident.id, ask["message_id"])
    assert text_of(kept) == text_of(ask) + "\n\n" + answer  # the note is still there, word for word
    assert not buttons_of(kept)  # and the answer given stands in for its buttons
