"""The bot's web server: Telegram webhook, health, metrics, dashboard (see bot/web/server.py)."""
