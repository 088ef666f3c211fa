"""The yardstick of bench/fanout.py: what Telegram's limits allow for a queue, and how close a run came."""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Any

LIMIT_PER_SECOND = 30
LIMIT_PER_GROUP_MINUTE = 20


def max_per_window(times: list[float], window: float) -> int:
    q: deque[float] = deque()
    best = 0
    for t in sorted(times):
        q.append(t)
        while q[0] <= t - window:
            q.popleft()
        best = max(best, len(q))
    return best


def ideal_seconds(chats: list[int]) -> float:
    """What the limits allow for this queue: a perfect sender at exactly 30 messages a second that
    takes the first queued message whose group has room (20 in any minute); first to last send."""
    pending = list(chats)
    sent: dict[int, deque[float]] = defaultdict(deque)
    t, last = 0.0, 0.0
    while pending:
        pick, free_at = None, float("inf")
        for i, chat in enumerate(pending):
            q = sent[chat]
            while q and q[0] <= t - 60 + 1e-9:  # (float rounding must not stall the simulation)
                q.popleft()
            if chat > 0 or len(q) < LIMIT_PER_GROUP_MINUTE:
                pick = i
                break
            free_at = min(free_at, q[0] + 60)
        if pick is None:
            t = free_at
            continue
        chat = pending.pop(pick)
        if chat < 0:
            sent[chat].append(t)
        last, t = t, t + 1 / LIMIT_PER_SECOND
    return last


def report(r: dict[str, Any], ideal: float) -> None:
    rate = (r["delivered"] - 1) / r["span"] if r["span"] else 0.0
    ideal = ideal + 1 / LIMIT_PER_SECOND  # first to last send, plus the last one's own slot
    print(f"\n== {r['case']}")
    print(f"queued {r['queued']} in {r['enqueue_s']:.1f} s; delivered {r['delivered']}")
    print(
        f"achieved {rate:.1f} msg/s against Telegram's limit of {LIMIT_PER_SECOND}/s ({rate / LIMIT_PER_SECOND:.1%}); "
        f"ideal time at the limits {ideal:.1f} s, actual {r['span']:.1f} s "
        f"({(r['span'] / ideal - 1) * 100:+.1f}%; target within +5%)"
        if ideal
        else f"achieved {rate:.1f} msg/s"
    )
    print(
        f"429 answers: {r['rate_429']} (target 0); busiest second: {r['max_per_second']} msgs; "
        f"busiest group minute: {r['max_group_minute']} msgs; private chats messaged twice: {r['duplicates']}"
    )
