"""`python -m bot.cli`: the same as the `redvest` command (handy in a checkout)."""

import sys

from bot.cli import main

sys.exit(main())
