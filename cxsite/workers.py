"""Run a build's page jobs in worker processes, forked once the shared state is ready.

Rendering is pure Python (Jinja, markdown-it), so threads would wait on each other; forked
processes share the project, the scores and the compiled templates without pickling them.
Only job ids go in and rendered pages come out. Each worker reads the cache through its own
connection and records what it read and wrote; the parent replays those records, so the
cache ends exactly as a one-process build leaves it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from cxsite.cache import Memo, MemoRecord

Job = TypeVar("Job")
Result = TypeVar("Result")

# Below this many jobs, starting workers costs more than it saves.
MIN_PARALLEL_JOBS = 64
# The first jobs run in this process for this long, to time them; workers start only when
# the jobs left would take longer than MIN_PARALLEL_SECONDS here. A worker redoes what no job
# here has done yet (compiling a template its pages use), a few tenths of a second.
PROBE_SECONDS = 0.2
MIN_PARALLEL_SECONDS = 1.0
CHUNKS_PER_WORKER = 8


def default_workers() -> int:
    """One worker per core this process may use (CXSITE_WORKERS overrides; 1 turns it off)."""
    override = os.environ.get("CXSITE_WORKERS", "").strip()
    if override.isdigit() and int(override) > 0:
        return int(override)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _RecordingMemo:
    """A worker's memo: reads from its own view, keeps what it found, missed and wrote."""

    def __init__(self, source: Memo) -> None:
        self.source = source
        self.found: list[tuple[str, str]] = []
        self.missed = 0
        self.written: list[tuple[str, str, bytes]] = []

    def get(self, namespace: str, key: str) -> bytes | None:
        value = self.source.get(namespace, key)
        if value is None:
            self.missed += 1
        else:
            self.found.append((namespace, key))
        return value

    def put(self, namespace: str, key: str, value: bytes) -> None:
        self.written.append((namespace, key, value))

    def has(self, namespace: str, key: str) -> bool:
        return self.get(namespace, key) is not None

    def reader(self) -> Callable[[], Memo]:
        return self.source.reader()

    def replay(self, record: MemoRecord) -> None:
        found, missed, written = record
        self.found.extend(found)
        self.missed += missed
        self.written.extend(written)

    def record(self) -> MemoRecord:
        record: MemoRecord = (self.found, self.missed, self.written)
        self.found, self.missed, self.written = [], 0, []
        return record


class _Task(Generic[Job, Result]):
    """What every worker inherits: the work function and how to open the memo."""

    def __init__(self, work: Callable[[Job, Memo], list[Result]], open_memo: Callable[[], Memo]):
        self.work = work
        self.open_memo = open_memo
        self.memo: _RecordingMemo | None = None

    def run(self, chunk: Sequence[Job]) -> tuple[list[Result], MemoRecord]:
        if self.memo is None:  # first chunk in this worker: open its own view of the cache
            self.memo = _RecordingMemo(self.open_memo())
        results = [result for job in chunk for result in self.work(job, self.memo)]
        return results, self.memo.record()


_task: _Task[object, object] | None = None


def _run_chunk(chunk: Sequence[object]) -> tuple[list[object], MemoRecord]:
    assert _task is not None, "workers are forked after the task is set"
    return _task.run(chunk)


def run_jobs(
    jobs: Sequence[Job],
    work: Callable[[Job, Memo], list[Result]],
    memo: Memo,
    *,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
    before_fork: Callable[[], None] | None = None,
) -> list[Result]:
    """`work(job, memo)` for every job, results in job order, in up to `workers` processes.

    The first jobs run here: they compile the templates and fill the caches that forked
    workers then share, and they tell how long a job takes, so a build of a few pages never
    pays for starting workers. `before_fork` prepares what the workers will all need, so
    that they share it rather than each making it.
    """
    results: list[Result] = []
    parallel = workers > 1 and len(jobs) >= MIN_PARALLEL_JOBS and "fork" in _start_methods()
    started = time.perf_counter()
    done = 0
    while done < len(jobs):
        elapsed = time.perf_counter() - started
        if parallel and done and elapsed >= PROBE_SECONDS:
            if elapsed / done * (len(jobs) - done) >= MIN_PARALLEL_SECONDS:
                break
            parallel = False
        results.extend(work(jobs[done], memo))
        done += 1
        if progress is not None:
            progress(done, len(jobs))
    if done < len(jobs):
        if before_fork is not None:
            before_fork()
        results.extend(_run_in_workers(jobs, done, work, memo, workers, progress))
    return results


def _run_in_workers(
    jobs: Sequence[Job],
    first: int,
    work: Callable[[Job, Memo], list[Result]],
    memo: Memo,
    workers: int,
    progress: Callable[[int, int], None] | None,
) -> list[Result]:
    """`work` for the jobs from `first` on, in forked workers; their memo records replayed."""
    results: list[Result] = []
    global _task
    left = jobs[first:]
    size = max(1, len(left) // (workers * CHUNKS_PER_WORKER))
    chunks = [left[start : start + size] for start in range(0, len(left), size)]
    records: list[MemoRecord] = []
    _task = _Task(work, memo.reader())  # type: ignore[arg-type]
    # Objects made so far are never collected in the workers: frozen, the collector leaves
    # them alone, so the memory pages they share with this process are not copied.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = first
            for chunk_results, record in pool.imap(_run_chunk, chunks):
                results.extend(chunk_results)  # type: ignore[arg-type]
                records.append(record)
                done += size
                if progress is not None:
                    progress(min(done, len(jobs)), len(jobs))
    finally:
        gc.unfreeze()
        _task = None
    for record in records:  # after the workers stop: no writer while they read
        memo.replay(record)
    return results


def _start_methods() -> list[str]:
    return multiprocessing.get_all_start_methods()
