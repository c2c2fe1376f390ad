"""The HTML UI: routes, Jinja2 templates and static files."""
