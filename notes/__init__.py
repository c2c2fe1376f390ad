"""Internal notes on conversations: team context that never leaves Tandem.

It imports only Tandem's kernel and never `gmail_sync`, so a note cannot reach outgoing mail.
"""
