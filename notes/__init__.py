"""Internal notes on conversations: team context that never leaves Tandem.

It imports only Tandem's kernel and never `gmail_sync`, so a note cannot reach outgoing mail.
`notes.notes` writes, edits (keeping revisions), deletes and restores notes and pins the newest
handoff; `notes.mentions` resolves @mentions to members and notifies them; `notes.markup` is
the Markdown-lite syntax, mentions included. Announcing `note.created` to webhooks is the
edge's job, since this package may not import `webhooks` either.
"""
