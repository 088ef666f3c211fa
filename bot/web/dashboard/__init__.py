"""The community office: a web dashboard for grid leaders and admins, served by the bot's own
aiohttp server. `add_routes(app, core)` mounts it under /dashboard (see docs/dashboard.md)."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.services.kernel.core import Core
from bot.views.fonts import font_file

from . import (
    auth,
    board,
    care,
    certificates,
    exports,
    honour,
    life,
    meetings,
    notices,
    overview,
    people,
    proof,
    referrals,
    units,
)

STATIC = Path(__file__).parent / "static"
FONT_URL = "/dashboard/static/NotoSansSC-Regular.otf"  # named in static/style.css


async def _style(_request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "style.css", headers={"Cache-Control": "max-age=3600"})


async def _font(_request: web.Request) -> web.FileResponse:
    """Noto Sans SC, for viewers whose device has no Chinese font (the style sheet's @font-face)."""
    return web.FileResponse(font_file(), headers={"Cache-Control": "max-age=604800", "Content-Type": "font/otf"})


async def _to_overview(_request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/dashboard/")


def add_routes(app: web.Application, core: Core) -> None:
    """Mount the dashboard on `app`; its pages use `core` (the same one the bot uses)."""
    app[auth.CORE] = core
    app.router.add_routes(
        [
            web.get("/dashboard", _to_overview),
            web.get("/dashboard/", overview.overview_page),
            web.get("/dashboard/static/style.css", _style),
            web.get(FONT_URL, _font),
            web.get("/dashboard/login", auth.login_page),
            web.post("/dashboard/login", auth.login_submit),
            web.post("/dashboard/logout", auth.logout),
            web.post("/dashboard/lang", auth.set_language),
            web.get("/dashboard/requests", board.board_page),
            web.get(r"/dashboard/requests/{id:\d{1,15}}", board.request_page),
            web.post(r"/dashboard/requests/{id:\d{1,15}}/dispatch", board.dispatch_action),
            web.post(r"/dashboard/requests/{id:\d{1,15}}/reassign", board.reassign_action),
            web.post(r"/dashboard/requests/{id:\d{1,15}}/close", board.close_action),
            web.get(r"/dashboard/requests/{id:\d{1,15}}/photos/{photo:\d{1,15}}", proof.photo),
            web.get("/dashboard/volunteers", people.volunteers_page),
            web.post(r"/dashboard/volunteers/{profile_id:\d{1,15}}/approve", people.approve_action),
            web.get(r"/dashboard/volunteers/{person_id:\d{1,15}}/certificate", certificates.certificate_page),
            web.get(r"/dashboard/volunteers/{person_id:\d{1,15}}/certificate.pdf", certificates.certificate_download),
            web.get("/dashboard/certificates", certificates.check_page),
            web.get("/dashboard/households", people.households_page),
            web.get("/dashboard/meetings", meetings.meetings_page),
            web.get(r"/dashboard/meetings/{id:\d{1,15}}", meetings.item_page),
            web.post(r"/dashboard/meetings/{id:\d{1,15}}/owner", meetings.owner_action),
            web.post(r"/dashboard/meetings/{id:\d{1,15}}/decision", meetings.decision_action),
            web.post(r"/dashboard/meetings/{id:\d{1,15}}/follow_up", meetings.follow_up_action),
            web.post(r"/dashboard/meetings/{id:\d{1,15}}/close", meetings.close_action),
            web.get("/dashboard/care", care.care_page),
            web.get("/dashboard/referrals", referrals.referrals_page),
            web.get("/dashboard/events", life.events_page),
            web.get("/dashboard/emergency", life.emergency_page),
            web.get("/dashboard/units", units.units_page),
            web.get("/dashboard/notices", notices.notices_page),
            web.get("/dashboard/honour", honour.honour_page),
            web.get("/dashboard/exports", exports.exports_page),
            web.get("/dashboard/exports/download", exports.download),
        ]
    )
