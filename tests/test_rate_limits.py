"""One place paces and retries each send: what the bot sends on its own is paced and retried by the
outbox sender alone, an answer to the person who wrote by the rate limiter alone. A 429 is retried
once, by one of them, never by both (the sandbox refuses the next send to a chat on request)."""

from __future__ import annotations

from prometheus_client import REGISTRY

from bot.views.message import OutMessage
from tests.support.harness import text_of
from tests.support.waiting import holds


def seen_429(sender: str) -> float:
    return REGISTRY.get_sample_value("redvest_telegram_429_total", {"sender": sender}) or 0.0


async def copies(sb, chat_id: int, text: str, n: int) -> bool:
    return [text_of(m) for m in await sb.bot_messages(chat_id)].count(text) == n


async def test_a_429_on_a_notification_is_retried_once_by_the_outbox_alone(bot):
    alice = await bot.user(7401, "Alice", "en")
    await alice.send("/start")
    await alice.reply()
    before = {s: seen_429(s) for s in ("outbox", "reply")}
    bot.sb.state.limiter.refuse_next(7401, times=1, retry_after=1)
    async with bot.core.db.session() as s:
        await bot.core.notifier.send(s, "limits-test:1", OutMessage(chat_id=7401, text="your task"))
    await alice.reply("your task")
    await holds(lambda: copies(bot.sb, 7401, "your task", 1), 1.5, "one copy (a second retry would add one)")
    assert bot.sb.state.stats["rate_limited_429"] == 1
    assert seen_429("outbox") == before["outbox"] + 1  # the sender saw it and gave the row back
    assert seen_429("reply") == before["reply"]  # the limiter did not retry it too


async def test_a_429_on_an_answer_is_retried_once_by_the_limiter(bot):
    alice = await bot.user(7402, "Alice", "en")
    await alice.send("/start")
    await alice.reply()
    before = {s: seen_429(s) for s in ("outbox", "reply")}
    bot.sb.state.limiter.refuse_next(7402, times=1, retry_after=1)
    await alice.send("/help")
    answer = await alice.reply("/request")
    await holds(lambda: copies(bot.sb, 7402, text_of(answer), 1), 1.5, "one copy of the answer")
    assert bot.sb.state.stats["rate_limited_429"] == 1
    assert seen_429("reply") == before["reply"] + 1 and seen_429("outbox") == before["outbox"]
