"""Benchmark `ssdmigrate verify` against rsync and diff on real trees.

    python bench/verify.py [--quick] [--workdir DIR] [--repeat N]

Builds a source tree and a `cp -a` copy of it for three shapes (30,000 files
of 64 B to 512 KB, about 1.8 GB; 100,000 and 1,000,000 small files), warms the
page cache, then times each command as a child process (median of --repeat
runs) and reads its peak resident memory from os.wait4. It also plants four
differences in a copy and checks that exactly those four are reported.

Not a test: it takes minutes and needs rsync (apt-get install -y rsync).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True)
class Shape:
    name: str
    files: int
    smallest: int
    largest: int
    per_folder: int


FULL_SHAPES = (
    Shape("big", 30_000, 64, 512 * 1024, 100),
    Shape("s100k", 100_000, 16, 2048, 1000),
    Shape("s1m", 1_000_000, 16, 2048, 1000),
)
QUICK_SHAPES = (
    Shape("big", 3_000, 64, 512 * 1024, 100),
    Shape("s100k", 10_000, 16, 2048, 1000),
    Shape("s1m", 100_000, 16, 2048, 1000),
)


@dataclass
class Timing:
    label: str
    seconds: float
    peak_mb: float
    status: int


# --- building the trees ---------------------------------------------------


def build_tree(root: Path, shape: Shape, seed: int = 1) -> None:
    """Files of log-uniform sizes, `per_folder` to a folder, two levels deep."""
    rng = random.Random(seed)
    pool = rng.randbytes(shape.largest * 4)
    low, high = math.log(shape.smallest), math.log(shape.largest)
    for i in range(shape.files):
        folder = root / f"d{i // (shape.per_folder * 50):03d}"
        folder = folder / f"e{(i // shape.per_folder) % 50:02d}"
        if i % shape.per_folder == 0:
            folder.mkdir(parents=True, exist_ok=True)
        size = int(math.exp(rng.uniform(low, high)))
        start = rng.randrange(len(pool) - size)
        (folder / f"f{i:07d}").write_bytes(pool[start : start + size])


def ensure_shape(workdir: Path, shape: Shape) -> Path:
    """The shape's folder with src/ and its copy dst/, built once per workdir."""
    base = workdir / shape.name
    marker = base / ".complete"
    if marker.exists() and marker.read_text() == repr(shape):
        return base
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    started = time.monotonic()
    build_tree(base / "src", shape)
    # cp -a: a real copy, with the same modification times and hard links.
    subprocess.run(["cp", "-a", str(base / "src"), str(base / "dst")], check=True)
    marker.write_text(repr(shape))
    print(
        f"built {shape.name}: {shape.files:,} files in "
        f"{time.monotonic() - started:.0f} s",
        flush=True,
    )
    return base


# --- running and timing ---------------------------------------------------


def ours(base: Path, mode: str, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ssdmigrate",
        "--log-file",
        os.devnull,
        "-q",
        "verify",
        "--source",
        str(base / "src"),
        "--target",
        str(base / "dst"),
        "--mode",
        mode,
        "--no-default-excludes",
        *extra,
    ]


def commands(base: Path) -> dict[str, list[str]]:
    src, dst = str(base / "src"), str(base / "dst")
    return {
        "verify --mode full": ours(base, "full"),
        "rsync -anc": ["rsync", "-anc", "--delete", f"{src}/", f"{dst}/"],
        # For context: rsync 3.2+ checksums with xxh128; md5 was the default
        # before, and is what an older rsync (or a Mac's 2.6.9) does.
        "rsync -anc (md5)": [
            "rsync",
            "-anc",
            "--checksum-choice=md5",
            "--delete",
            f"{src}/",
            f"{dst}/",
        ],
        "diff -rq": ["diff", "-rq", src, dst],
        "verify --mode metadata": ours(base, "metadata"),
        "rsync -anHX": ["rsync", "-anHX", "--delete", f"{src}/", f"{dst}/"],
    }


def run_once(argv: list[str]) -> tuple[float, float, int]:
    """Wall time, peak resident memory (MB) and exit status of one child."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return seconds, usage.ru_maxrss * scale / MB, child.returncode


def measure(label: str, argv: list[str], repeat: int) -> Timing:
    runs = [run_once(argv) for _ in range(repeat)]
    seconds = statistics.median(r[0] for r in runs)
    timing = Timing(label, seconds, max(r[1] for r in runs), runs[-1][2])
    print(
        f"  {label:<24} {seconds:8.2f} s  peak {timing.peak_mb:6.0f} MB"
        f"  exit {timing.status}",
        flush=True,
    )
    return timing


def warm(base: Path) -> None:
    # Read every byte and every inode of both trees once, so that each tool
    # below starts from the same warm page cache.
    subprocess.run(
        ["diff", "-rq", str(base / "src"), str(base / "dst")],
        stdout=subprocess.DEVNULL,
        check=False,
    )
    subprocess.run(
        ["rsync", "-anHX", f"{base / 'src'}/", f"{base / 'dst'}/"],
        stdout=subprocess.DEVNULL,
        check=False,
    )


def bench_shape(base: Path, labels: list[str], repeat: int) -> dict[str, Timing]:
    warm(base)
    table = commands(base)
    return {label: measure(label, table[label], repeat) for label in labels}


# --- the planted differences ----------------------------------------------


def check_planted(workdir: Path) -> bool:
    """One changed byte, one missing file, one changed mode, one broken hard
    link: exactly those four, and nothing that planting them touched."""
    base = workdir / "planted"
    shutil.rmtree(base, ignore_errors=True)
    build_tree(base / "src", Shape("planted", 2_000, 64, 256 * 1024, 100), seed=7)
    first = base / "src" / "d000" / "e00"
    os.link(first / "f0000001", first / "hardlink")
    subprocess.run(["cp", "-a", str(base / "src"), str(base / "dst")], check=True)
    plant(base / "dst" / "d000")
    out = subprocess.run(ours(base, "full", "--json"), capture_output=True, text=True)
    return report_planted(json.loads(out.stdout), out.returncode)


def plant(root: Path) -> None:
    changed, gone = root / "e01" / "f0000150", root / "e02" / "f0000250"
    moded, linked = root / "e03" / "f0000350", root / "e00" / "hardlink"
    with kept_times(changed, gone.parent, linked, linked.parent):
        data = bytearray(changed.read_bytes())
        data[len(data) // 2] ^= 0x01
        changed.write_bytes(bytes(data))
        gone.unlink()
        copy = linked.read_bytes()
        linked.unlink()
        linked.write_bytes(copy)
    moded.chmod(0o600)


@contextlib.contextmanager
def kept_times(*paths: Path) -> Iterator[None]:
    """Put back the modification times that planting a difference changed."""
    saved = [(p, p.stat().st_mtime_ns) for p in paths]
    yield
    for path, mtime in saved:
        os.utime(path, ns=(mtime, mtime))


def report_planted(found: dict[str, object], status: int) -> bool:
    expected = {
        "missing": ["d000/e02/f0000250"],
        "extra": [],
        "content": ["d000/e01/f0000150"],
        "metadata": [
            ("d000/e00/hardlink", "hardlink"),
            ("d000/e03/f0000350", "mode"),
        ],
    }
    metadata = found["metadata"]
    assert isinstance(metadata, list)
    got = {key: found[key] for key in ("missing", "extra", "content")}
    got["metadata"] = sorted((d["path"], d["field"]) for d in metadata)
    ok = got == expected and status == 4
    print(f"planted differences: {'PASS' if ok else 'FAIL'} (exit {status})")
    if not ok:
        print(f"  expected {expected}\n  got      {got}")
    return ok


# --- the report -----------------------------------------------------------


def ratios(big: dict[str, Timing]) -> list[tuple[str, float, float]]:
    """(what, ratio, target): each at or under its target passes."""
    full, meta = (
        big["verify --mode full"].seconds,
        big["verify --mode metadata"].seconds,
    )
    return [
        ("full / rsync -anc", full / big["rsync -anc"].seconds, 0.75),
        ("full / diff -rq", full / big["diff -rq"].seconds, 1.0),
        ("metadata / rsync -anHX", meta / big["rsync -anHX"].seconds, 1.0),
    ]


def print_summary(
    results: dict[str, dict[str, Timing]], shapes: tuple[Shape, ...], planted: bool
) -> None:
    if "big" in results:
        print(f"\nratios on the {shapes[0].files:,}-file tree (lower is faster):")
        for what, ratio, target in ratios(results["big"]):
            verdict = "ok" if ratio <= target else "MISSED"
            print(f"  {what:<24} {ratio:5.2f}  (target <= {target:.2f}) {verdict}")
    print("growth with file count (seconds per 100,000 files):")
    for label in ("verify --mode metadata", "verify --mode full", "rsync -anHX"):
        points = [
            (shape.files, results[shape.name][label].seconds)
            for shape in shapes[1:]
            if label in results.get(shape.name, {})
        ]
        text = ", ".join(f"{n:,}: {s:.2f} s ({s / n * 1e5:.2f})" for n, s in points)
        print(f"  {label:<24} {text}")
    peaks = [
        t.peak_mb for r in results.values() for t in r.values() if "verify" in t.label
    ]
    peak = max(peaks, default=0.0)
    print(f"peak RSS of verify: {peak:.0f} MB (target < 150 MB)")
    print(f"planted differences: {'PASS' if planted else 'FAIL'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the files")
    parser.add_argument("--workdir", type=Path, help="keep and reuse trees here")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--only",
        action="append",
        metavar="SHAPE",
        help="run only these shapes (big, s100k, s1m); repeatable",
    )
    parser.add_argument(
        "--planted-only", action="store_true", help="only the correctness check"
    )
    args = parser.parse_args()
    for tool in ("rsync", "diff", "cp"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing (apt-get install -y {tool})", file=sys.stderr)
            return 2
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="verify-bench-"))
    try:
        if args.planted_only:
            return 0 if check_planted(workdir) else 1
        shapes = QUICK_SHAPES if args.quick else FULL_SHAPES
        return run_all(workdir, shapes, args.repeat, args.only)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def run_all(
    workdir: Path, shapes: tuple[Shape, ...], repeat: int, only: list[str] | None
) -> int:
    every = list(commands(workdir))
    scaling = [
        "verify --mode metadata",
        "verify --mode full",
        "rsync -anHX",
        "rsync -anc",
    ]
    results: dict[str, dict[str, Timing]] = {}
    for shape, labels in zip(shapes, (every, scaling, scaling)):
        if only and shape.name not in only:
            continue
        base = ensure_shape(workdir, shape)
        print(f"{shape.name}: {shape.files:,} files, {tree_bytes(base) / 1e9:.2f} GB")
        results[shape.name] = bench_shape(base, labels, repeat)
    planted = check_planted(workdir)
    print_summary(results, shapes, planted)
    return 0 if planted else 1


def tree_bytes(base: Path) -> int:
    total = 0
    for folder, _, files in os.walk(base / "src"):
        total += sum(os.lstat(os.path.join(folder, f)).st_size for f in files)
    return total


if __name__ == "__main__":
    sys.exit(main())
