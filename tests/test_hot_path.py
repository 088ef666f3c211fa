"""The five commonest kinds of update (issue 19) read what they need as Core rows: a new request,
Accept, Done and the rating, a door visit and /points load no ORM objects. An ORM load builds an
identity map entry and instance state per row, which cost more CPU than SQLite spends answering;
the bench (bench/inbound.py) prints the same count per kind of update."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Mapper

from bot.outbox.notifier import OutboxNotifier
from bot.services.kernel.core import Core
from bot.services.kernel.roles import Actor
from bot.services.points.standing import my_points
from bot.services.requests.claiming import claim_task
from bot.services.requests.destination import begin_request
from bot.services.requests.intake import RequestDraft, create_request
from bot.services.requests.ratings import comment_rating, confirm_outcome, rate_request
from bot.services.requests.task_details import task_view
from bot.services.requests.tasks import report_done
from bot.services.visits.door_visits import check_can_log, record_visit
from bot.services.visits.paired_households import my_households
from storage.models import Person, Rating
from tests.support import factories as f


@contextmanager
def orm_loads() -> Iterator[list[str]]:
    """The class of every object the ORM loads from a row meanwhile (SQLAlchemy's `load` event)."""
    loaded: list[str] = []

    def on_load(target: object, _context: object) -> None:
        loaded.append(type(target).__name__)

    event.listen(Mapper, "load", on_load)
    try:
        yield loaded
    finally:
        event.remove(Mapper, "load", on_load)


@pytest.fixture
async def town(any_db, clock, cfg):
    core = Core(db=any_db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    com = await f.community(any_db)
    grid = await f.grid(any_db, com.id)
    await f.person(any_db, 3001, "王奶奶", grid_id=grid.id)
    vol = await f.person(any_db, 5001, "小张", grid_id=grid.id)
    await f.volunteer(any_db, vol.id, grid.id)
    await f.bind(any_db, -1001, grid.id)
    hh = await f.household(any_db, grid.id)
    await f.pair(any_db, vol.id, hh.id)
    return core, hh.id


async def test_a_request_from_start_to_stars_and_a_door_visit_load_no_orm_objects(town):
    core, household_id = town
    resident, volunteer = Actor(3001, "王奶奶", language="zh-CN"), Actor(5001, "小张", language="zh-CN")
    with orm_loads() as loaded:
        start = await begin_request(core, resident)  # /request; Send then goes to the grid it found
        draft = RequestDraft("repairs", "水管漏水", "today", None, "3 栋 401", None, 1)
        req = await create_request(core, resident, draft, grid_id=start.grid_id)
        await claim_task(core, volunteer, req.id)
        await task_view(core, volunteer, req.id)
        await report_done(core, volunteer, req.id, "1.5", "换了水管")
        await confirm_outcome(core, resident, req.id, "done")
        await rate_request(core, resident, req.id, 5)
        await comment_rating(core, resident, req.id, "谢谢")
        await my_households(core, volunteer)
        await check_can_log(core, volunteer, household_id)
        await record_visit(core, volunteer, household_id, "met")
        points = await my_points(core, volunteer)
    assert loaded == []
    # and what they did is what the ORM would have done
    async with core.db.session() as s:
        rating = (await s.execute(select(Rating))).scalars().one()
    assert (rating.stars, rating.comment) == (5, "谢谢")
    assert points.points > 0 and points.month_hours == 1.5


async def test_a_person_who_renamed_themselves_is_kept_fresh_without_an_orm_load(town):
    core, _ = town
    with orm_loads() as loaded:
        await my_points(core, Actor(5001, "小张", username="zhang_new", language="en"))
    assert loaded == []
    async with core.db.session() as s:
        p = (await s.execute(select(Person).where(Person.tg_user_id == 5001))).scalars().one()
    assert (p.username, p.language) == ("zhang_new", "en")
