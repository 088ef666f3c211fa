"""Prometheus metrics (served at /metrics by the web server)."""
from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter("redvest_updates_total", "Updates handled, by kind", ["kind"])
HANDLER_SECONDS = Histogram("redvest_handler_seconds", "Time to handle one update",
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
ERRORS = Counter("redvest_errors_total", "Unhandled errors in handlers")
OUTBOX_SENT = Counter("redvest_outbox_sends_total", "Outbox rows finished, by result", ["result"])
OUTBOX_429 = Counter("redvest_outbox_429_total", "429 Too Many Requests answers seen by the sender")
OUTBOX_DEPTH = Gauge("redvest_outbox_depth", "Outbox rows waiting to be sent")
