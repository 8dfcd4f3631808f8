"""Compare the bytes of file pairs: directly (no hashes), in large reads, several
files at a time, and choose a size-weighted random sample of files to compare.
"""

from __future__ import annotations

import heapq
import math
import os
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, NamedTuple

if TYPE_CHECKING:
    from concurrent.futures import Future

CHUNK = 1 << 20
# Files up to this size are read in one os.read each and compared as bytes.
SMALL = 256 << 10
# A task is a batch of files, so the pool's cost per task (a Future, a lock, a
# queue) is shared by many small files.
BATCH_BYTES = 8 << 20
BATCH_FILES = 128
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
CHANGED = "changed during the comparison (size or modification time moved)"


class FilePair(NamedTuple):
    # A tuple, not a dataclass: one is made per file, and tuples are cheap.
    rel: str
    source: str
    target: str
    size: int
    source_mtime: int
    target_mtime: int


@dataclass
class Outcome:
    """What a batch found: only the pairs that are not equal, and the bytes read."""

    content: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    bytes_compared: int = 0
    files_compared: int = 0

    def add(self, pair: FilePair, verdict: str | None) -> None:
        if verdict == "content":
            self.content.append(pair.rel)
        elif verdict is not None:
            self.errors.append((pair.rel, verdict))
        self.bytes_compared += pair.size
        self.files_compared += 1


class Buffers:
    """Two read buffers and a way to compare their first n bytes.

    CPython compares memoryview slices byte by byte through its struct
    unpacking (about 1 GB/s), and os.read allocates a new object per read.
    So each worker reads into its own two buffers with os.readv and compares
    them with libc's memcmp, which ctypes calls without holding the GIL.
    """

    def __init__(self) -> None:
        self.source = bytearray(CHUNK)
        self.target = bytearray(CHUNK)
        self.source_view = memoryview(self.source)
        self.target_view = memoryview(self.target)
        self.same_prefix = _prefix_comparer(self.source, self.target)


def _prefix_comparer(a: bytearray, b: bytearray) -> Callable[[int], bool]:
    try:
        import ctypes

        memcmp = ctypes.CDLL(None).memcmp
    except (ImportError, OSError, AttributeError):
        # No ctypes or no libc symbol: copying the prefixes is slower but works.
        return lambda n: bytes(a[:n]) == bytes(b[:n])
    memcmp.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
    memcmp.restype = ctypes.c_int
    start_a = ctypes.addressof((ctypes.c_char * len(a)).from_buffer(a))
    start_b = ctypes.addressof((ctypes.c_char * len(b)).from_buffer(b))
    return lambda n: memcmp(start_a, start_b, n) == 0


_local = threading.local()


def _buffers() -> Buffers:
    found: Buffers | None = getattr(_local, "buffers", None)
    if found is None:
        found = _local.buffers = Buffers()
    return found


def compare_pair(pair: FilePair, buffers: Buffers | None = None) -> str | None:
    """None when equal, "content" when the bytes differ, else an error message."""
    try:
        src = os.open(pair.source, _OPEN_FLAGS)
    except OSError as exc:
        return describe_error(exc)
    try:
        return _compare_open(pair, src, buffers)
    finally:
        os.close(src)


def _compare_open(pair: FilePair, src: int, buffers: Buffers | None) -> str | None:
    try:
        dst = os.open(pair.target, _OPEN_FLAGS)
    except OSError as exc:
        return describe_error(exc)
    try:
        if pair.size <= SMALL:
            same = os.read(src, pair.size) == os.read(dst, pair.size)
        else:
            same = _same_bytes(src, dst, pair.size, buffers or _buffers())
        if _changed(pair, os.fstat(src), os.fstat(dst)):
            return CHANGED
        return None if same else "content"
    except OSError as exc:
        return describe_error(exc)
    finally:
        os.close(dst)


def _same_bytes(src: int, dst: int, size: int, buffers: Buffers) -> bool:
    # Read exactly the size seen when the folder was listed; a file that grew
    # or shrank since is caught by the fstat check after reading.
    remaining = size
    while remaining > 0:
        want = min(remaining, CHUNK)
        got = os.readv(src, [buffers.source_view[:want]])
        if os.readv(dst, [buffers.target_view[:want]]) != got:
            return False
        if not buffers.same_prefix(got):
            return False
        if got < want:
            return True  # both ended early: the fstat check reports the change
        remaining -= want
    return True


def _changed(pair: FilePair, src: os.stat_result, dst: os.stat_result) -> bool:
    return (
        src.st_size != pair.size
        or dst.st_size != pair.size
        or src.st_mtime_ns != pair.source_mtime
        or dst.st_mtime_ns != pair.target_mtime
    )


def compare_batch(batch: list[FilePair]) -> Outcome:
    outcome = Outcome()
    buffers = _buffers()
    for pair in batch:
        outcome.add(pair, compare_pair(pair, buffers))
    return outcome


def describe_error(exc: OSError) -> str:
    text = exc.strerror or str(exc)
    return f"{text}: {exc.filename}" if exc.filename else text


class InlineGate:
    """Says whether a small file is cheaper to compare right here than in the pool.

    Handing a file to a worker thread costs two GIL handovers per system call;
    when the files are in the page cache that is more than reading them. When
    inline comparisons turn slow (the disks are being read), small files go
    to the pool too, so several reads wait on the disks at once; every
    `PROBE`th one is still tried inline, to notice when the cache warms up.
    """

    SLOW_NS = 200_000
    PROBE = 64

    def __init__(self) -> None:
        self._average_ns = 0
        self._skipped = 0

    def inline(self) -> bool:
        if self._average_ns < self.SLOW_NS:
            return True
        self._skipped += 1
        return self._skipped % self.PROBE == 0

    def took(self, nanoseconds: int) -> None:
        # A running average over about the last 8 files.
        self._average_ns += (nanoseconds - self._average_ns) // 8


class ContentPool:
    """Compares file pairs: large ones on worker threads, so both disks are
    read at once; small ones inline while that is faster (see InlineGate).

    Pairs are batched; at most a few batches wait at a time, so memory stays
    flat however many files there are. `report` gets each outcome on the
    caller's thread.
    """

    def __init__(self, workers: int, report: Callable[[Outcome], None]) -> None:
        # Imported here: metadata mode needs no threads.
        from concurrent.futures import ThreadPoolExecutor

        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="verify")
        self._pending: deque[Future[Outcome]] = deque()
        self._limit = workers * 3
        self._report = report
        self._batch: list[FilePair] = []
        self._batch_bytes = 0
        self._gate = InlineGate()
        self._inline = Outcome()

    def add(self, pair: FilePair) -> None:
        if pair.size <= SMALL and self._gate.inline():
            self._compare_inline(pair)
            return
        self._batch.append(pair)
        self._batch_bytes += pair.size
        if self._batch_bytes >= BATCH_BYTES or len(self._batch) >= BATCH_FILES:
            self._submit()

    def finish(self) -> None:
        self._submit()
        while self._pending:
            self._report(self._pending.popleft().result())
        self._executor.shutdown()
        self._flush_inline()

    def close(self) -> None:
        """Stop without waiting for queued batches (after an error or Ctrl-C)."""
        for future in self._pending:
            future.cancel()
        self._executor.shutdown(wait=True)

    def _compare_inline(self, pair: FilePair) -> None:
        started = time.perf_counter_ns()
        self._inline.add(pair, compare_pair(pair))
        self._gate.took(time.perf_counter_ns() - started)
        if self._inline.files_compared >= BATCH_FILES:
            self._flush_inline()

    def _flush_inline(self) -> None:
        self._report(self._inline)
        self._inline = Outcome()

    def _submit(self) -> None:
        if not self._batch:
            return
        self._pending.append(self._executor.submit(compare_batch, self._batch))
        self._batch, self._batch_bytes = [], 0
        while len(self._pending) > self._limit:
            self._report(self._pending.popleft().result())
        while self._pending and self._pending[0].done():
            self._report(self._pending.popleft().result())


class Sampler:
    """A size-weighted random sample of `size` pairs from a stream of any length.

    Efraimidis and Spirakis' A-Res: each pair gets the key u ** (1 / weight),
    u uniform in (0, 1], and the `size` largest keys are kept. The keys are
    compared as log(u) / weight, which orders the same way and does not round
    to 0 or 1 for large weights.
    """

    def __init__(self, size: int, seed: int) -> None:
        self.size = size
        self._random = random.Random(seed)
        self._heap: list[tuple[float, int, FilePair]] = []
        self._count = 0

    def offer(self, pair: FilePair) -> None:
        if self.size <= 0 or pair.size <= 0:
            return
        key = math.log(1.0 - self._random.random()) / pair.size
        self._count += 1
        item = (key, self._count, pair)
        if len(self._heap) < self.size:
            heapq.heappush(self._heap, item)
        elif key > self._heap[0][0]:
            heapq.heapreplace(self._heap, item)

    def chosen(self) -> list[FilePair]:
        return sorted((item[2] for item in self._heap), key=lambda p: p.rel)
