"""The support domain: conversations and their views, changes with their audit trail,
assignment, search, the SLA and its business calendar, templates, automatic acknowledgements,
promises and the promise text, reminders, follow-ups, snoozes, the timeline and the use cases an
agent runs (replying, adding a note). The top service layer: it may call `gmail_sync`, `notes`
and `webhooks`, never the scheduler or an edge."""
