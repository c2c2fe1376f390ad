"""A Gmail API v1 emulator: a standalone ASGI app for demo mode, tests and benchmarks.

It imports nothing from the rest of Tandem so it can run on its own (`tandem emulator`). Point
google-api-python-client at it by rewriting the discovery document's rootUrl to the emulator's
base URL (see `gmail_sync.client`), and google-auth-oauthlib at `{base}/o/oauth2/auth` and
`{base}/token` (oauthlib needs OAUTHLIB_INSECURE_TRANSPORT=1 for plain http).

Served paths:
- Gmail API v1 under `/gmail/v1/users/{userId}/...` (and `/upload/gmail/v1/...` for media
  uploads of send/insert/import, uploadType=media|multipart): getProfile, labels.list/get,
  settings.sendAs.list, history.list, watch, stop, messages.list/get/send/insert/import/modify/
  delete, messages.attachments.get, threads.list/get. Every call needs `Authorization: Bearer`
  with a live access token of that mailbox; `me` is the token's mailbox.
- Batch: `POST /batch/gmail/v1` (and `/batch`, the path the shipped discovery document names),
  multipart/mixed, at most 100 calls.
- OAuth at Google's paths: `GET /o/oauth2/auth`, `POST /token`, `POST /revoke`, and
  OpenID Connect sign-in: with `openid` in the scope the token response carries an RS256
  `id_token` (issuer https://accounts.google.com, audience the client id, the authorize
  request's `nonce`, `email`/`email_verified` with the email scope, `name` with profile) whose
  certificate `GET /oauth2/v1/certs` publishes as `{key id: x509 PEM}` (see `accounts`).

Control API (JSON, no auth); the paths marked "extra" are conveniences beyond the core set that
Tandem's tests, demo and benchmarks rely on:
- `POST /_emulator/mailboxes {"email", "name"?, "aliases"?}` -> 201; `GET /_emulator/mailboxes`
  (extra) lists them.
- `POST /_emulator/accounts {"email", "name"?}` (extra) -> 201: a Google account that can
  sign in (consent and ID tokens) but has no mailbox; every mailbox is an account too, and the
  authorize chooser lists both. `GET /_emulator/accounts` (extra) lists them. Accounts are kept
  in memory only (not in --state); reset forgets them.
- `POST /_emulator/mailboxes/{email}/messages` (raw RFC 822 body) -> `{"id", "threadId",
  "historyId"}`, labelled INBOX+UNREAD, or the labels of `?labelIds=A,B` (extra).
  The internalDate is the Date header's instant (now when there is none).
- `POST /_emulator/mailboxes/{email}/mbox` (mbox body) -> `{"count", "ids"}`.
- `GET /_emulator/mailboxes/{email}/sent` -> `{"messages": [{"id", "threadId", "raw"}]}`,
  what messages.send accepted, oldest first.
- `POST /_emulator/faults {"error_rates": {"429": 0.2, "403": .., "500": .., "503": ..},
  "latency_ms", "history_window", "seed"?, "revoke": [emails], "expire_access_tokens": [emails]}`
  - keys present replace their setting; `{}` clears all. `history_window` N keeps the last N
  history records (older startHistoryIds get 404); `seed` makes the error draws repeatable;
  `revoke` drops every token of those mailboxes (API calls 401, refresh gives invalid_grant);
  `expire_access_tokens` (extra) expires only access tokens, so clients must refresh.
  `GET /_emulator/faults` (extra) shows the current settings. Latency is added per HTTP request;
  error rates are drawn per API call (each batch part alone) after authentication.
- `GET /_emulator/quota?table=current|legacy` -> `{"total", "by_method", "by_mailbox", "calls",
  "table"}`: units of successful calls priced by Google's 2026 table (default) or the older one
  (see `quota`); `DELETE /_emulator/quota` (extra) zeroes the counters.
- `GET /_emulator/certs` (extra) -> `{"fetches", "max_age"}`: how often `/oauth2/v1/certs` was
  fetched, and the max-age its Cache-Control gives; `POST {"max_age": N}` sets it and zeroes
  the count.
- `POST /_emulator/push_subscriptions {"topic", "url", "subscription"?}` (extra) registers a
  Pub/Sub push endpoint for a topic; after `watch` on that topic each mailbox change is POSTed
  there (see `push`).
- `POST /_emulator/reset` forgets everything.
"""

from gmail_emulator.app import BackgroundEmulator, create_app, serve

__all__ = ["BackgroundEmulator", "create_app", "serve"]
