"""Everything that talks Gmail: OAuth, the API client, parsing, sync, push and sending.

It imports only Tandem's kernel and never `notes`, so nothing on the send path can reach a note.
"""
