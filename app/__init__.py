"""Tandem's kernel (`app.core`) and its edges: the REST API (`app.api`), the web UI (`app.web`),
the Gmail add-on (`app.addon`), what they share (`app.http`), the command line (`app.cli`) and
the composition root (`app.main`). The support domain lives in the top-level service packages."""
