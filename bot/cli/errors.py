"""The one error a sub-command raises for a user's mistake."""


class CliError(Exception):
    """A user error: printed as one line, exit code 2."""
