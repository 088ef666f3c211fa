"""One aiohttp app: Bot API, user API, browser UI.  Run: ``python -m sandbox --port 8081``."""

from __future__ import annotations

import argparse
import asyncio
import socket
import warnings
from collections.abc import Callable
from pathlib import Path

from aiohttp import web
from pylopdf_fonts_zh_cn import sans_path

from . import botapi, botchat, botmessages, botprofile, userapi  # noqa: F401  (bot* modules register the Bot API methods)
from .state import SandboxState
from .webhook import stop_delivery

STATIC = Path(__file__).parent / "static"


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


async def _cjk_font(request: web.Request) -> web.FileResponse:
    """Noto Sans SC (SIL OFL, from the pylopdf-fonts-zh-cn package) for browsers on a machine with no
    Chinese font: the chat's style sheet falls back to it, so Chinese never shows as boxes."""
    return web.FileResponse(sans_path(), headers={"Cache-Control": "max-age=604800", "Content-Type": "font/otf"})


async def _cleanup(app: web.Application) -> None:
    stop_delivery(app["state"])


def build_app(state: SandboxState | None = None, *, rate_limits: bool = True) -> web.Application:
    state = state or SandboxState()
    state.limiter.configure(enabled=rate_limits)
    app = web.Application(client_max_size=60 * 1024 * 1024)
    with warnings.catch_warnings():  # the key "state" is part of our public contract
        warnings.simplefilter("ignore", getattr(web, "NotAppKeyWarning", UserWarning))
        app["state"] = state
    botapi.add_routes(app)
    userapi.add_routes(app)
    app.router.add_get("/", _index)
    app.router.add_get("/fonts/NotoSansSC-Regular.otf", _cjk_font)
    app.router.add_static("/static/", STATIC)
    app.on_cleanup.append(_cleanup)
    return app


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (0: a free port), to learn the port before serving on it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family)


async def start_server(
    host: str = "127.0.0.1",
    port: int = 0,
    state: SandboxState | None = None,
    rate_limits: bool = True,
    *,
    sock: socket.socket | None = None,
    mount: Callable[[web.Application], object] | None = None,
) -> tuple[web.AppRunner, int]:
    """Bind and serve; port 0 picks a free port. Returns (runner, real port).
    `sock`: serve on this bound socket (see `bind`) instead of host:port. `mount(app)` adds other
    routes (the sandbox's bot serves its dashboard, health and metrics on the same port).
    Stop with ``await runner.cleanup()``; the state is ``runner.app["state"]``."""
    app = build_app(state, rate_limits=rate_limits)
    if mount is not None:
        mount(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site: web.BaseSite = web.SockSite(runner, sock) if sock is not None else web.TCPSite(runner, host, port)
    await site.start()
    real: int = runner.addresses[0][1]  # the one site's socket: the real port when 0 was asked for
    return runner, real


def main() -> None:
    ap = argparse.ArgumentParser(description="redvest sandbox Telegram server")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8081)
    ap.add_argument("--no-limits", action="store_true")
    a = ap.parse_args()

    async def run() -> None:
        runner, port = await start_server(a.host, a.port, rate_limits=not a.no_limits)
        print(f"sandbox on http://{a.host}:{port}/  bot API base_url http://{a.host}:{port}/bot", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    asyncio.run(run())


if __name__ == "__main__":
    main()
