"""bench/fanout.py --paid: the Friday fan-out with paid broadcasts (outbox.paid_broadcast), first
against the sandbox's limits (a send with allow_paid_broadcast counts against 1,000 a second, the
free ones against 30), then the same fan-out against a sandbox with no limits at all: the outbox's
own ceiling, what the sender, the database and this machine allow. Target: at least 600 msg/s and
no 429 under the limits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sandbox.client import SandboxClient

PAID_LIMIT_PER_SECOND = 1000
TARGET = 600.0


def rate(r: dict[str, Any]) -> float:
    return (r["delivered"] - 1) / r["span"] if r["span"] else 0.0


def line(title: str, r: dict[str, Any]) -> str:
    return (
        f"{title}: delivered {r['delivered']} of {r['queued']} in {r['span']:.1f} s = {rate(r):.0f} msg/s; "
        f"429 answers {r['rate_429']}; busiest second {r['max_per_second']} msgs; "
        f"private chats messaged twice {r['duplicates']}"
    )


async def paid_fanout(sb: SandboxClient, run: Callable[..., Awaitable[dict[str, Any] | None]]) -> None:
    """`run(paid=, name=, known=)`: one Friday fan-out on a fresh database; its figures."""
    await sb.set_limits(enabled=True)
    paid = await run(paid=True, name="paid")
    await sb.set_limits(enabled=False)
    try:
        ceiling = await run(paid=True, name="ceiling", known=True)
    finally:
        await sb.set_limits(enabled=True)
    assert paid is not None and ceiling is not None
    met = rate(paid) >= TARGET and paid["rate_429"] == 0 and paid["delivered"] == paid["queued"]
    print(f"\n== Friday fan-out with paid broadcasts ({paid['queued']} messages)")
    print(line(f"under Telegram's limits (paid {PAID_LIMIT_PER_SECOND}/s)", paid))
    print(line("the outbox's own ceiling (no limits)", ceiling))
    print(
        f"paid fan-out {rate(paid):.0f} msg/s beside the outbox's ceiling of {rate(ceiling):.0f} msg/s "
        f"({rate(paid) / rate(ceiling):.0%} of it); target at least {TARGET:.0f} msg/s and no 429: "
        f"{'met' if met else 'NOT met'}"
    )
