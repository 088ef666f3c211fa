"""Webhook delivery: POST queued updates in order, retry with back-off on failure."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from .errors import Json
from .world import World

RETRY_BASE = 0.1  # seconds; doubles on each failure up to RETRY_MAX
RETRY_MAX = 2.0


def allowed(state: World, upd: Json) -> bool:
    return any(k in state.allowed_updates for k in upd if k != "update_id")


def start_delivery(state: World) -> None:
    if state.webhook_task is None or state.webhook_task.done():
        state.webhook_task = asyncio.get_running_loop().create_task(deliver_loop(state))


def stop_delivery(state: World) -> None:
    if state.webhook_task is not None:
        state.webhook_task.cancel()
        state.webhook_task = None


async def deliver_loop(state: World) -> None:
    delay = getattr(state, "webhook_retry_base", RETRY_BASE)
    async with aiohttp.ClientSession() as session:
        while state.webhook["url"]:
            while state.updates and not allowed(state, state.updates[0]):
                state.updates.pop(0)
            if not state.updates:
                await state.notifier.wait(30)
                continue
            upd = state.updates[0]
            headers = {}
            if state.webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = state.webhook["secret_token"]
            err = None
            try:
                async with session.post(
                    state.webhook["url"], json=upd, headers=headers, timeout=aiohttp.ClientTimeout(total=10)
                ) as r:
                    if not 200 <= r.status < 300:
                        err = f"Wrong response from the webhook: {r.status} {r.reason}"
            except asyncio.CancelledError:
                raise
            except Exception as e:  # any failure is a delivery error
                err = f"Connection failed: {type(e).__name__}: {e}"
            if err is None:
                if state.updates and state.updates[0] is upd:
                    state.updates.pop(0)
                state.webhook["delivered"] = state.webhook.get("delivered", 0) + 1
                delay = getattr(state, "webhook_retry_base", RETRY_BASE)
            else:
                state.webhook["last_error_date"] = int(time.time())
                state.webhook["last_error_message"] = err
                state.webhook["failures"] = state.webhook.get("failures", 0) + 1
                await asyncio.sleep(delay)
                delay = min(delay * 2, getattr(state, "webhook_retry_max", RETRY_MAX))
