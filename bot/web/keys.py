"""The aiohttp application keys under which the web server keeps the core and the PTB application."""

from __future__ import annotations

from aiohttp import web
from telegram.ext import Application

from bot.services.kernel.core import Core

CORE = web.AppKey("core", Core)
PTB = web.AppKey("ptb", Application)
