"""Every handler, registered in one visible order.

Order matters: feature conversations come before the common /start so that deep links
(`/start req`) reach them; the fallbacks come last and only see what nobody handled.
"""

from __future__ import annotations

from . import (
    board,
    buildings,
    care,
    care_done,
    care_plans,
    certificates,
    common,
    dashboard,
    departments,
    digest,
    emergency,
    errors,
    events,
    group_buttons,
    groups,
    honour,
    households,
    leaving,
    loudspeaker,
    meetings,
    my_requests,
    myid,
    places,
    points,
    privacy,
    referrals,
    relay,
    requests,
    residents,
    tasks,
    units,
    visits,
    volunteers,
    wishes,
)
from .base import AnyHandler, App


def build_all() -> list[AnyHandler]:
    return [
        # guided conversations and set-up first, so their steps see text before anything else does
        *requests.build_handlers(),
        *volunteers.build_handlers(),
        *places.build_handlers(),
        *groups.build_handlers(),
        *residents.build_handlers(),
        *households.build_handlers(),
        *buildings.build_handlers(),
        *referrals.build_handlers(),
        *departments.build_handlers(),
        # the request loop
        *tasks.build_handlers(),
        *wishes.build_handlers(),
        *board.build_handlers(),
        *my_requests.build_handlers(),
        # community life
        *visits.build_handlers(),
        *meetings.build_handlers(),
        *care.build_handlers(),
        *care_done.build_handlers(),
        *care_plans.build_handlers(),
        *points.build_handlers(),
        *certificates.build_handlers(),
        *honour.build_handlers(),
        *events.build_handlers(),
        *emergency.build_handlers(),
        *loudspeaker.build_handlers(),
        # leaders' views, privacy
        *digest.build_handlers(),
        *dashboard.build_handlers(),
        *privacy.build_handlers(),
        *units.build_handlers(),
        # /start, /help and the rest of the common commands
        *myid.build_handlers(),
        *common.build_handlers(),
        # what no feature took: relayed chat, unbound groups, then anything else
        *relay.build_fallbacks(),
        *groups.build_fallbacks(),
        *common.build_fallbacks(),
    ]


def register(app: App) -> None:
    app.add_handler(group_buttons.build_handler(), group=group_buttons.GROUP)  # a private chat's button in a group
    app.add_handler(leaving.build_handler(), group=leaving.GROUP)  # a conversation the gate ended: say so first
    app.add_handlers(build_all())
    app.add_error_handler(errors.error_handler)
