"""The real tools, end to end, on disk images: run with `sudo -E pytest -m macos`
on a Mac with SSDMIGRATE_MACOS_SUITE=1. Nothing but the images it makes is
touched. With SSDMIGRATE_RECORD_DIR set, every command's real output is saved
there as a replay bundle, so a run on a Mac adds real fixtures for everyone.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ssdmigrate import plan_layout
from ssdmigrate.discovery import discover
from ssdmigrate.errors import SsdmigrateError
from ssdmigrate.explain import explain
from ssdmigrate.replay import write_bundle
from ssdmigrate.runner import MacBackend, Runner
from ssdmigrate.sim import tree
from ssdmigrate.verify import VerifyOptions, compare_trees
from tests.macos.lab import Attached, ImageSpec, Lab

pytestmark = [
    pytest.mark.macos,
    pytest.mark.skipif(
        sys.platform != "darwin", reason="needs a real Mac (hdiutil, diskutil, asr)"
    ),
    pytest.mark.skipif(
        os.environ.get("SSDMIGRATE_MACOS_SUITE") != "1",
        reason="set SSDMIGRATE_MACOS_SUITE=1 to run the real-Mac suite",
    ),
    pytest.mark.skipif(
        hasattr(os, "geteuid") and os.geteuid() != 0,
        reason="asr needs root: sudo -E python3 -m pytest -m macos",
    ),
]

NAME = "SSD Boot HD"
RECOVERY = 650_002_432  # the classic Recovery HD size (captures 01, 06, 22)


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    mac = Runner(MacBackend())
    yield mac
    folder = os.environ.get("SSDMIGRATE_RECORD_DIR")
    if folder:
        write_bundle(Path(folder) / "macos-suite", mac.history)


@pytest.fixture(scope="module")
def lab(
    runner: Runner, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Attached]]:
    with Lab(runner, tmp_path_factory.mktemp("images")) as images:
        source = images.image(ImageSpec("ssdm source", 400, "JHFS+"), mount=True)
        assert source.mount_point
        tree.build(
            Path(source.mount_point), "system", {"version": "10.13.6", "build": "17G66"}
        )
        recovery = images.image(ImageSpec("ssdm recovery", 300, "JHFS+"), mount=True)
        assert recovery.mount_point
        tree.build(Path(recovery.mount_point), "recovery", {})
        target = images.image(ImageSpec("ssdm target", 2000), mount=False)
        yield {"source": source, "recovery": recovery, "target": target}


def test_discovery_sees_the_image_as_a_virtual_whole_disk(
    runner: Runner, lab: dict[str, Attached]
) -> None:
    disk = discover(runner).disk(lab["target"].ident)
    assert disk is not None and disk.kind == "image" and disk.partitions == ()


def test_plan_refuses_an_image_unless_the_suite_allows_it(
    runner: Runner, lab: dict[str, Attached], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ssdmigrate.cli import run_cli

    target = lab["target"].ident
    assert run_cli(["plan", "--target", target, "--json"]) == 3
    monkeypatch.setenv("SSDMIGRATE_TEST_IMAGES", "1")
    run_cli(["plan", "--target", target, "--allow-virtual-target", "--json"])


def test_partition_clone_recovery_and_verify(
    runner: Runner, lab: dict[str, Attached]
) -> None:
    target = lab["target"].ident
    size = discover(runner).disk(target).size  # type: ignore[union-attr]
    main = plan_layout.main_bytes(size, plan_layout.recovery_bytes(RECOVERY))
    runner.run(
        list(
            plan_layout.hfs_argv(
                target, NAME, main, plan_layout.recovery_bytes(RECOVERY)
            )
        )
    )
    disk = discover(runner).disk(target)
    assert disk is not None
    assert disk.partitions[0].content == "EFI"
    assert disk.partitions[-1].name == "Recovery HD"
    new_main = next(p for p in disk.partitions if p.name == NAME)
    assert new_main.mount_point

    # The live-copy method: ditto, then ownership, then bless.
    runner.run(["diskutil", "enableOwnership", new_main.id])
    runner.run(["ditto", "-X", str(lab["source"].mount_point), new_main.mount_point])
    runner.run(
        ["bless", "--folder", f"{new_main.mount_point}/System/Library/CoreServices"]
    )
    info = runner.run(["bless", "--info", new_main.mount_point]).stdout
    assert "Blessed System Folder is" in info
    compared = compare_trees(
        str(lab["source"].mount_point), new_main.mount_point, VerifyOptions(mode="full")
    )
    assert compared.match, compared.to_json()

    # The Recovery HD: block copy of an unmounted source, then the type.
    recovery_dev = lab["recovery"].whole + "s1"
    runner.run(["diskutil", "unmount", "force", recovery_dev])
    last = disk.partitions[-1].id
    runner.run(
        [
            "asr",
            "restore",
            "--source",
            recovery_dev,
            "--target",
            f"/dev/{last}",
            "--erase",
            "--noprompt",
            "--puppetstrings",
        ]
    )
    runner.run(["diskutil", "unmount", "force", f"/dev/{last}"])
    runner.run(["asr", "adjust", "--target", f"/dev/{last}", "-settype", "Apple_Boot"])
    after = discover(runner).disk(target)
    assert after is not None and after.partitions[-1].content == "Apple_Boot"


def test_a_busy_volume_is_refused_and_explained(
    runner: Runner, lab: dict[str, Attached]
) -> None:
    mount = lab["source"].mount_point
    with open(f"{mount}/held-open.txt", "w"):
        result = runner.run(
            ["diskutil", "unmountDisk", lab["source"].whole], check=False
        )
    if result.ok:
        pytest.skip("this macOS unmounted a volume with an open file")
    assert explain(result.stdout + result.stderr)


def test_block_copy_of_an_unmounted_source_with_asr(
    runner: Runner, lab: dict[str, Attached]
) -> None:
    """The method for a source that is not the running system: asr restore --erase."""
    target = lab["target"].ident
    disk = discover(runner).disk(target)
    assert disk is not None
    main = next(p for p in disk.partitions if p.name == NAME)
    source_dev = lab["source"].whole + "s1"
    runner.run(["diskutil", "unmount", "force", source_dev])
    progress: list[str] = []
    runner.run(
        [
            "asr",
            "restore",
            "--source",
            source_dev,
            "--target",
            f"/dev/{main.id}",
            "--erase",
            "--noprompt",
            "--puppetstrings",
        ],
        on_line=progress.append,
    )
    assert any(
        line.startswith(("PINF", "PSTT", "PSTP")) or "...." in line for line in progress
    )
    runner.run(["diskutil", "mount", source_dev])


def test_a_target_detached_mid_copy_fails_clearly(
    runner: Runner, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with Lab(runner, tmp_path_factory.mktemp("detach")) as images:
        source = images.image(ImageSpec("ssdm big", 600, "JHFS+"), mount=True)
        assert source.mount_point
        (Path(source.mount_point) / "big.bin").write_bytes(
            os.urandom(400 * 1024 * 1024)
        )
        target = images.image(ImageSpec("ssdm gone", 800, "JHFS+"), mount=True)
        assert target.mount_point
        source_dev = source.whole + "s1"
        runner.run(["diskutil", "unmount", "force", source_dev])

        def pull_the_plug(line: str) -> None:
            if line.startswith(("PINF", "PSTT")) or "...." in line:
                runner.run(["hdiutil", "detach", "-force", target.whole], check=False)

        result = runner.run(
            [
                "asr",
                "restore",
                "--source",
                source_dev,
                "--target",
                target.whole + "s1",
                "--erase",
                "--noprompt",
                "--puppetstrings",
            ],
            check=False,
            on_line=pull_the_plug,
        )
        assert not result.ok
        assert discover(runner).disk(target.ident) is None


def test_the_run_journal_and_resume_on_images(
    runner: Runner, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The executor on real tools: a plan whose source is an unmounted image
    volume (block copy with asr), stopped by Ctrl-C during the copy, then
    resumed from the journal. Only the suite builds such a plan; the tool's own
    plan always copies the running system."""
    from dataclasses import replace
    from datetime import datetime

    from ssdmigrate.discovery import describe_volume
    from ssdmigrate.execute import Executor
    from ssdmigrate.journal import Journal, machine_key
    from ssdmigrate.plan_facts import PlanOptions
    from ssdmigrate.plan_gather import gather_facts
    from ssdmigrate.planner import build_plan
    from ssdmigrate.progress import PlainLines

    folder = tmp_path_factory.mktemp("journal")
    with Lab(runner, tmp_path_factory.mktemp("run")) as images:
        source = images.image(ImageSpec("ssdm system", 400, "JHFS+"), mount=True)
        assert source.mount_point
        tree.build(
            Path(source.mount_point), "system", {"version": "10.13.6", "build": "17G66"}
        )
        target = images.image(ImageSpec("ssdm ssd", 2000), mount=False)

        snapshot = discover(runner)
        view = describe_volume(runner, source.mount_point)
        facts = gather_facts(runner, snapshot, datetime.now())
        facts = replace(facts, snapshot=replace(snapshot, boot=view), source_live=False)
        plan = build_plan(
            facts, PlanOptions(target=target.ident, allow_image_target=True)
        )
        assert plan.target is not None and [s.id for s in plan.steps if s.id == "clone"]
        disk = snapshot.disk(target.ident)
        assert disk is not None
        journal = Journal.start(
            folder / "journal.json",
            plan,
            machine_key(snapshot.machine.model, view.uuid),
            disk.identity(),
            None,
        )

        class StopDuringCopy(PlainLines):
            def progress(
                self, step: str, fraction: float, done: int | None, total: int | None
            ) -> None:
                if step == "clone" and fraction > 0:
                    raise KeyboardInterrupt
                super().progress(step, fraction, done, total)

        with pytest.raises(SsdmigrateError):  # Interrupted
            Executor(runner, journal, StopDuringCopy()).run()
        stopped = Journal.load(folder / "journal.json")
        assert stopped is not None and stopped.state == "interrupted"
        assert stopped.step("clone")["status"] == "interrupted"

        Executor(runner, stopped, PlainLines(), follow_identity=True).run()
        done = Journal.load(folder / "journal.json")
        assert done is not None and done.state == "done"
        assert {s["status"] for s in done.data["steps"]} == {"done"}
