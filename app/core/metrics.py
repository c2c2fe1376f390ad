"""The process's Prometheus counters: what this process did (requests served, sync runs,
Gmail calls, replies sent, webhook attempts). They live in prometheus_client's default
registry of the process that does the work; queue depths, lags and due timers are not here
but read from the database at scrape time (`inbox.backlog`), so they are true whichever
process does the work. `/metrics` and `tandem worker --metrics-port` expose both
(`app.http.metrics`)."""

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter(
    "tandem_http_requests",
    "HTTP requests answered, by route template (not the raw path) and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "tandem_http_request_duration_seconds",
    "Time to answer an HTTP request, streaming included, by route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
SYNC_RUNS = Counter(
    "tandem_sync_runs",
    "Mailbox sync runs, by mailbox id and outcome (ok, error).",
    ["mailbox", "outcome"],
)
MESSAGES_SYNCED = Counter(
    "tandem_messages_synced",
    "Messages a sync stored for the first time, by mailbox id.",
    ["mailbox"],
)
GMAIL_CALLS = Counter(
    "tandem_gmail_calls",
    "Gmail API calls that succeeded (each batch part counts as one), by method.",
    ["method"],
)
GMAIL_QUOTA_UNITS = Counter(
    "tandem_gmail_quota_units",
    "Gmail API quota units those calls cost (gmail_sync.client.QUOTA_UNITS), by method.",
    ["method"],
)
GMAIL_RETRIES = Counter(
    "tandem_gmail_retries",
    "Gmail API calls retried after a rate limit, server error or network error, by method.",
    ["method"],
)
GMAIL_ERRORS = Counter(
    "tandem_gmail_errors",
    "Gmail API calls that failed for good, by method and Tandem's error category.",
    ["method", "error"],
)
REPLIES = Counter(
    "tandem_replies",
    "Replies the outbox handed to Gmail, by outcome (sent, failed).",
    ["outcome"],
)
WEBHOOK_ATTEMPTS = Counter(
    "tandem_webhook_attempts",
    "Webhook POSTs, by outcome (delivered, retry: failed and to be tried again, failed).",
    ["outcome"],
)
