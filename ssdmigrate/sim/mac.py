"""The simulated Mac's engine room: state, a compressed clock, and tool output."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from ssdmigrate.runner import LineHandler
from ssdmigrate.sim import faults
from ssdmigrate.sim.faults import Fault
from ssdmigrate.sim.state import SimState

# Simulated seconds per real second. A whole clone takes hours on a real Mac;
# the default squeezes it into a few seconds. SSDMIGRATE_SIM_SPEED=0 makes
# simulated time free (tests).
DEFAULT_SPEED = 2000.0


def clock_speed() -> float:
    raw = os.environ.get("SSDMIGRATE_SIM_SPEED")
    if raw is None:
        return DEFAULT_SPEED
    try:
        return float(raw)
    except ValueError:
        return DEFAULT_SPEED


@dataclass
class Out:
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""


@dataclass
class Call:
    """One simulated command being answered: collects its output as it goes."""

    mac: SimMac
    argv: list[str]
    on_line: LineHandler | None
    out: list[str] = field(default_factory=list)

    def line(self, text: str) -> None:
        self.out.append(text + "\n")
        if self.on_line is not None:
            self.on_line(text)

    def done(self, returncode: int = 0, stderr: str = "") -> Out:
        return Out(returncode, "".join(self.out), stderr)

    def fail(self, stderr: str, returncode: int = 1) -> Out:
        return Out(returncode, "".join(self.out), stderr)


class SimMac:
    def __init__(
        self,
        state: SimState,
        speed: float | None = None,
        faults: tuple[Fault, ...] = (),
    ) -> None:
        self.state = state
        self.speed = clock_speed() if speed is None else speed
        self.elapsed = 0.0  # simulated seconds spent, for realistic rates
        self.faults = faults
        self.step: str | None = None  # the plan step the run says it is in
        self.target = "disk1"  # the disk the run works on

    def armed(self, kind: str) -> Fault | None:
        """A fault of this kind for the current step that has not fired yet."""
        fired = self.state.data.setdefault("fired", [])
        for fault in self.faults:
            if (
                fault.step == self.step
                and fault.kind == kind
                and fault.spec not in fired
            ):
                return fault
        return None

    def fire(self, fault: Fault) -> None:
        self.state.data.setdefault("fired", []).append(fault.spec)
        self.state.save()

    def progress(self, percent: float) -> None:
        """Called by long simulated commands as they go, to play timed faults."""
        stop = self.armed("interrupt-at")
        if stop is not None and stop.percent is not None and percent >= stop.percent:
            self.fire(stop)
            faults.interrupt()
        slow = self.armed("slow")
        if slow is not None and percent >= 50:
            self.fire(slow)
            faults.stall()

    def wait(self, simulated_seconds: float) -> None:
        self.elapsed += simulated_seconds
        if self.speed > 0:
            time.sleep(simulated_seconds / self.speed)
