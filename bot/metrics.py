"""Prometheus metrics (served at /metrics by the web server; docs/runbook.md says what each means).

Every process has its own counters; sum them over the workers. The outbox's depth and ages and the
jobs' last successes are database figures, the same from every worker. Gauges `redvest_leader` and `redvest_database_up` are per process.
"""

from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter("redvest_updates_total", "Updates handled, by kind", ["kind"])
UPDATES_SKIPPED = Counter(
    "redvest_updates_skipped_total",
    "Deliveries not handled: 'done' = a re-delivery of a handled update, 'busy' = another worker is handling it",
    ["reason"],
)
UPDATES_RETRIED = Counter(
    "redvest_updates_retried_total", "Updates given back to Telegram to re-deliver because the database was unreachable"
)
HANDLER_SECONDS = Histogram(
    "redvest_handler_seconds",
    "Time to handle one update (handlers and state write-back)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ERRORS = Counter("redvest_errors_total", "Unhandled errors in handlers (bugs: each one is logged)")
DB_UNAVAILABLE = Counter(
    "redvest_database_unavailable_total", "Operations that failed because the database was unreachable"
)
WEBHOOK_REQUESTS = Counter("redvest_webhook_requests_total", "Webhook requests, by HTTP status", ["status"])
OUTBOX_SENT = Counter(
    "redvest_outbox_sends_total",
    "Outbox rows finished, by result (sent, failed, skipped) and kind (the first part of the row's key: taken, visit-list...)",
    ["result", "kind"],
)
OUTBOX_RETRIED = Counter(
    "redvest_outbox_retries_total", "Outbox rows put back to be sent again (network trouble, 429), by kind", ["kind"]
)
OUTBOX_429 = Counter("redvest_outbox_429_total", "429 Too Many Requests answers seen by the sender")
TELEGRAM_429 = Counter(
    "redvest_telegram_429_total",
    "429 Too Many Requests answers from Telegram, by who sent: 'outbox' (the sender) or 'reply' (a handler)",
    ["sender"],
)
OUTBOX_DEPTH = Gauge("redvest_outbox_depth", "Outbox rows waiting to be sent (read from the database)")
OUTBOX_OLDEST = Gauge(
    "redvest_outbox_oldest_pending_seconds", "Age of the oldest outbox row still waiting to be sent (0: none waits)"
)
OUTBOX_SINCE_SENT = Gauge(
    "redvest_outbox_seconds_since_last_send", "Seconds since the sender last delivered a row (read from the database)"
)
JOB_LAST_SUCCESS = Gauge(
    "redvest_job_last_success_timestamp_seconds",
    "When each scheduled job last finished a period, as a Unix time (read from the database)",
    ["job"],
)
LEADER = Gauge("redvest_leader", "1 if this process is the scheduler leader (runs jobs, drains the outbox)")
DATABASE_UP = Gauge("redvest_database_up", "1 if the database answered this process's last health check")
