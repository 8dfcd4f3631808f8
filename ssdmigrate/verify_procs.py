"""Compare file pairs in worker processes, when the tree is big enough to pay.

Threads do not help here: every read hands the GIL back and forth. Forked
workers each have their own, so the walk and the reads run on separate cores.
Pairs are held back until there are enough of them to be worth starting the
workers; a smaller tree is compared in this process, as before.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol, cast

from ssdmigrate.verify_content import FilePair, Outcome, compare_batch

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext
    from multiprocessing.process import BaseProcess

# Below both, starting the workers costs more than they save.
START_FILES = 4000
START_BYTES = 128 << 20
BATCH_FILES = 256
BATCH_BYTES = 8 << 20
# Paths sent per batch: two batches in flight stay well within a socket's
# buffer, so sending never waits for a worker that is itself waiting to send.
BATCH_TEXT = 32 << 10
IN_FLIGHT = 2


class Pool(Protocol):
    def add(self, pair: FilePair) -> None: ...

    def finish(self) -> None: ...

    def close(self) -> None: ...


class WorkerDied(Exception):
    """A worker process ended without answering (it crashed or was killed)."""


def fork_context() -> BaseContext | None:
    """The "fork" start method where it is safe, else None (compare in-process).

    macOS has fork, but its system libraries may crash in a forked child, and
    CPython 3.8 made "spawn" the default there for that reason.
    """
    if sys.platform == "darwin":
        return None
    # Imported here: metadata mode needs no workers.
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


class DeferredPool:
    """Holds pairs back until there are enough for worker processes.

    Then it starts them and hands over what it held; if the walk ends first,
    the held pairs go to `in_process()` instead.
    """

    def __init__(
        self,
        context: BaseContext,
        workers: int,
        report: Callable[[Outcome], None],
        in_process: Callable[[], Pool],
    ) -> None:
        self._context = context
        self._workers = workers
        self._report = report
        self._in_process = in_process
        self._held: list[FilePair] = []
        self._held_bytes = 0
        self._pool: Pool | None = None

    def add(self, pair: FilePair) -> None:
        if self._pool is not None:
            self._pool.add(pair)
            return
        self._held.append(pair)
        self._held_bytes += pair.size
        if len(self._held) >= START_FILES or self._held_bytes >= START_BYTES:
            self._hand_over(WorkerPool(self._context, self._workers, self._report))

    def finish(self) -> None:
        if self._pool is None:
            self._hand_over(self._in_process())
        assert self._pool is not None
        self._pool.finish()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()

    def _hand_over(self, pool: Pool) -> None:
        self._pool = pool
        held, self._held = self._held, []
        for pair in held:
            pool.add(pair)


class WorkerPool:
    """Sends batches of pairs to forked workers; `report` gets each outcome here.

    At most IN_FLIGHT batches wait per worker, so memory stays flat.
    """

    def __init__(
        self, context: BaseContext, workers: int, report: Callable[[Outcome], None]
    ) -> None:
        self._report = report
        self._conns, self._procs = _start_workers(context, max(1, workers))
        self._in_flight = dict.fromkeys(self._conns, 0)
        self._batch: list[FilePair] = []
        self._batch_bytes = 0
        self._batch_text = 0

    def add(self, pair: FilePair) -> None:
        self._batch.append(pair)
        self._batch_bytes += pair.size
        self._batch_text += len(pair.rel) + len(pair.source) + len(pair.target)
        if (
            len(self._batch) >= BATCH_FILES
            or self._batch_bytes >= BATCH_BYTES
            or self._batch_text >= BATCH_TEXT
        ):
            self._submit()

    def finish(self) -> None:
        try:
            self._submit()
            while any(self._in_flight.values()):
                self._collect(timeout=None)
        except BaseException:
            # Ctrl-C while the last batches run: stop the workers here too.
            self.close()
            raise
        # Closing our ends is the workers' signal to stop.
        for conn in self._conns:
            conn.close()
        for proc in self._procs:
            proc.join()

    def close(self) -> None:
        """Stop the workers without waiting for their batches (error or Ctrl-C)."""
        for conn in self._conns:
            conn.close()
        for proc in self._procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self._procs:
            proc.join()

    def _submit(self) -> None:
        if not self._batch:
            return
        self._collect(timeout=0)
        conn = min(self._conns, key=self._in_flight.__getitem__)
        while self._in_flight[conn] >= IN_FLIGHT:
            self._collect(timeout=None)
            conn = min(self._conns, key=self._in_flight.__getitem__)
        conn.send(self._batch)
        self._in_flight[conn] += 1
        self._batch, self._batch_bytes, self._batch_text = [], 0, 0

    def _collect(self, timeout: float | None) -> None:
        from multiprocessing.connection import wait

        busy = [conn for conn, count in self._in_flight.items() if count]
        for ready in wait(busy, timeout):
            conn = cast("Connection", ready)
            try:
                outcome = conn.recv()
            except EOFError:
                raise WorkerDied("a comparison worker process ended early") from None
            self._in_flight[conn] -= 1
            self._report(outcome)


def _start_workers(
    context: BaseContext, count: int
) -> tuple[list[Connection], list[BaseProcess]]:
    pipes = [context.Pipe() for _ in range(count)]
    ours = [mine for mine, _ in pipes]
    procs = []
    with _sigint_blocked():
        for _, theirs in pipes:
            proc = context.Process(  # type: ignore[attr-defined]
                target=_serve, args=(theirs, ours), daemon=True, name="verify"
            )
            proc.start()
            procs.append(proc)
    for _, theirs in pipes:
        theirs.close()
    return ours, procs


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    # A forked child inherits the blocked signal, so Ctrl-C during start-up
    # cannot raise KeyboardInterrupt there before _serve ignores it.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _serve(conn: Connection, parents: list[Connection]) -> None:
    """A worker: compare each batch received, until the parent closes its end."""
    # Ctrl-C reaches the whole process group; the parent alone handles it,
    # and stops the workers. Closing the parent's ends lets EOF reach us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    for parent in parents:
        parent.close()
    while True:
        try:
            batch = conn.recv()
            conn.send(compare_batch(batch))
        except (EOFError, BrokenPipeError):
            return
