"""Emergency call-ups (平急转换)."""
