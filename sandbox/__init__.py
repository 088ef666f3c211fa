"""A local Telegram-compatible Bot API server with a user-side API and a browser chat UI."""

from .client import SandboxClient
from .server import bind, build_app, start_server
from .state import SandboxState

__all__ = ["SandboxClient", "SandboxState", "bind", "build_app", "start_server"]
