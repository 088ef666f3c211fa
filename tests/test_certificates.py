"""志愿服务证明 end to end: /certificate in both languages (this year, last year, the last 12 months,
two dates typed), counting only confirmed work; the PDF is one A4 page, numbered once a period and
day; and the office downloads the same from the dashboard, for its own grids only."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.services.certificates import (
    Choice,
    certificate_for_viewer,
    check_certificate,
    my_certificate,
    parse_range,
    period_of,
)
from bot.services.kernel.errors import InvalidInput, NotAllowed, NotFound
from bot.services.kernel.roles import Actor
from bot.services.requests import RequestDraft, claim_task, confirm_outcome, create_request, report_done
from bot.views.certificates import certificate_pdf, wrap
from storage import points as ledger
from storage.enums import PointsReason
from storage.models import Certificate, PointsEntry
from tests.support import factories as f
from tests.support.dashboard import new_client, sign_in
from tests.support.harness import text_of
from tests.support.waiting import settle

A4_POINTS = b"/MediaBox [ 0 0 595.44 841.68 ]"


async def served(core, resident: Actor, vol: Actor, summary: str, hours: float, *, confirm: bool) -> None:
    req = await create_request(core, resident, RequestDraft("repairs", summary, "today", None, "3 栋 401", None, 1))
    await claim_task(core, vol, req.id)
    await report_done(core, vol, req.id, hours, None)
    if confirm:
        await confirm_outcome(core, resident, req.id, "done")


async def a_year(w):
    """Volunteer 1: one task confirmed (1.5 h: 13 points), one reported but not confirmed, a line of
    last year (an event), an adjustment without a community (counted: it is theirs) and a task of
    another community (not this one's to certify)."""
    core = w.bot.core
    granny = Actor(w.resident.id, w.resident.name, language="zh-hans")
    vol = Actor(w.volunteers[0].id, w.volunteers[0].name)
    await served(core, granny, vol, "帮忙换灯泡", 1.5, confirm=True)
    await served(core, granny, vol, "帮忙修水龙头", 2, confirm=False)
    pid, now = w.volunteer_people[0].id, datetime.now(UTC)
    elsewhere = await f.community(w.db, "别的社区")
    async with w.db.session() as s:
        await ledger.award(
            s, ref="event:last-year", person_id=pid, reason=PointsReason.event, points=5, hours=3.0,
            community_id=w.community.id, now=now.replace(year=now.year - 1, month=6, day=1),
        )  # fmt: skip
        s.add(PointsEntry(ref="adjusted", person_id=pid, reason="adjustment", points=50, hours=9, community_id=None))
        s.add(
            PointsEntry(ref="elsewhere", person_id=pid, reason="task", points=100, hours=9, community_id=elsewhere.id)
        )
    await settle(w)
    return pid


async def document(w, user) -> dict:
    return await user.reply(contains="No.", timeout=15)


async def test_a_volunteer_gets_this_years_certificate_counting_confirmed_work_only(world):
    w = world
    await a_year(w)
    vol = w.volunteers[0]
    await vol.send("/certificate")
    ask = await vol.reply(contains="志愿服务证明")
    await vol.press("今年", message=ask)
    doc = await document(w, vol)
    caption = text_of(doc)
    # 13 points and 1.5 hours of the confirmed task, 50 and 9 of the adjustment; not the unconfirmed
    # task, not last year's event, not another community's task
    assert "服务 10.5 小时 · 红色积分 63 分 · 完成任务 1 项（均经确认）" in caption, caption
    assert doc["document"]["mime_type"] == "application/pdf"
    pdf = w.sb.state.files[doc["document"]["file_id"]]["data"]
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1
    assert A4_POINTS in pdf
    async with w.db.session() as s:
        (row,) = (await s.execute(select(Certificate))).scalars().all()
        assert (row.points, row.hours, row.tasks, row.period_start) == (63, 10.5, 1, f"{date.today().year}-01-01")
        assert row.number in caption and row.issued_by == w.volunteer_people[0].id
    # the same period the same day: the same certificate, not a second number
    await vol.press("今年", message=ask)
    again = await document(w, vol)
    assert row.number in text_of(again)
    async with w.db.session() as s:
        assert len((await s.execute(select(Certificate))).scalars().all()) == 1


async def test_in_english_last_year_and_two_dates_typed(world):
    w = world
    await a_year(w)
    vol = w.volunteers[0]
    await w.sb.add_user(vol.id, vol.name, language_code="en")
    await vol.send("/certificate")
    ask = await vol.reply(contains="Certificate of volunteer service")
    await vol.press("Last year", message=ask)
    doc = await document(w, vol)
    assert "3 hours · 5 red points · 0 tasks done (all confirmed)" in text_of(doc)
    assert doc["document"]["file_name"].startswith("certificate-") and doc["document"]["file_name"].endswith(".pdf")
    year = date.today().year
    await vol.send(f"/certificate {year}-12-31 {year - 1}-01-01")  # either order
    doc = await document(w, vol)
    assert f"1 Jan {year - 1} to " in text_of(doc) and "13.5 hours · 68 red points" in text_of(doc)
    await vol.press("Other dates", message=ask)
    assert "/certificate 2026-01-01 2026-06-30" in text_of(await vol.reply(contains="first and last day"))


@pytest.mark.parametrize(
    "typed", ["hello", "2026-13-01 2026-12-01", "1999-01-01 1999-12-31", "x" * 10_000, "🙂‏ <b>' OR 1=1 --"]
)
async def test_absurd_dates_get_a_clear_answer_and_no_certificate(world, typed):
    w = world
    vol = w.volunteers[0]
    await vol.send(f"/certificate {typed}")
    answer = text_of(await vol.reply())
    assert "/certificate" in answer
    async with w.db.session() as s:
        assert (await s.execute(select(Certificate))).scalars().all() == []


async def test_only_volunteers_and_only_in_private(world):
    w = world
    await w.resident.send("/certificate this")
    assert "/volunteer" in text_of(await w.resident.reply())
    await w.resident.send("/certificate")
    ask = await w.resident.reply(contains="志愿服务证明")
    assert "/volunteer" in (await w.resident.press("今年", message=ask))["text"]
    await w.volunteers[0].send("/certificate", chat=w.volunteer_group)
    hint = await w.volunteers[0].reply(chat=w.volunteer_group)
    assert "No." not in text_of(hint) and "document" not in hint


def test_periods_and_ranges():
    today = date(2026, 12, 7)
    assert period_of(Choice.this_year, today) == (date(2026, 1, 1), today)
    assert period_of(Choice.last_year, today) == (date(2025, 1, 1), date(2025, 12, 31))
    assert period_of(Choice.last_12_months, today) == (date(2025, 12, 8), today)
    assert period_of(Choice.last_12_months, date(2028, 2, 29)) == (date(2027, 3, 1), date(2028, 2, 29))
    assert parse_range("2026年1月1日 至 2026年6月30日", today) == (date(2026, 1, 1), date(2026, 6, 30))
    assert parse_range("2026/06/30 2026.1.1", today) == (date(2026, 1, 1), date(2026, 6, 30))
    assert parse_range("2026-01-01 2030-01-01", today) == (date(2026, 1, 1), today)  # never past today
    for bad in ("", "2026-01-01", "2027-01-01 2027-02-01", "2000-01-01 2026-01-01"):
        with pytest.raises(InvalidInput):
            parse_range(bad, today)
    lines = wrap("兹证明 张三 于 2026年1月1日", 6)
    assert (
        lines == ["兹证明 张三", "于 2026年1", "月1日"]
        and "".join(lines).replace(" ", "") == "兹证明张三于2026年1月1日"
    )
    assert all(len(line) <= 56 and not line.endswith("wor") for line in wrap("word " * 100, 31))


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_pdf_is_one_a4_page_in_either_language(lang):
    from bot.services.certificates import Certificate as Facts

    name = "张志愿 $x^2$ 🙂 " + "长" * 100  # a dollar is not TeX; an emoji is left out, not a box
    c = Facts("2026-001-000042", "滨江社区", name, "第一网格", date(2026, 1, 1), date(2026, 12, 7), 1.5, 13, 1, 0, 2, 0,
              date(2026, 12, 7), None)  # fmt: skip
    pdf = certificate_pdf(c, lang)
    assert pdf.startswith(b"%PDF") and A4_POINTS in pdf and pdf.count(A4_POINTS) == 1


@pytest.mark.postgres
async def test_the_dashboard_downloads_a_certificate_of_its_own_grids(pg, clock, cfg):
    await _dashboard(pg, clock, cfg)


async def test_the_dashboard_downloads_a_certificate_of_its_own_grids_sqlite(db, clock, cfg):
    await _dashboard(db, clock, cfg)


async def _dashboard(database, clock, cfg):
    from bot.outbox.notifier import OutboxNotifier
    from bot.services.kernel.core import Core
    from tests.support.dashboard import office as _office
    from tests.support.dashboard import start_web

    core = Core(db=database, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    o = await _office.__wrapped__(core)
    async with database.session() as s:
        await ledger.award(
            s, ref="task:x", person_id=o.vol_a.id, reason=PointsReason.task, points=13, hours=1.5,
            community_id=o.community.id, now=clock.now() - timedelta(days=3),
        )  # fmt: skip
    runner, base = await start_web(core)
    try:
        async with new_client() as c:
            await sign_in(c, core, 1001)  # the leader of grid A
            async with c.get(f"{base}/dashboard/volunteers") as r:
                assert f"/dashboard/volunteers/{o.vol_a.id}/certificate" in await r.text()
            async with c.get(f"{base}/dashboard/volunteers/{o.vol_a.id}/certificate") as r:
                assert r.status == 200 and 'name="from" value="2026-01-01"' in await r.text()
            pdf = "{}/dashboard/volunteers/{}/certificate.pdf?from={}&to=2026-11-18"
            url = pdf.format(base, o.vol_a.id, "2026-01-01")
            async with c.get(url) as r:
                assert r.status == 200 and r.content_type == "application/pdf"
                assert (await r.read()).startswith(b"%PDF")
                assert "certificate-2026-" in r.headers["Content-Disposition"]
            async with c.get(pdf.format(base, o.vol_b.id, "2026-01-01")) as r:
                assert r.status == 404  # grid B's volunteer: not this leader's
            async with c.get(pdf.format(base, o.vol_a.id, "junk")) as r:
                assert r.status == 400
            async with database.session() as s:
                number = (await s.execute(select(Certificate.number))).scalar_one()
            # the office checks a printed number (typed loosely): what was certified, as issued
            async with c.get(f"{base}/dashboard/certificates", params={"number": f" no. {number.lower()} "}) as r:
                page = await r.text()
                assert r.status == 200 and number in page and "张志愿" in page and "2026-01-01 – 2026-11-18" in page
                assert "李网格长" in page  # who issued it
            async with c.get(f"{base}/dashboard/certificates", params={"number": "2026-001-999999"}) as r:
                assert "没有开具过编号为 2026-001-999999 的证明" in await r.text()
        async with database.session() as s:
            (row,) = (await s.execute(select(Certificate))).scalars().all()
            assert (row.points, row.hours, row.tasks, row.issued_by) == (13, 1.5, 1, o.leader_a.id)
    finally:
        await runner.cleanup()
    with pytest.raises(NotFound):
        await certificate_for_viewer(core, o.leader_b.id, [o.grid_b.id], o.vol_a.id, date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(NotAllowed):
        await my_certificate(core, Actor(3001, "王奶奶"), Choice.this_year)
    assert (await check_certificate(core, [o.community.id], number)).points == 13
    assert await check_certificate(core, [o.community.id + 1], number) is None  # another community's office
