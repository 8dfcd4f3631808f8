"""The simulated Mac as a runner backend: answers argv like the real tools."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ssdmigrate import paths
from ssdmigrate.errors import SsdmigrateError
from ssdmigrate.runner import LineHandler, Result
from ssdmigrate.sim import asr, diskutil, faults, intruders, others
from ssdmigrate.sim.mac import Call, Out, SimMac
from ssdmigrate.sim.state import SimState
from ssdmigrate.tools import TOOL_PATHS, tool_name

log = logging.getLogger(__name__)

QUERY_TOOLS = {
    "sw_vers",
    "sysctl",
    "system_profiler",
    "fdesetup",
    "pmset",
    "tmutil",
    "lsof",
}


def _query(argv: Sequence[str]) -> bool:
    """Discovery and fact-finding: what the run asks between steps."""
    name = tool_name(argv)
    if name == "diskutil":
        words = list(argv[1:3])
        return words[:1] in (["list"], ["info"]) or words == ["apfs", "list"]
    return name in QUERY_TOOLS


# Steps whose commands report progress as they go; their timed faults fire
# from inside the simulated tool.
STREAMING = {"clone", "clone-recovery"}

TOOLS: dict[str, Callable[[Call], Out]] = {
    "diskutil": diskutil.run,
    "asr": asr.run,
    "bless": others.bless,
    "ditto": others.ditto,
    "sw_vers": others.sw_vers,
    "sysctl": others.sysctl,
    "system_profiler": others.system_profiler,
    "fdesetup": others.fdesetup,
    "pmset": others.pmset,
    "tmutil": others.tmutil,
    "lsof": others.lsof,
    "caffeinate": others.caffeinate,
    "mkdir": others.mkdir,
    "ln": others.ln,
    "trimforce": others.trimforce,
}


class SimBackend:
    name = "simulated Mac"
    writable = True
    is_root = True  # the simulated Mac never asks for sudo

    def __init__(self, mac: SimMac) -> None:
        self.mac = mac

    @classmethod
    def open(
        cls, scenario: str, folder: Path | None, fault_specs: tuple[str, ...] = ()
    ) -> SimBackend:
        parsed = tuple(faults.parse(spec) for spec in fault_specs)
        folder = folder or paths.sim_state_dir(scenario)
        return cls(SimMac(SimState.open(folder, scenario), faults=parsed))

    def clock(self) -> float:
        """Simulated seconds, so rates and time left read as on a real Mac."""
        return self.mac.elapsed

    def before_step(self, step: str, target: str) -> None:
        """The run says which plan step comes next; play that step's faults."""
        self.mac.step = step
        self.mac.target = target
        swap = self.mac.armed("swap-target")
        if swap is not None:
            self.mac.fire(swap)
            intruders.swap_in(self.state, target)
        busy = self.mac.armed("busy")
        disk = self.state.disk(target)
        if busy is not None and disk is not None:
            self.mac.fire(busy)
            disk["fault_busy"] = True
            self.state.save()

    def _fault_instead(self, argv: Sequence[str]) -> Result | None:
        """At the step's own command (not the queries around it), a planted fault."""
        if _query(argv):
            return None
        target = getattr(self.mac, "target", "disk1")
        fail = self.mac.armed("fail")
        if fail is not None:
            self.mac.fire(fail)
            text = faults.FAILURES.get(fail.step, "failed\n").format(disk=target)
            return Result(tuple(argv), 1, "", text)
        vanish = self.mac.armed("vanish")
        disk = self.state.disk(target)
        if vanish is not None and disk is not None:
            self.mac.fire(vanish)
            self.state.unplug(disk, comes_back=True)
        stop = self.mac.armed("interrupt-at")
        if stop is not None and self.mac.step not in STREAMING:
            self.mac.fire(stop)
            faults.interrupt()
        return None

    @property
    def state(self) -> SimState:
        return self.mac.state

    def execute(
        self, argv: Sequence[str], *, on_line: LineHandler | None, timeout: float | None
    ) -> Result:
        name = tool_name(argv)
        tool = TOOLS.get(name)
        if tool is None:
            path = TOOL_PATHS.get(name, name)
            return Result(tuple(argv), 127, "", f"{path}: command not found\n")
        planted = self._fault_instead(argv)
        if planted is not None:
            return planted
        out = tool(Call(self.mac, list(argv), on_line))
        return Result(tuple(argv), out.returncode, out.stdout, out.stderr)

    def attached(self, argv: Sequence[str]) -> int:
        """Answers on this terminal, as the real tool would."""
        result = self.execute(argv, on_line=None, timeout=None)
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        return result.returncode

    def host_path(self, mount_point: str) -> Path:
        folder = others.host_folder(self.state, mount_point)
        if folder is None:
            raise SsdmigrateError(
                f"nothing is mounted at {mount_point} on the simulated Mac"
            )
        return folder

    def volume_used_bytes(self, mount_point: str) -> int:
        volume = self.state.mounted(mount_point)
        if volume is None:
            raise SsdmigrateError(
                f"nothing is mounted at {mount_point} on the simulated Mac"
            )
        return int(volume.get("used") or 0)
