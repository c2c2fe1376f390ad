"""A report's tables as CSV for a spreadsheet: the per-day table, a blank line, then the
per-agent table, each with its header row.

The bytes are UTF-8 with a byte-order mark: Excel reads a CSV without one in the machine's
legacy code page and turns Cyrillic names into mojibake; with it, Excel, LibreOffice and
Numbers all open the file as UTF-8 (and Python reads it back with "utf-8-sig").
"""

import csv
import io

from inbox.report_metrics import Summary

DAY_HEADER = ["date", "created", "closed"]
AGENT_HEADER = [
    "agent",
    "email",
    "closed",
    "replies_sent",
    "first_response_median_seconds",
    "promises_kept_ratio",
    "csat",
]


def summary_csv_name(summary: Summary) -> str:
    return f"tandem-report-{summary.period.first}-{summary.period.last}.csv"


def summary_csv(summary: Summary) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(DAY_HEADER)
    writer.writerows([row.date.isoformat(), row.created, row.closed] for row in summary.by_day)
    writer.writerow([])
    writer.writerow(AGENT_HEADER)
    writer.writerows(
        [
            agent.name,
            agent.email,
            agent.closed,
            agent.replies_sent,
            agent.first_response_median,
            agent.promises_kept_ratio,
            "" if agent.csat is None else agent.csat,
        ]
        for agent in summary.by_agent
    )
    return out.getvalue().encode("utf-8-sig")
