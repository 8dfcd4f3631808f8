"""`ssdmigrate checklist walk`: one step at a time, leave and resume, gates.

CliRunner's stdin is not a terminal, so these tests set the one switch the
command reads (SSDMIGRATE_FORCE_INTERACTIVE) to allow prompts.
"""

from __future__ import annotations

import json

import pytest

from ssdmigrate import paths
from ssdmigrate.cli import cli as ssdmigrate_cli
from ssdmigrate.commands.checklist import FORCE_INTERACTIVE_ENV
from ssdmigrate.errors import Refused
from tests.conftest import cli_runner

MBP = ["checklist", "walk", "--model", "MacBookPro9,2"]


def _walk(args: list[str], lines: list[str]):
    return cli_runner().invoke(
        ssdmigrate_cli,
        args,
        input="".join(f"{x}\n" for x in lines),
        env={FORCE_INTERACTIVE_ENV: "1"},
    )


def _state(name: str = "mbp-unibody--MacBookPro9,2.json") -> dict:
    path = paths.state_dir() / "checklist-walk" / name
    return json.loads(path.read_text(encoding="utf-8"))


def test_walk_needs_a_terminal(cli) -> None:
    ran = cli(*MBP)

    assert ran.code == 2 and "needs a terminal" in ran.err


def test_leaving_with_q_saves_the_position_and_resume_re_asks(monkeypatch) -> None:
    first = _walk(MBP, ["y", "", "q"])

    assert first.exit_code == 0, first.output
    assert "Stopped before step 3 of" in first.stdout
    assert _state()["confirmed"] == ["backup", "note-apps"]

    second = _walk(MBP, ["q"])

    assert "Resuming at step 3" in second.stderr
    assert "[3/" in second.stderr and "FileVault" in second.stderr
    assert "[1/" not in second.stderr


def test_do_confirm_steps_want_a_yes(monkeypatch) -> None:
    ran = _walk(MBP, ["", "maybe", "y", "q"])

    assert ran.stderr.count("Done? y = yes") == 3
    assert _state()["confirmed"] == ["backup"]


def test_ctrl_c_or_end_of_input_keeps_what_was_confirmed() -> None:
    ran = _walk(MBP, ["y"])

    assert ran.exit_code == 1
    assert "Progress is saved. Resume with: ssdmigrate checklist walk" in ran.stderr
    assert _state()["confirmed"] == ["backup"]


def test_the_erase_gate_refuses_to_go_on_without_a_yes() -> None:
    ran = _walk(MBP, ["y", "", "", "", "", "y", "n"])

    assert isinstance(ran.exception, Refused)
    assert "Disconnect every other external disk" in ran.exception.remedy
    assert "check-plan" not in _state()["confirmed"]
    again = _walk(MBP, ["q"])
    assert "Resuming at step 6" in again.stderr


def test_the_test_boot_gate_stops_before_the_mac_is_opened() -> None:
    # prepare (6 steps, one gate) and clone (4), then the test boot (3, gate last).
    answers = ["y", "", "", "", "", "y", "y", "", "", "y", "y", "", "", "y", "n"]

    ran = _walk(MBP, answers)

    assert isinstance(ran.exception, Refused)
    assert "Did the Mac start up from" in ran.exception.message
    assert ran.exception.remedy.startswith("Do not open the Mac.")
    assert "Open the Mac" not in ran.stderr


def test_restart_forgets_progress() -> None:
    _walk(MBP, ["y", "q"])

    ran = _walk([*MBP, "--restart"], ["q"])

    assert "Resuming" not in ran.stderr and "[1/" in ran.stderr


def test_a_whole_walk_completes() -> None:
    ran = _walk(["checklist", "walk", "--model", "Mac14,2"], [""] * 5)

    assert ran.exit_code == 0, ran.output
    assert "NO SWAP:" in ran.stderr
    assert ran.stdout.strip() == "Checklist complete: all 5 steps confirmed."
    assert len(_state("refuse-soldered--Mac14,2.json")["confirmed"]) == 5


@pytest.mark.parametrize("answer", ["q", "Q"])
def test_q_at_a_pause_point_leaves(answer: str) -> None:
    ran = _walk(MBP, ["y", "", "", "", "", "y", answer])

    assert ran.exit_code == 0 and "Stopped before step 6" in ran.stdout
