"""What the distribution needs beyond pyproject.toml's declarations.

The repository's `alembic/` folder goes into the distribution as the package
`tandem_migrations`: installed under its own name it would shadow the Alembic library.
The translation catalogs are compiled into the built package, so a wheel built from a fresh
clone (where no `make catalogs` has run) speaks every language.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

PACKAGES = ["app", "inbox", "gmail_sync", "notes", "webhooks", "scheduler", "gmail_emulator"]
MIGRATIONS = {"tandem_migrations": "alembic", "tandem_migrations.versions": "alembic/versions"}


class BuildWithCatalogs(build_py):
    """Compiles each `app/locales/<code>/LC_MESSAGES/*.po` into the built package's `.mo`."""

    def run(self) -> None:
        super().run()
        for source in Path("app/locales").glob("*/LC_MESSAGES/*.po"):
            target = Path(self.build_lib) / source.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with source.open("rb") as po:
                catalog = read_po(po)
            with target.open("wb") as mo:
                write_mo(mo, catalog)


setup(
    packages=[
        *find_namespace_packages(include=[f"{name}*" for name in PACKAGES]),
        *MIGRATIONS,
    ],
    package_dir=MIGRATIONS,
    cmdclass={"build_py": BuildWithCatalogs},
)
