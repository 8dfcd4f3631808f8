"""The simulated Mac as a runner backend: answers argv like the real tools."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from ssdmigrate import paths
from ssdmigrate.errors import SsdmigrateError
from ssdmigrate.runner import LineHandler, Result
from ssdmigrate.sim import asr, diskutil, others
from ssdmigrate.sim.mac import Call, Out, SimMac
from ssdmigrate.sim.state import SimState
from ssdmigrate.tools import TOOL_PATHS, tool_name

log = logging.getLogger(__name__)

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
}


class SimBackend:
    name = "simulated Mac"
    writable = True
    is_root = True  # the simulated Mac never asks for sudo

    def __init__(self, mac: SimMac, faults: tuple[str, ...] = ()) -> None:
        self.mac = mac
        self.faults = faults

    @classmethod
    def open(
        cls, scenario: str, folder: Path | None, faults: tuple[str, ...] = ()
    ) -> SimBackend:
        folder = folder or paths.sim_state_dir(scenario)
        return cls(SimMac(SimState.open(folder, scenario)), faults)

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
        out = tool(Call(self.mac, list(argv), on_line))
        return Result(tuple(argv), out.returncode, out.stdout, out.stderr)

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
