"""The version Tandem reports (the OpenAPI document, `tandem --version`), read from the installed
distribution's metadata, so pyproject.toml is the one place a release is numbered."""

from importlib.metadata import version

VERSION = version("tandem")
