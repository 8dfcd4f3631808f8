"""Build replay bundles in a temporary folder (never committed)."""

from __future__ import annotations

from pathlib import Path
from typing import Union

import yaml

Answer = Union[str, tuple[str, int, str]]  # stdout, or (stdout, returncode, stderr)


def make_bundle(folder: Path, answers: dict[tuple[str, ...], Answer]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    commands = []
    for number, (argv, answer) in enumerate(answers.items()):
        stdout, code, stderr = (answer, 0, "") if isinstance(answer, str) else answer
        entry: dict[str, object] = {"argv": list(argv), "stdout": f"out{number}.txt"}
        (folder / f"out{number}.txt").write_text(stdout, encoding="utf-8")
        if stderr:
            (folder / f"err{number}.txt").write_text(stderr, encoding="utf-8")
            entry["stderr"] = f"err{number}.txt"
        if code:
            entry["returncode"] = code
        commands.append(entry)
    index = {"format": "ssdmigrate-replay/1", "commands": commands}
    (folder / "replay.yaml").write_text(yaml.safe_dump(index), encoding="utf-8")
    return folder


def machine_answers(
    model: str = "MacBookPro9,2", version: str = "10.11.6"
) -> dict[tuple[str, ...], Answer]:
    """sw_vers, sysctl, fdesetup and pmset answers for a hand-made bundle."""
    return {
        (
            "sw_vers",
        ): f"ProductName:\tMac OS X\nProductVersion:\t{version}\nBuildVersion:\t15G31\n",
        ("sysctl", "-n", "hw.model"): f"{model}\n",
        ("fdesetup", "status"): "FileVault is Off.\n",
        ("pmset", "-g", "batt"): "Now drawing from 'AC Power'\n",
    }
