"""Views of exchange (see bot/views/__init__.py)."""
from __future__ import annotations
