"""Test set-up that applies to every test.

No test can run a real tool: the one function that turns a tool name into a
real program (`runner.resolve`) is replaced by one that fails. Every test gets
its own home, log and state folders, and the simulated clock runs at zero time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssdmigrate import runner

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(
    os.environ.get("SSDMIGRATE_FIXTURES", REPO.parent / "shared/fixtures/macos")
)


class RealToolCalled(AssertionError):
    pass


@pytest.fixture(autouse=True)
def _no_real_tools(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    if request.node.get_closest_marker("macos") is not None:
        return  # the real-Mac suite: it runs the real tools, on its own images

    def refuse(argv: object) -> list[str]:
        raise RealToolCalled(f"a test tried to run a real tool: {argv!r}")

    monkeypatch.setattr(runner, "resolve", refuse)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("SSDMIGRATE_SIM_SPEED", "0")
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield home


def fixture_path(name: str) -> Path:
    """A real capture from the shared folder; the test skips where it is absent."""
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"real capture {name} not found in {FIXTURES}")
    return path


def fixture_text(name: str) -> str:
    return fixture_path(name).read_text(encoding="utf-8")


class Ran:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> object:
        import json

        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run `ssdmigrate ARGS` in-process, as main() would; returns code, stdout, stderr."""
    from ssdmigrate.cli import run_cli

    def invoke(*args: str) -> Ran:
        capsys.readouterr()
        code = run_cli(list(args))
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return invoke


def cli_runner() -> CliRunner:
    """click's test runner with stderr kept apart: click 8.2 does that by
    itself, 8.1 (the line Python 3.9 gets) must be asked."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()
