"""Phone numbers: one notion of what a phone number is, for checking input and for hiding it.

A number is 5 to 20 digits with an optional leading + (short service numbers, mobiles, landlines
with an extension); spaces, dashes, dots and brackets as people type them are dropped.
"""

from __future__ import annotations

import re

from .errors import InvalidInput
from .text import strip_invisible

_PHONE = re.compile(r"^\+?\d{5,20}$")
_SEPARATORS = re.compile(r"[\s\-().]")
# phone-like digit runs inside free text (a summary a resident typed), for masking before a group sees it
_PHONEISH = re.compile(r"(?<!\d)\+?\d[\d\s\-]{5,}\d(?!\d)")


def clean_phone(raw: str | None, key: str = "input.bad_phone") -> str:
    """The number as digits with an optional +; InvalidInput(key) if it is not one."""
    value = _SEPARATORS.sub("", strip_invisible(raw))
    if not _PHONE.match(value):
        raise InvalidInput(key)
    return value


def mask_phones(text: str) -> str:
    """Phone-like digit runs replaced by *** (what a resident typed into a summary, before a group sees it)."""
    return _PHONEISH.sub("***", text)
