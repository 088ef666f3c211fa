"""A volunteer's service certificate (志愿服务证明) from the office: a form (from, to) and the A4 PDF
it leads to, in the volunteer's language, for a volunteer of a grid the viewer sees."""

from __future__ import annotations

import asyncio

from aiohttp import web
from markupsafe import Markup

from bot.services.certificates import certificate_for_viewer, check_certificate
from bot.services.kernel.errors import InvalidInput
from bot.services.kernel.life_common import zone
from bot.services.office import parse_date
from bot.views.certificates import certificate_pdf, filename

from .auth import viewer_page
from .html import View, layout, table


def _person_id(request: web.Request) -> int:
    return int(request.match_info["person_id"])


def certificate_link(v: View, person_id: int) -> Markup:
    return Markup('<a href="/dashboard/volunteers/{}/certificate">{}</a>').format(
        person_id, v.t("dash.certificate.link")
    )


@viewer_page
async def certificate_page(request: web.Request, v: View) -> web.StreamResponse:
    today = v.core.clock.now().astimezone(zone(v.scope.timezone)).date()
    form = Markup(
        '<form method="get" action="/dashboard/volunteers/{}/certificate.pdf" class="filters">'
        '<label>{} <input type="date" name="from" value="{}" required></label>'
        '<label>{} <input type="date" name="to" value="{}" required></label>'
        '<button type="submit" class="primary">{}</button></form><p class="muted">{}</p>'
        '<p><a href="/dashboard/certificates">{}</a></p>'
    ).format(
        _person_id(request),
        v.t("dash.filter.from"),
        today.replace(month=1, day=1).isoformat(),
        v.t("dash.filter.to"),
        today.isoformat(),
        v.t("dash.certificate.download"),
        v.t("dash.certificate.note"),
        v.t("dash.certificate.check_link"),
    )
    return layout(v, v.t("dash.certificate.title"), form, active="volunteers")


@viewer_page
async def check_page(request: web.Request, v: View) -> web.StreamResponse:
    """Check a printed certificate by its number: what was certified, as issued."""
    number = request.query.get("number", "")[:64]
    form = Markup(
        '<form method="get" action="/dashboard/certificates" class="filters">'
        '<label>{} <input name="number" value="{}" required></label>'
        '<button type="submit" class="primary">{}</button></form>'
    ).format(v.t("dash.certificate.number"), number, v.t("dash.certificate.check"))
    result = Markup("")
    if number.strip():
        communities = sorted({g.community_id for g in v.scope.grids})
        c = await check_certificate(v.core, communities, number)
        if c is None:
            result = Markup('<p class="banner bad">{}</p>').format(v.t("dash.certificate.unknown", number=number))
        else:
            result = table(
                [v.t("dash.certificate.field"), v.t("dash.certificate.value")],
                [
                    (v.t("dash.certificate.number"), c.number),
                    (v.t("dash.col.name"), c.volunteer),
                    (v.t("dash.certificate.community"), c.community),
                    (v.t("dash.certificate.period"), f"{c.start.isoformat()} – {c.end.isoformat()}"),
                    (v.t("dash.col.hours"), f"{c.hours:g}"),
                    (v.t("dash.col.points"), c.points),
                    (v.t("dash.col.tasks_done"), c.tasks),
                    (v.t("dash.certificate.issued"), f"{c.issued_on.isoformat()} · {c.issued_by or '—'}"),
                ],
            )
    return layout(v, v.t("dash.certificate.check_title"), form + result, active="volunteers")


@viewer_page
async def certificate_download(request: web.Request, v: View) -> web.StreamResponse:
    start, end = parse_date(request.query.get("from")), parse_date(request.query.get("to"))
    if start is None or end is None:
        raise InvalidInput("dash.error.bad_date")
    cert = await certificate_for_viewer(v.core, v.scope.person_id, v.scope.grid_ids, _person_id(request), start, end)
    pdf = await asyncio.to_thread(certificate_pdf, cert, cert.language or v.lang)  # matplotlib is CPU-bound
    return web.Response(
        body=pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename(cert)}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
