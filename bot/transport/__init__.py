"""How python-telegram-bot talks HTTP (aiohttp), and the Bot API calls whose answer is read raw."""
