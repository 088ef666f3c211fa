"""storage.inbox on SQLite and PostgreSQL: an update id is taken once, a done one is a duplicate,
one in flight elsewhere is busy until its lease ends, a given-back one can be taken at once."""

from datetime import UTC, datetime, timedelta

from storage import inbox
from storage.inbox import Claim

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


async def take(db, uid, at, **kw):
    async with db.session() as s:
        return await inbox.take(s, uid, at, LEASE, **kw)


async def test_taken_once_then_busy_then_done(any_db):
    assert await take(any_db, 1, T0) is Claim.taken
    assert await take(any_db, 1, T0 + timedelta(seconds=5)) is Claim.busy
    async with any_db.session() as s:
        await inbox.finish(s, 1, T0 + timedelta(seconds=6))
    assert await take(any_db, 1, T0 + timedelta(seconds=7)) is Claim.done
    assert await take(any_db, 1, T0 + timedelta(days=1)) is Claim.done


async def test_a_dead_workers_update_is_taken_over_after_the_lease(any_db):
    assert await take(any_db, 2, T0) is Claim.taken
    assert await take(any_db, 2, T0 + LEASE - timedelta(seconds=1)) is Claim.busy
    assert await take(any_db, 2, T0 + LEASE + timedelta(seconds=1)) is Claim.taken
    assert await take(any_db, 2, T0 + LEASE + timedelta(seconds=2)) is Claim.busy  # the new lease


async def test_given_back_or_reclaimed_updates_are_taken_at_once(any_db):
    assert await take(any_db, 3, T0) is Claim.taken
    async with any_db.session() as s:
        await inbox.give_back(s, 3)
    assert await take(any_db, 3, T0 + timedelta(seconds=1)) is Claim.taken
    assert await take(any_db, 3, T0 + timedelta(seconds=2), reclaim=True) is Claim.taken
    async with any_db.session() as s:
        await inbox.finish(s, 3, T0)
        await inbox.give_back(s, 3)  # a done update is never given back
    assert await take(any_db, 3, T0 + timedelta(seconds=3), reclaim=True) is Claim.done


async def test_old_ids_are_purged(any_db):
    for uid in (10, 11):
        await take(any_db, uid, T0 if uid == 10 else T0 + timedelta(days=3))
    async with any_db.session() as s:
        assert await inbox.purge(s, T0 + timedelta(days=2)) == 1
    assert await take(any_db, 10, T0 + timedelta(days=4)) is Claim.taken
    assert await take(any_db, 11, T0 + timedelta(days=3, seconds=1)) is Claim.busy


async def test_a_polling_restart_frees_what_the_dead_run_had_taken(any_db):
    assert await take(any_db, 20, T0) is Claim.taken
    assert await take(any_db, 21, T0) is Claim.taken
    async with any_db.session() as s:
        await inbox.finish(s, 21, T0)
        assert await inbox.give_back_all(s) == 1
    assert await take(any_db, 20, T0 + timedelta(seconds=1)) is Claim.taken
    assert await take(any_db, 21, T0 + timedelta(seconds=1)) is Claim.done
