"""A city's Monday: the weekly job computes every community's digests of the week once, and each
community's run takes its own from there. What each leader and admin reads is what their
community's digest alone would say."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import delete

from bot.jobs import digest as digest_job
from bot.scheduler import run_due
from bot.services.digests import send_weekly_digests
from storage.models import HelpRequest, OutboxMessage

from .support.town import at, payload, rows, seed_town

WEEK = "2026-W47"


async def _requests(db, grid_id, n: int) -> None:
    async with db.session() as s:
        for i in range(n):
            when = at(2026, 11, 17, 9 + i).astimezone(UTC)
            s.add(
                HelpRequest(
                    grid_id=grid_id,
                    category="errands",
                    summary="买菜",
                    when_kind="today",
                    created_at=when,
                    first_accepted_at=when + timedelta(minutes=20),
                    status="filled",
                )
            )


async def _texts(db) -> dict[str, str]:
    return {r.key: payload(r)["text"] for r in await rows(db, "digest:") if r.key.endswith(":text")}


async def test_a_monday_of_two_communities_computes_the_city_once(core, clock, db, monkeypatch):
    east = await seed_town(db, volunteers=1)
    west = await seed_town(db, volunteers=1, name="西区社区")
    await _requests(db, east.grid.id, 1)
    await _requests(db, west.grid.id, 3)
    computed = []
    real = digest_job.city_week

    async def city_week(core, week):
        computed.append(week)
        return await real(core, week)

    monkeypatch.setattr(digest_job, "city_week", city_week)
    clock.set(at(2026, 11, 23, 8, 0))
    await run_due(core, jobs=[digest_job.JOB])
    assert computed == [WEEK]
    by_job = await _texts(db)
    assert {k.split(":")[4] for k in by_job} == {str(p.id) for p in (east.leader, east.admin, west.leader, west.admin)}
    west_leader = next(t for k, t in by_job.items() if k.endswith(f":{west.leader.id}:text"))
    east_leader = next(t for k, t in by_job.items() if k.endswith(f":{east.leader.id}:text"))
    assert west_leader != east_leader

    # each community on its own, as before the city was computed at once: the same words
    async with db.session() as s:
        await s.execute(delete(OutboxMessage))
    for town in (east, west):
        await send_weekly_digests(core, town.community.id, WEEK)
    assert await _texts(db) == by_job

    # a community set up after the city's figures were made still gets its own, five minutes on
    late = await seed_town(db, volunteers=1, name="新区社区")
    clock.set(at(2026, 11, 23, 8, 5))
    await run_due(core, jobs=[digest_job.JOB])
    assert computed == [WEEK]
    assert f"digest:grid:{late.grid.id}:{WEEK}:{late.leader.id}:text" in await _texts(db)
