"""A request's proof photos on its dashboard page. Telegram keeps the bytes: the page links each
photo to a route of its own, which checks the viewer may see the request, asks the bot for the file
(getFile, then the download) and serves it. Without a bot (the dashboard alone) the photo is 503."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from markupsafe import Markup

from bot.services.office import request_detail
from bot.services.requests import photo_file_id, request_photos

from .auth import viewer_page
from .html import View, when

log = logging.getLogger(__name__)
Fetch = Callable[[str], Awaitable[bytes]]
FETCH: web.AppKey[Fetch] = web.AppKey("redvest_dashboard_fetch_file")  # set by bot/web/server.py when a bot runs


async def photos_section(v: View, request_id: int) -> Markup:
    photos = await request_photos(v.core, request_id)
    if not photos:
        return Markup("")
    figures = Markup("").join(
        Markup(
            '<figure class="proof"><a href="{0}"><img src="{0}" alt="{1}" loading="lazy"></a><figcaption>{1}</figcaption></figure>'
        ).format(
            f"/dashboard/requests/{request_id}/photos/{p.photo_id}",
            v.t("dash.proof.by", name=p.volunteer, when=when(p.at)),
        )
        for p in photos
    )
    return Markup('<h2>{}</h2><div class="proofs">{}</div>').format(v.t("dash.proof.title"), figures)


@viewer_page
async def photo(request: web.Request, v: View) -> web.StreamResponse:
    request_id = int(request.match_info["id"])
    await request_detail(v.core, v.scope, request_id)  # NotFound (404) outside the viewer's grids
    file_id = await photo_file_id(v.core, request_id, int(request.match_info["photo"]))
    if file_id is None:
        raise web.HTTPNotFound()
    fetch = request.app.get(FETCH)
    if fetch is None:
        raise web.HTTPServiceUnavailable(text=v.t("dash.proof.unavailable"))
    try:
        data = await fetch(file_id)
    except Exception as e:  # Telegram away, the file gone: the page still shows, this picture does not
        log.info(
            "proof photo %s of request %s not fetched: %s", request.match_info["photo"], request_id, type(e).__name__
        )
        raise web.HTTPServiceUnavailable(text=v.t("dash.proof.unavailable")) from None
    kind = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    return web.Response(
        body=data,
        content_type=kind,
        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
