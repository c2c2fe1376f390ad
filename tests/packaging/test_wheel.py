"""Tandem as a team installs it: the wheel, built from the sources as a fresh clone has them (no
compiled catalogs), installed with its dependencies into a new virtual environment outside the
repository, then `tandem migrate` and `tandem serve --demo` run from there.

Runs once, in the SQLite suite: the PostgreSQL run leaves tests/packaging out (Makefile).
"""

import os
import shutil
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

from app.cli.demo import DEMO_ADMIN, DEMO_PASSWORD, DEMO_WORKSPACE
from app.core.migrations import head_revision
from tests.conftest import demo_port

REPOSITORY = Path(__file__).resolve().parents[2]
#: What a fresh clone does not have: built or installed things, caches, local databases.
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    "*.db",
    "*.mo",
    "test-artifacts",
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a new virtual environment with the wheel and its dependencies."""
    folder = tmp_path_factory.mktemp("wheel")
    sources = folder / "sources"
    shutil.copytree(REPOSITORY, sources, ignore=NOT_IN_A_CLONE)
    pip = [sys.executable, "-m", "pip"]
    _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", folder / "dist", sources)
    (wheel,) = (folder / "dist").glob("*.whl")
    assert wheel.name == f"tandem-{version('tandem')}-py3-none-any.whl"
    _run(sys.executable, "-m", "venv", "--without-pip", folder / "venv")
    python = folder / "venv" / "bin" / "python"
    _run(*pip, "--python", python, "install", "--no-compile", wheel)
    return python.parent


def _run(*args: str | Path) -> None:
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{args}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


@pytest.fixture
def site(tmp_path: Path) -> dict[str, str]:
    """The environment of a server folder outside the repository: its SQLite database there,
    nothing pointing Python at the sources."""
    env = {
        **os.environ,
        "TANDEM_DATABASE_URL": f"sqlite:///{tmp_path / 'tandem.db'}",
        "TANDEM_SECRET_KEY": "a-long-enough-secret-for-the-wheel-test",
    }
    for name in ("PYTHONPATH", "VIRTUAL_ENV", "TANDEM_TEST_POSTGRES_URL"):
        env.pop(name, None)
    return env


def test_the_installed_package_runs_from_its_own_files(
    installed: Path, site: dict[str, str], tmp_path: Path
) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [installed / args[0], *args[1:]],
            cwd=tmp_path,
            env=site,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    files = "import alembic.command, app, tandem_migrations; print(app.__file__, alembic.__file__)"
    tandem, library = map(Path, run("python", "-c", files).stdout.split())
    assert tandem.is_relative_to(installed.parent) and not tandem.is_relative_to(REPOSITORY)
    assert library.parent.parent.name == "site-packages", "the library, not the migrations"
    assert run("tandem", "--version").stdout == f"tandem {version('tandem')}\n"
    migrated = run("tandem", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert f"database at revision {head_revision()} (sqlite)" in migrated.stdout


def test_the_demo_serves_from_the_installed_package(
    installed: Path, site: dict[str, str], tmp_path: Path
) -> None:
    port = demo_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with (
        log.open("w") as out,
        subprocess.Popen(
            [installed / "tandem", "serve", "--demo", "--port", str(port)],
            cwd=tmp_path,
            env=site,
            stdout=out,
            stderr=subprocess.STDOUT,
        ) as server,
    ):
        try:
            _wait_until_ready(base, server, log)
            with httpx.Client(base_url=base, timeout=10) as browser:
                russian = browser.get("/login", headers={"Accept-Language": "ru"})
                assert russian.status_code == 200
                assert "Войти" in russian.text, "the compiled Russian catalog is in the wheel"
                page = browser.get("/login")
                assert page.status_code == 200
                csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
                signed_in = browser.post(
                    "/login",
                    data={"email": DEMO_ADMIN, "password": DEMO_PASSWORD, "csrf_token": csrf},
                )
                assert signed_in.status_code == 303
                assert DEMO_WORKSPACE in browser.get("/", follow_redirects=True).text
                for shipped in (
                    "/static/vendor/htmx.min.js",
                    "/static/vendor/swagger_ui/swagger-ui-bundle.js",
                    "/static/vendor/swagger_ui/LICENSE",
                    "/static/vendor/redoc/redoc.standalone.js",
                    "/static/vendor/redoc/LICENSE",
                    "/docs",
                    "/redoc",
                ):
                    assert browser.get(shipped).status_code == 200, shipped
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_until_ready(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, f"tandem serve --demo stopped:\n{log.read_text()[-3000:]}"
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"tandem serve --demo did not answer:\n{log.read_text()[-3000:]}")
