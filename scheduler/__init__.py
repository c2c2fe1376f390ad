"""APScheduler set-up and the fixed jobs that claim due rows (reminders, SLA timers, polling).

The only package that imports APScheduler; no domain package imports it.
"""
