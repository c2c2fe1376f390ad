"""What every HTTP edge shares: who is calling (API tokens, session cookies, CSRF), the request's
database session (the one commit boundary), uploads, downloads and the request log. The edges
(`app.api`, `app.web`, `app.addon`) stand on it and never on each other."""
