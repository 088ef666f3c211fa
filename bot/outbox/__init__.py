"""The outbox: what the bot sends on its own, queued in the state change's transaction and drained at Telegram's limits."""
