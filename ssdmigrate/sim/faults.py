"""Faults on demand (`--fault STEP:KIND`), so tests can break a run on purpose.

STEP is a plan step id (its group: `clone` covers every item of the copy).
KIND is one of:
  fail            the step's tool exits non-zero with a real error text
  busy            the disk cannot be unmounted (a process holds a volume)
  interrupt-at:N  the run gets SIGINT once the step is N percent done
  vanish          the SSD disappears during the step (it comes back, with a
                  new number, the next time the simulated Mac is opened)
  swap-target     before the step, the SSD's number now belongs to another disk
  slow            progress stalls for a while half-way
Each fault fires once: a resumed run goes through.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass

from ssdmigrate.errors import UsageProblem

KINDS = ("fail", "busy", "interrupt-at", "vanish", "swap-target", "slow")

# What each step's tool prints when it fails, from the recorded captures
# (numbers in brackets) or, where none exists, marked SYNTHETIC.
FAILURES = {
    # [24]
    "unmount-target": (
        "Unmount of {disk} failed: at least one volume could not be unmounted\n"
    ),
    # [18]
    "partition": (
        "Started partitioning on {disk}\nUnmounting disk\n"
        "Error: -69879: Couldn't open disk\n"
    ),
    "enable-ownership": "Error: -69879: Couldn't open disk\n",  # [18]
    "clone": "ditto: /Volumes/SSD Boot HD/Users: Input/output error\n",  # SYNTHETIC
    # [16d]
    "clone-recovery": (
        "\tValidating target...done\nCould not restore - Bad file descriptor\n"
    ),
    # [28a]
    "set-recovery-type": (
        "Could not change the partition type for /dev/{disk}s3 - "
        "Operation not permitted\n"
    ),
    "bless": 'Can\'t access "efi-boot-device" NVRAM variable\n',  # bless handleInfo.c
    "validate": "Error: -69845: File system verify or repair failed\n",  # SYNTHETIC
}


@dataclass(frozen=True)
class Fault:
    spec: str
    step: str
    kind: str
    percent: float | None = None


def parse(spec: str) -> Fault:
    step, _, rest = spec.partition(":")
    kind, _, value = rest.partition(":")
    if not step or kind not in KINDS:
        raise UsageProblem(
            f"--fault {spec!r}: expected STEP:KIND, KIND one of " + ", ".join(KINDS)
        )
    if kind != "interrupt-at":
        return Fault(spec, step, kind)
    try:
        return Fault(spec, step, kind, float(value))
    except ValueError:
        raise UsageProblem(
            f"--fault {spec!r}: interrupt-at needs a percent, "
            "e.g. clone:interrupt-at:50"
        ) from None


def interrupt() -> None:
    """What Ctrl-C does: SIGINT to this process (Python raises KeyboardInterrupt)."""
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(1)  # the signal lands before this returns


def stall() -> None:
    """Real seconds without progress (SSDMIGRATE_SIM_STALL, default 3)."""
    time.sleep(float(os.environ.get("SSDMIGRATE_SIM_STALL", "3")))
