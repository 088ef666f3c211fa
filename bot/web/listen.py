"""Where the web server listens: the dashboard (with /healthz and /readyz) on web.listen:web.port;
the Telegram webhook on its own port in webhook mode (unless it is the same address), so a proxy in
front of the dashboard never carries it; /metrics on web.metrics_listen:web.metrics_port when set,
so it is not published with the dashboard. One aiohttp runner per application."""

from __future__ import annotations

import errno
import logging

from aiohttp import web

from bot.gate.conversations import App
from bot.services.kernel.core import Core

from .server import build_web_app

log = logging.getLogger(__name__)
Site = tuple[web.Application, tuple[str, int]]


class PortInUse(OSError):
    """A port the web server cannot listen on, said in one line with what to do."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(
            f"cannot listen on {host}:{port} ({reason}): stop the program that uses it, or choose another "
            "port (web.port or --web-port; bot.webhook.port or --webhook-port; sandbox.port or --port)"
        )


class WebServer:
    """Each application on its own host:port; `ports` in the order of `sites` (the real port where 0
    was asked for)."""

    def __init__(self, sites: list[Site], shutdown_timeout: float = 30.0) -> None:
        self.sites = sites
        self.runners = [web.AppRunner(app, shutdown_timeout=shutdown_timeout) for app, _ in sites]
        self.ports: list[int] = []

    async def start(self) -> None:
        for runner, (_, (host, port)) in zip(self.runners, self.sites, strict=True):
            await runner.setup()
            try:
                await web.TCPSite(runner, host, port).start()
            except OSError as e:
                await self.stop()
                reason = "already in use" if e.errno == errno.EADDRINUSE else (e.strerror or str(e))
                raise PortInUse(host, port, reason) from None
            self.ports.append(runner.addresses[0][1] if runner.addresses else port)  # the real port for 0
        log.info(
            "web server listening on %s",
            ", ".join(f"{host}:{port}" for (_, (host, _)), port in zip(self.sites, self.ports, strict=False)),
        )

    async def stop(self) -> None:
        """Stop listening, wait for requests in flight (webhook updates), then close."""
        for runner in self.runners:
            await runner.cleanup()


def web_sites(core: Core, ptb_app: App | None) -> list[Site]:
    """The applications and where each listens: the dashboard first, then /metrics, then the webhook."""
    cfg = core.cfg
    web_at = (cfg.web.listen, cfg.web.port)
    hook_at = (cfg.bot.webhook.listen, cfg.bot.webhook.port)
    hook_apart = cfg.bot.mode == "webhook" and ptb_app is not None and (hook_at != web_at or cfg.web.port == 0)
    metrics_apart = bool(cfg.web.metrics_listen)
    main = build_web_app(core, ptb_app, webhook_route=not hook_apart, metrics_route=not metrics_apart)
    sites: list[Site] = [(main, web_at)]
    if metrics_apart:
        only_metrics = build_web_app(core, ptb_app, webhook_route=False, dashboard_routes=False)
        sites.append((only_metrics, (cfg.web.metrics_listen, cfg.web.metrics_port)))
    if hook_apart:
        only_hook = build_web_app(core, ptb_app, metrics_route=False, dashboard_routes=False)
        sites.append((only_hook, hook_at))
    return sites
