"""Start-up time of `ssdmigrate --help` beside bare Python, in the same run.

    python bench/startup.py [--runs N]

The tool is started often; it should answer at once. The aim is under 150 ms
more than `python -c pass`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def _median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    bare = _median_seconds([sys.executable, "-c", "pass"], runs)
    help_ = _median_seconds([sys.executable, "-m", "ssdmigrate", "--help"], runs)
    print(f"python -c pass          {bare * 1000:7.1f} ms")
    print(f"ssdmigrate --help       {help_ * 1000:7.1f} ms")
    print(f"extra over bare Python  {(help_ - bare) * 1000:7.1f} ms (aim: < 150 ms)")
    print(f"ratio                   {help_ / bare:7.2f}x")


if __name__ == "__main__":
    main()
