"""The kernel: settings, the database (engines, sessions, the row-claim helper), the models, the
error categories, accounts and migrations. It imports nothing else of Tandem and nothing of the
web framework, so every service and edge can stand on it."""
