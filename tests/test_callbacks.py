"""Callback data is built and read in one place, and a forged or broken press is a stale button."""

from __future__ import annotations

import re

import pytest

from bot.views.callbacks import ID, PAGE, Callback, One, StaleButton

TASK_START = Callback("task", "start", ID)
RATE = Callback("rate", "out", ID, One("done", "partly", "not"))
LIST = Callback("board", "list", PAGE)


def test_what_a_view_builds_the_handler_reads_back():
    assert TASK_START.data(42) == "task:start:42"
    assert TASK_START.parse("task:start:42") == (42,)
    assert RATE.parse(RATE.data(7, "partly")) == (7, "partly")
    assert LIST.parse_id(LIST.data(0)) == 0


def test_the_pattern_routes_only_its_own_kind_of_press():
    assert re.match(TASK_START.pattern, "task:start:1")
    assert not re.match(TASK_START.pattern, "task:started:1")
    assert not re.match(TASK_START.pattern, "task:startx")
    assert not re.match(TASK_START.pattern, "x:task:start:1")


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "task:start",
        "task:start:",
        "task:start:abc",
        "task:start:0",
        "task:start:-3",
        "task:start:2147483648",  # past the INTEGER columns: PostgreSQL would refuse the parameter
        "task:start:99999999999999999999",  # absurdly long
        "task:start:1:2",
        "task:start:１２",  # an extra part; full-width digits
        "task:start:" + "9" * 60,
        "task:start:1\n",
        "task:start: 1",
    ],
)
def test_a_forged_or_broken_press_is_a_stale_button(data):
    with pytest.raises(StaleButton):
        TASK_START.parse(data)


def test_a_choice_outside_the_list_is_stale():
    with pytest.raises(StaleButton):
        RATE.parse("rate:out:7:great")


def test_a_view_cannot_build_what_telegram_would_refuse():
    long = Callback("a" * 30, "b" * 30, ID)
    with pytest.raises(ValueError, match="64 bytes"):
        long.data(2_000_000_000)
    with pytest.raises(ValueError):
        TASK_START.data(0)  # ids start at 1
    with pytest.raises(ValueError):
        RATE.data(1, "great")
    with pytest.raises(ValueError):
        TASK_START.data(1, 2)
