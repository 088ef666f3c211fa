"""An example or two for every sub-command's --help: what a person installing redvest types first."""

EXAMPLES = {
    "run": """examples:
  redvest db upgrade && redvest run          polling, with the dashboard on web.port
  redvest run --web-port 8090 --no-scheduler   a second process that only answers updates""",
    "sandbox": """examples:
  redvest sandbox                            then open the printed URL in a browser
  redvest sandbox --port 9000                serve everything from other ports""",
    "config": """examples:
  redvest config show                        every key, its value (secrets masked) and where it came from
  REDVEST_BOT__WEBHOOK__PORT=9443 redvest --config /etc/redvest.toml config show""",
    "db": """examples:
  redvest db upgrade                         apply the migrations (before the first run, after each upgrade)
  redvest db current                         exit code 0 when the database is at the code's revision
  redvest db backup backups/redvest-$(date +%F).db
  redvest db restore backups/redvest-2026-12-01.db   (stop the bot first)""",
    "admin": """examples:
  redvest admin add 123456789                the person learns their id by sending /myid to the bot
  redvest admin list""",
    "jobs": """examples:
  redvest jobs list                          each job, when it last ran and when it runs next
  redvest jobs run visit-list                this week's Friday lists now (not again on Friday)
  redvest jobs run weekly-digest --community 1""",
    "import": """examples:
  redvest import communities communities.csv
  redvest import households households.csv --lang en   (formats: docs/import.md)""",
    "digest": """examples:
  redvest digest --grid 阳光一格 --week 2026-W47
  redvest digest --community 1 --lang en --chart digest.png""",
    "export": """examples:
  redvest export requests --from 2026-11-01 --to 2026-11-30 --out november.xlsx
  redvest export hours --from 2026-01-01 --to 2026-12-31 --grid 阳光一格 --format csv --out -
  redvest export volunteers --from 2026-11-01 --to 2026-11-30 --community 1 --out volunteers-nov.xlsx
  redvest export households --from 2026-11-01 --to 2026-11-30 --grid 阳光一格 --with-contacts --out households.xlsx
  redvest export events --from 2026-11-01 --to 2026-11-30 --lang en --out events.csv""",
    "report": """examples:
  redvest report units --month 2026-11                  each unit's report, its XLSX here
  redvest report units --month 2026-11 --out reports --lang en""",
}
