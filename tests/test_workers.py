"""Page jobs run in forked workers only when the jobs left would take long in one process."""

from __future__ import annotations

import os
import time

import pytest

from cxsite import workers
from cxsite.cache import Memo, MemoryMemo


def _pid_of(job: int, memo: Memo) -> list[tuple[int, int]]:
    memo.put("jobs", str(job), b"done")
    return [(job, os.getpid())]


def _slow_pid_of(job: int, memo: Memo) -> list[tuple[int, int]]:
    time.sleep(0.02)
    return _pid_of(job, memo)


def test_many_quick_jobs_run_in_this_process() -> None:
    memo = MemoryMemo()
    prepared: list[int] = []
    results = workers.run_jobs(
        range(200), _pid_of, memo, workers=2, before_fork=lambda: prepared.append(1)
    )
    assert results == [(job, os.getpid()) for job in range(200)]
    assert len(memo.values) == 200
    assert prepared == []  # no worker, nothing prepared for one


def test_slow_jobs_are_timed_here_then_run_by_workers_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert "fork" in workers._start_methods()  # Linux, as CI runs: workers are forked
    monkeypatch.setattr(workers, "PROBE_SECONDS", 0.05)
    monkeypatch.setattr(workers, "MIN_PARALLEL_SECONDS", 0.5)
    memo = MemoryMemo()
    seen: list[int] = []
    prepared: list[int] = []  # how many jobs were done here when the workers were prepared
    results = workers.run_jobs(
        range(80),
        _slow_pid_of,
        memo,
        workers=2,
        progress=lambda done, _: seen.append(done),
        before_fork=lambda: prepared.append(len(seen)),
    )
    assert [job for job, _ in results] == list(range(80))
    here = [job for job, pid in results if pid == os.getpid()]
    assert 1 <= len(here) < 10 and here == list(range(len(here)))  # the first, timed here
    assert len({pid for _, pid in results}) > 1  # the rest in workers
    assert prepared == [len(here)]  # once, after the jobs done here and before the workers
    assert len(memo.values) == 80  # what the workers wrote is replayed here
    assert seen == sorted(seen) and seen[-1] == 80
