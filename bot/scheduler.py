"""Scheduled jobs (filled in by the weekly-rhythm work): start/stop hooks used by the app."""
from __future__ import annotations

from telegram.ext import Application


async def start(app: Application) -> None:
    """Start the jobs this process runs (none yet)."""


async def stop(app: Application) -> None:
    """Stop them."""
