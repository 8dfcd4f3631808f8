"""Compare a clone with its source, file by file: the engine behind `verify`.

Three depths: `metadata` compares every entry's type, size, mode, owner,
group, modification time, symlink target, hard links, extended attributes
and BSD flags; `sample` adds the bytes of a size-weighted random sample of
files; `full` adds every byte. Paths in the result are relative to the roots.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ssdmigrate.errors import SsdmigrateError
from ssdmigrate.verify_content import ContentPool, Outcome, Sampler
from ssdmigrate.verify_excludes import DEFAULT_EXCLUDES, Excludes, build_excludes
from ssdmigrate.verify_procs import DeferredPool, Pool, fork_context
from ssdmigrate.verify_result import EntryError, VerifyResult, VerifyStats
from ssdmigrate.verify_walk import Folder, TreeWalk

__all__ = [
    "DEFAULT_EXCLUDES",
    "DEFAULT_SAMPLE",
    "MODES",
    "Excludes",
    "VerifyFailed",
    "VerifyOptions",
    "VerifyResult",
    "build_excludes",
    "compare_trees",
]

MODES = ("metadata", "sample", "full")
DEFAULT_SAMPLE = 1000


class VerifyFailed(SsdmigrateError):
    """The comparison itself could not run (a root is missing, say)."""


@dataclass
class VerifyOptions:
    mode: str = "metadata"
    sample: int = DEFAULT_SAMPLE
    seed: int | None = None
    excludes: Excludes = field(default_factory=lambda: Excludes(()))
    workers: int = 0  # 0: chosen from the number of CPUs


def compare_trees(
    source: str | Path,
    target: str | Path,
    options: VerifyOptions | None = None,
    *,
    on_start: Callable[[VerifyResult], None] | None = None,
) -> VerifyResult:
    """Compare `target` with `source`. `on_start` gets the live result (progress)."""
    options = options or VerifyOptions()
    src, dst = _root(source, "source"), _root(target, "target")
    result = VerifyResult(src, dst, _stats(options))
    if on_start is not None:
        on_start(result)
    started = time.monotonic()
    root = Folder("", src, dst, options.excludes.root)
    _run_mode(result, root, options)
    result.stats.seconds = round(time.monotonic() - started, 3)
    result.sort()
    return result


def _stats(options: VerifyOptions) -> VerifyStats:
    if options.mode not in MODES:
        raise VerifyFailed(f"unknown mode {options.mode!r} (one of {', '.join(MODES)})")
    if options.mode != "sample":
        return VerifyStats(options.mode)
    seed = options.seed
    if seed is None:
        import secrets

        seed = secrets.randbelow(2**32)
    return VerifyStats(options.mode, seed=seed, sample=options.sample)


def _root(path: str | Path, which: str) -> str:
    text = os.fspath(path)
    if not os.path.exists(text):
        raise VerifyFailed(f"the {which} {text} does not exist")
    if not os.path.isdir(text):
        raise VerifyFailed(f"the {which} {text} is not a folder")
    return text


def _run_mode(result: VerifyResult, root: Folder, options: VerifyOptions) -> None:
    if options.mode == "metadata":
        TreeWalk(result, None).run(root)
        return
    with _pool(result, options.workers) as pool:
        if options.mode == "full":
            TreeWalk(result, pool.add).run(root)
            return
        assert result.stats.seed is not None
        sampler = Sampler(options.sample, result.stats.seed)
        TreeWalk(result, sampler.offer).run(root)
        for pair in sampler.chosen():
            pool.add(pair)


@contextmanager
def _pool(result: VerifyResult, workers: int) -> Iterator[Pool]:
    report = _collector(result)

    def in_process() -> Pool:
        return ContentPool(workers or _default_workers(), report)

    context = fork_context()
    pool = (
        in_process()
        if context is None
        else DeferredPool(context, workers or os.cpu_count() or 1, report, in_process)
    )
    try:
        yield pool
    except BaseException:
        pool.close()
        raise
    pool.finish()


def _default_workers() -> int:
    # Reads from two disks: a few requests in flight per disk keep each busy,
    # more only add switching between threads.
    return min(8, max(4, 2 * (os.cpu_count() or 1)))


def _collector(result: VerifyResult) -> Callable[[Outcome], None]:
    def collect(outcome: Outcome) -> None:
        result.content.extend(outcome.content)
        result.errors.extend(EntryError(rel, error) for rel, error in outcome.errors)
        result.stats.bytes_compared += outcome.bytes_compared
        result.stats.files_compared += outcome.files_compared

    return collect
