"""The checklists ship inside the wheel and load from an installed copy.

Slow-ish (builds a wheel and a virtual environment, about half a minute) but
part of the default run: a packaging slip would otherwise only show on a Mac.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROGRAM = """\
import ssdmigrate.checklist.library as lib
from ssdmigrate import models
checklist = lib.bundled().checklists["mbp-unibody"]
print(checklist.title)
print(lib.__file__)
print(lib.default_root())
print(models.lookup("MacBookPro9,2").checklist)
from importlib import resources
print((resources.files("ssdmigrate") / "data" / "fonts" / "DejaVuSans.ttf").is_file())
"""


def _run(argv: list[str], cwd: Path) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{argv}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_installed_wheel_reads_its_own_checklists(tmp_path: Path) -> None:
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        tmp_path,
    )
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], tmp_path)
    python = venv / "bin" / "python"
    wheels = sorted(tmp_path.glob("ssdmigrate-*.whl"))
    # --ignore-installed: a copy already visible through the system's
    # site-packages must not count as installed.
    _run(
        [
            str(venv / "bin" / "pip"),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            "--ignore-installed",
            str(wheels[-1]),
        ],
        tmp_path,
    )
    # The dependencies come from the environment running these tests, which
    # need not be the system one; a .pth file makes them visible, after the
    # venv's own site-packages so the freshly installed copy wins.
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(_run([str(python), "-c", where], tmp_path).strip())
    (site / "_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    lines = _run([str(python), "-c", PROGRAM], tmp_path).splitlines()
    title, module, root, checklist_id, font_shipped = lines

    assert title == "MacBook Pro 13-inch and 15-inch unibody (late 2008 to mid 2012)"
    assert Path(module).resolve().is_relative_to(venv.resolve())
    assert Path(root).resolve().is_relative_to(venv.resolve())
    assert checklist_id == "mbp-unibody"
    assert font_shipped == "True"
