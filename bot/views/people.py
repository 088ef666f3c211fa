"""Views of people (see bot/views/__init__.py)."""
from __future__ import annotations
