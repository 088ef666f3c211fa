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


async def test_answers_count_against_the_outbox_pace_so_together_they_keep_30_a_second():
    from bot.outbox.pace import Pace
    from bot.transport.limits import TelegramLimits, outbox_sends

    now = [100.0]
    pace = Pace(29, 19, monotonic=lambda: now[0])
    limits = TelegramLimits()
    limits.budget = pace

    async def call(*args, **kwargs):
        return {"ok": True}

    for i in range(29):  # 29 answers to people within one second
        await limits.process_request(call, (), {}, "sendMessage", {"chat_id": 500 + i}, None)
    await limits.process_request(call, (), {}, "answerCallbackQuery", {"callback_query_id": "1"}, None)
    with outbox_sends():  # the outbox's own calls are counted by the outbox itself, when it acquires
        await limits.process_request(call, (), {}, "sendMessage", {"chat_id": 7}, None)
    assert len(pace.answered) == 29  # the answers, not the press's answer nor the outbox's send
    assert pace.wait(7) > 0.9  # the outbox waits for the second to pass: 29 + 1 would break 30/s
    now[0] += 1.01
    assert pace.wait(7) == 0.0
    await limits.process_request(call, (), {}, "sendMessage", {"chat_id": -100}, None)
    assert len(pace.group_answered[-100]) == 1  # and a group's answers count against its minute
