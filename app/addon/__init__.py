"""Tandem inside Gmail: a Google Workspace add-on on the HTTP runtime. Google POSTs event
objects to `/addon/...`; Tandem answers with Card v1 JSON built from the same domain functions
the REST API calls. Nothing here talks to Google except to fetch its token-signing certificates.
"""
