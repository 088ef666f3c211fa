"""Updates of one person never interleave, whichever chat they come from; other people run in parallel."""

import asyncio

from telegram import Chat, Message, Update, User

from bot.gate.updates import ChatOrderedProcessor


def _update(uid: int, user_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, "private" if chat_id > 0 else "group")
    msg = Message(message_id=uid, date=None, chat=chat, from_user=User(user_id, "u", False), text="x")
    return Update(uid, message=msg)


async def _run(updates: list[Update]) -> tuple[list[tuple[str, int]], int]:
    proc = ChatOrderedProcessor(64)
    log: list[tuple[str, int]] = []
    running = {"now": 0, "max": 0}

    async def work(u: Update) -> None:
        running["now"] += 1
        running["max"] = max(running["max"], running["now"])
        log.append(("start", u.update_id))
        await asyncio.sleep(0.01)
        log.append(("end", u.update_id))
        running["now"] -= 1

    await asyncio.gather(*(proc.process_update(u, work(u)) for u in updates))
    return log, running["max"]


async def test_one_persons_private_and_group_updates_run_one_at_a_time_in_order():
    # a leader half-way through a private conversation also writes in a group
    log, peak = await _run([_update(1, 1001, 1001), _update(2, 1001, -5), _update(3, 1001, 1001)])
    assert peak == 1
    assert log == [("start", 1), ("end", 1), ("start", 2), ("end", 2), ("start", 3), ("end", 3)]


async def test_different_people_in_one_group_run_in_parallel():
    _, peak = await _run([_update(i, 2000 + i, -5) for i in range(10)])
    assert peak == 10


async def test_a_busy_person_holds_one_slot_and_everybody_else_goes_on():
    """64 updates from one person (the first one slow) and one from somebody else, with 64 slots:
    the other person's update is handled while the busy person's first one is still running."""
    proc = ChatOrderedProcessor(64)
    release = asyncio.Event()
    handled: list[int] = []

    async def work(u: Update) -> None:
        if u.update_id == 1:
            await release.wait()  # the busy person's first update takes its time
        handled.append(u.update_id)

    busy = [asyncio.ensure_future(proc.in_turn(u, work(u))) for u in (_update(i, 3001, 3001) for i in range(1, 65))]
    await asyncio.sleep(0)  # all 64 are queued before the other person writes
    other = _update(100, 3002, 3002)
    await asyncio.wait_for(proc.in_turn(other, work(other)), timeout=5)
    assert handled == [100]  # nothing of the busy person's had finished: it held one slot, not 64
    release.set()
    await asyncio.gather(*busy)
    assert handled == [100, *range(1, 65)]  # and their own order is kept
