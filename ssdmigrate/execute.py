"""Carrying out a plan: the only code path that changes a disk.

Before every step that touches the SSD, discovery runs again and the disk at
the confirmed identifier must still be the disk the owner confirmed. Every
step's start and end go to the journal at once, so Ctrl-C, a failure or an
unplugged disk leave a journal that tells the truth, and `resume` goes on
from the first step not done.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from ssdmigrate.adapters import sysinfo
from ssdmigrate.discovery import discover
from ssdmigrate.errors import CommandFailed, Interrupted, Refused, SsdmigrateError
from ssdmigrate.explain import explain
from ssdmigrate.journal import Journal
from ssdmigrate.model import Disk, Identity, Snapshot
from ssdmigrate.plan_model import Plan, Step
from ssdmigrate.progress import AsrProgress, Reporter
from ssdmigrate.runner import Result, Runner
from ssdmigrate.targeting import (
    Names,
    apfs_main,
    check,
    locate,
    new_partitions,
    predicted,
)

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
STALL_ENV = "SSDMIGRATE_STALL_WARN"  # seconds without progress before a warning


def stall_seconds() -> float:
    return float(os.environ.get(STALL_ENV, "120"))


class Watchdog:
    """Warns once when a long command has shown no progress for a while."""

    def __init__(self, reporter: Reporter, title: str) -> None:
        self.reporter = reporter
        self.title = title
        self.last = time.monotonic()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def tick(self) -> None:
        self.last = time.monotonic()

    def _watch(self) -> None:
        limit = stall_seconds()
        warned = False
        while not self._done.wait(min(limit / 4, POLL_SECONDS)):
            quiet = time.monotonic() - self.last
            if quiet > limit and not warned:
                warned = True
                self.reporter.note(
                    "warn",
                    f"No progress for {quiet:.1f} s during: "
                    f"{self.title}. A slow disk or a full bus can do "
                    "this; Ctrl-C stops safely and resume goes on.",
                )
            elif quiet <= limit:
                warned = False


class StepFailed(SsdmigrateError):
    """A step's command failed; the message gives the likely cause and the output."""


class LayoutWrong(StepFailed):
    """The disk after partitioning is not laid out as planned."""


class Executor:
    def __init__(
        self,
        runner: Runner,
        journal: Journal,
        reporter: Reporter,
        *,
        follow_identity: bool = False,
    ) -> None:
        self.runner = runner
        self.journal = journal
        self.reporter = reporter
        self.plan: Plan = journal.plan()
        self.names = Names()
        # A resumed run finds the disk by identity (it may have a new number);
        # a fresh run insists on the number the owner confirmed.
        self.follow_identity = follow_identity
        self.target = str(journal.data["confirmed"]["target"])
        self._power: str | None = None
        self._copied = -1  # the SSD's used bytes at the last progress report
        self.main_mount: str | None = None  # where the new volume is mounted now

    def run(self) -> None:
        with self._keep_awake():
            for step in self.plan.steps:
                if not self.journal.done(step.id):
                    self._step(step)
        self.journal.set_state("done")

    def _keep_awake(self) -> AbstractContextManager[Any]:
        awake: Callable[[], AbstractContextManager[Any]] | None = getattr(
            self.runner.backend, "keep_awake", None
        )
        return awake() if awake is not None else nullcontext()

    # --- one step ---------------------------------------------------------------

    def _step(self, step: Step) -> None:
        started = time.monotonic()
        try:
            self._hook(step)
            self._checked_refresh()
            argv = self.names.rewrite(step.argv)
            self._check_mounted(argv)
            self.journal.mark(step.id, "running")
            self.reporter.step_started(step.id, step.title)
            result = self._execute(step, argv)
            if not result.ok:
                self._failed(step, result)
            self._check_after(step)
        except KeyboardInterrupt:
            self._stop(step, "interrupted", f"Ctrl-C during: {step.title}")
            raise Interrupted(
                f"stopped during: {step.title}",
                remedy="Nothing is lost. Continue with: ssdmigrate resume",
            ) from None
        self.journal.mark(step.id, "done")
        self.reporter.step_finished(step.id, "done", time.monotonic() - started)
        self._watch_power()

    def _hook(self, step: Step) -> None:
        """Let the simulated Mac play the faults a test asked for at this step."""
        hook = getattr(self.runner.backend, "before_step", None)
        if hook is not None:
            hook(step.group, self.target)

    def _stop(self, step: Step, status: str, message: str) -> None:
        if self.journal.step(step.id)["status"] == "running":
            self.journal.mark(step.id, status, message)
        self.journal.set_state(
            "interrupted" if status == "interrupted" else status, message
        )
        self.reporter.step_finished(step.id, status, 0.0)

    # --- identity and names -------------------------------------------------------

    def _checked_refresh(self) -> None:
        """As _refresh, and a refusal leaves the journal saying why it stopped."""
        try:
            self._refresh()
        except Refused as exc:
            self.journal.set_state("stopped", exc.message)
            raise

    def _refresh(self) -> Snapshot:
        """Discover again, check the disk is the confirmed one, update the names."""
        snapshot = discover(self.runner)
        confirmed = self.journal.confirmed_identity()
        if self.follow_identity:
            disk = locate(snapshot, self.target, confirmed)
            self.follow_identity = False
        else:
            disk = check(snapshot, self.target, confirmed)
        if disk.id != self.target:
            self.reporter.note("info", f"{self.target} is now called {disk.id}.")
            self.target = disk.id
        self._rename(disk)
        if self.plan.era == "apfs":
            self._rename_apfs(snapshot, disk)
        return snapshot

    def _rename_apfs(self, snapshot: Snapshot, disk: Disk) -> None:
        """On APFS the new volume lives in a container; asr renames it after
        the volume it copies, so it is found again through the container."""
        main = apfs_main(snapshot, disk)
        if main is None or not main.mount_point:
            return
        self.main_mount = main.mount_point
        self.names.mapping[f"/Volumes/{self.plan.new_volume_name}"] = main.mount_point
        if self.journal.data["resolved"].get("main") != main.disk_uuid:
            self.journal.remember("main", main.disk_uuid)

    def _check_mounted(self, argv: tuple[str, ...]) -> None:
        """A path under /Volumes/NAME with nothing mounted there is a folder on
        the Mac's own disk: never write to it."""
        plan_mount = f"/Volumes/{self.plan.new_volume_name}"
        if "main" not in self.journal.data["resolved"] or self.main_mount is not None:
            return
        if any(a == plan_mount or a.startswith(plan_mount + "/") for a in argv):
            message = (
                f'"{self.plan.new_volume_name}" on {self.target} is not mounted, '
                "so this step would write to the Mac's own disk; nothing was done"
            )
            self.journal.set_state("stopped", message)
            raise Refused(
                message,
                remedy="Mount it (diskutil mount "
                f"{self.target}s2) or plug the SSD in again, then: "
                "ssdmigrate resume",
            )

    def _rename(self, disk: Disk) -> None:
        plan = self.plan
        assert plan.target is not None
        mapping = {plan.target.id: disk.id} if disk.id != plan.target.id else {}
        guesses = predicted(plan)
        self.main_mount = None
        for role in ("main", "recovery"):
            uuid = self.journal.data["resolved"].get(role)
            part = next(
                (p for p in disk.partitions if uuid and p.disk_uuid == uuid), None
            )
            if part is None:
                continue
            if role in guesses:
                mapping[guesses[role]] = part.id
            if role == "main" and part.mount_point:
                self.main_mount = part.mount_point
                mapping[f"/Volumes/{plan.new_volume_name}"] = part.mount_point
        self.names.mapping = mapping

    # --- running a command --------------------------------------------------------

    def _execute(self, step: Step, argv: tuple[str, ...]) -> Result:
        if argv[0] == "asr" and argv[1:2] == ("restore",):
            return self._asr(step, argv)
        if step.group == "clone":
            return self._copy(step, argv)
        return self.runner.run(argv, check=False)

    def _asr(self, step: Step, argv: tuple[str, ...]) -> Result:
        progress = AsrProgress()
        with Watchdog(self.reporter, step.title) as watchdog:

            def on_line(line: str) -> None:
                fraction = progress.feed(line)
                if fraction is not None:
                    watchdog.tick()
                    self.reporter.progress(step.id, fraction, None, None)

            return self.runner.run(argv, check=False, on_line=on_line)

    def _copy(self, step: Step, argv: tuple[str, ...]) -> Result:
        """One item of the file copy; progress is the SSD's used space against
        the Mac's, polled while it runs and once after."""
        mount = self.names.rewrite((f"/Volumes/{self.plan.new_volume_name}",))[0]
        total = self.plan.source.used_bytes
        done = threading.Event()
        with Watchdog(self.reporter, step.title) as watchdog:
            poller = threading.Thread(
                target=self._poll, args=(mount, total, done, watchdog), daemon=True
            )
            poller.start()
            try:
                return self.runner.run(argv, check=False)
            finally:
                done.set()
                poller.join()
                self._report_copy(mount, total, watchdog)

    def _poll(
        self, mount: str, total: int | None, done: threading.Event, watchdog: Watchdog
    ) -> None:
        while not done.wait(POLL_SECONDS):
            self._report_copy(mount, total, watchdog)

    def _report_copy(self, mount: str, total: int | None, watchdog: Watchdog) -> None:
        try:
            used = self.runner.backend.volume_used_bytes(mount)
        except (SsdmigrateError, OSError):
            return  # progress is a nicety; the copy itself decides success
        if total and used != self._copied:
            self._copied = used
            watchdog.tick()
            self.reporter.progress("clone", min(used / total, 1.0), used, total)

    # --- after a command ----------------------------------------------------------

    def _failed(self, step: Step, result: Result) -> None:
        if self._target_gone():
            self._stop(step, "interrupted", f"the SSD disappeared during: {step.title}")
            raise Interrupted(
                f"{self.target} disappeared during: {step.title}",
                remedy="Plug the SSD back in, then run: ssdmigrate resume",
            )
        matches = explain(result.stdout + "\n" + result.stderr)
        cause = matches[0].cause if matches else "The command failed."
        remedy = matches[0].remedy if matches else "See the output below and the log."
        self._stop(step, "failed", cause)
        raise StepFailed(
            f"{step.title} failed. {cause}", remedy=f"{remedy}\n\n{result_text(result)}"
        )

    def _target_gone(self) -> bool:
        try:
            snapshot = discover(self.runner)
            locate(snapshot, self.target, self.journal.confirmed_identity())
        except SsdmigrateError:
            return True
        return False

    def _check_after(self, step: Step) -> None:
        if step.id == "partition":
            self._check_layout(step)
        elif step.id == "set-recovery-type":
            self._check_recovery_type(step)

    def _check_layout(self, step: Step) -> None:
        """Read the new layout back: EFI first, the main volume, Recovery HD last."""
        snapshot = discover(self.runner)
        disk = snapshot.disk(self.target)
        problems = layout_problems(disk, self.plan, snapshot)
        if problems or disk is None:
            self._stop(step, "failed", "; ".join(problems))
            raise LayoutWrong(
                f"after partitioning, {self.target} is not as planned: "
                + "; ".join(problems),
                remedy="Nothing was copied yet. Run ssdmigrate plan "
                "again and look at the disk with ssdmigrate disks.",
            )
        for role, part in new_partitions(disk, self.plan).items():
            self.journal.remember(role, part.disk_uuid)
        old = self.journal.confirmed_identity()
        self.journal.update_identity(
            Identity(
                old.media_name,
                old.size,
                old.bus,
                old.serial,
                old.device_tree_path,
                disk.identity().partition_uuids,
            )
        )

    def _check_recovery_type(self, step: Step) -> None:
        disk = self._refresh().disk(self.target)
        found = new_partitions(disk, self.plan) if disk else {}
        recovery = found.get("recovery")
        if recovery is None or recovery.content != "Apple_Boot":
            kind = recovery.content if recovery else "missing"
            self._stop(step, "failed", f"Recovery HD type is {kind}")
            raise StepFailed(
                f"the new Recovery HD is {kind}, not an Apple_Boot partition",
                remedy="Run ssdmigrate resume to set its type again.",
            )

    def _watch_power(self) -> None:
        result = self.runner.run(sysinfo.PMSET_BATT, check=False)
        try:
            source = sysinfo.parse_power(result.stdout).source
        except SsdmigrateError:
            return
        if source == "battery" and self._power != "battery":
            self.reporter.note(
                "warn",
                "The Mac switched to battery power; plug it in, "
                "the copy can take hours.",
            )
        self._power = source


def layout_problems(disk: Disk | None, plan: Plan, snapshot: Snapshot) -> list[str]:
    if disk is None:
        return ["the disk is not there"]
    problems = []
    parts = disk.partitions
    if not parts or parts[0].content != "EFI":
        problems.append("the first partition is not EFI")
    if plan.era == "apfs":
        if apfs_main(snapshot, disk) is None:
            problems.append(f'no APFS container with "{plan.new_volume_name}"')
        return problems
    found = new_partitions(disk, plan)
    if "main" not in found:
        problems.append(f'no "{plan.new_volume_name}" volume')
    if plan.recovery_size and "recovery" not in found:
        problems.append("no Recovery HD partition at the end")
    recovery = found.get("recovery")
    if (
        recovery
        and plan.recovery_size
        and (recovery.size or 0) < plan.recovery_size * 0.99
    ):
        problems.append(
            f"the Recovery HD is {recovery.size} bytes, smaller than planned"
        )
    if disk.size and sum(p.size or 0 for p in parts) > disk.size:
        problems.append("the partitions add up to more than the disk")
    return problems


def result_text(result: Result) -> str:
    """The failed command and what it printed, for the message under the remedy."""
    return CommandFailed(
        result.argv, result.returncode, result.stdout, result.stderr
    ).format()
