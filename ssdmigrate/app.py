"""What every command shares: the chosen backend, output settings, the log."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ssdmigrate.errors import NeedsMac, UsageProblem

if TYPE_CHECKING:
    from ssdmigrate.runner import Backend, Runner

DEFAULT_SCENARIO = "mbp2012-el-capitan"


@dataclass
class App:
    simulate: bool = False
    scenario: str | None = None
    sim_state: Path | None = None
    replay: Path | None = None
    faults: tuple[str, ...] = ()
    verbosity: int = 0  # -1 quiet, 0 normal, 1+ verbose
    color: str = "auto"
    log_path: Path | None = None
    _backend: Backend | None = field(default=None, repr=False)

    @property
    def simulated(self) -> bool:
        return self.simulate or self.scenario is not None

    def check_options(self) -> None:
        if self.replay is not None and self.simulated:
            raise UsageProblem("--replay cannot be combined with --simulate/--scenario")
        if self.faults and not self.simulated:
            raise UsageProblem("--fault works only on the simulated Mac (--simulate)")

    def backend(self) -> Backend:
        """The backend, made on first use: commands that need no Mac work anywhere."""
        if self._backend is None:
            self._backend = self._make_backend()
        return self._backend

    def runner(self, *, read_only: bool = False) -> Runner:
        from ssdmigrate.runner import Runner

        return Runner(self.backend(), read_only=read_only)

    def sim_folder(self) -> Path:
        """Where the chosen simulated Mac keeps its state."""
        from ssdmigrate import paths

        return self.sim_state or paths.sim_state_dir(self.scenario or DEFAULT_SCENARIO)

    def journal_path(self) -> Path:
        """The run's journal: beside the simulated Mac's state, or in /var/db."""
        if self.replay is not None:
            raise UsageProblem("a replay bundle only reads; it has no run journal")
        if self.simulated:
            return self.sim_folder() / "journal.json"
        from ssdmigrate.journal import MAC_JOURNAL

        return MAC_JOURNAL

    def _make_backend(self) -> Backend:
        if self.replay is not None:
            from ssdmigrate.replay import ReplayBackend

            return ReplayBackend.load(self.replay)
        if self.simulated:
            from ssdmigrate.sim.backend import SimBackend

            scenario = self.scenario or DEFAULT_SCENARIO
            return SimBackend.open(scenario, self.sim_folder(), self.faults)
        if sys.platform != "darwin":
            raise NeedsMac(
                "this command needs a Mac: it runs Apple's diskutil, asr and bless, "
                f"which do not exist on {sys.platform}",
                remedy="To try ssdmigrate here, use the built-in simulated Mac: "
                "ssdmigrate --simulate disks (ssdmigrate scenarios lists them), "
                "or a recorded bundle: ssdmigrate --replay DIR disks",
            )
        from ssdmigrate.runner import MacBackend

        return MacBackend()
