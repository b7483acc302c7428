"""The driver's recovery from broken process pools, with executors that break on command."""

from __future__ import annotations

import concurrent.futures as cf
from concurrent.futures.process import BrokenProcessPool

from runs.execute import RunResult, RunTask, run_tasks


def task(i: int) -> RunTask:
    return RunTask(f"r{i}", i, 0, i, "status_quo", {}, 1)


class Pool(cf.Executor):
    """Runs tasks at once; a culprit's run breaks the pool and every future in it."""

    def __init__(self, culprits: set[str], break_on_submit_after: int | None = None) -> None:
        self.culprits, self.broken, self.futures = culprits, False, []
        self.submits, self.break_on_submit_after = 0, break_on_submit_after

    def submit(self, fn, task):
        self.submits += 1
        if self.broken or (
            self.break_on_submit_after is not None and self.submits > self.break_on_submit_after
        ):
            self.broken = True
            raise BrokenProcessPool("pool is broken")
        future: cf.Future = cf.Future()
        self.futures.append((future, task))
        if task.run_id in self.culprits:
            self.broken = True
            for f, _ in self.futures:
                if not f.done():
                    f.set_exception(BrokenProcessPool("a worker died"))
        return future

    def settle(self) -> None:
        for f, t in self.futures:
            if not f.done():
                f.set_result(RunResult(t, "done", 0.0))


class Settling(Pool):
    def submit(self, fn, task):
        future = super().submit(fn, task)
        if not self.broken:
            self.settle()
        return future


def run(tasks, culprits, in_flight=4, **kwargs):
    results: dict[str, str] = {}
    pools = []

    def reopen():
        pools.append(Settling(culprits, **kwargs))
        return pools[-1]

    run_tasks(
        tasks,
        reopen(),
        lambda r: results.__setitem__(r.task.run_id, r.status),
        in_flight=in_flight,
        reopen=reopen,
    )
    return results, pools


def test_only_the_run_that_kills_its_worker_fails():
    tasks = [task(i) for i in range(10)]
    results, pools = run(tasks, culprits={"r3", "r7"})
    assert results == {f"r{i}": ("failed" if i in (3, 7) else "done") for i in range(10)}
    assert len(pools) > 2  # fresh pools after each break


def test_a_pool_that_breaks_between_runs_is_replaced():
    tasks = [task(i) for i in range(6)]
    results, _ = run(tasks, culprits=set(), break_on_submit_after=3)
    assert results == {f"r{i}": "done" for i in range(6)}


def test_without_a_way_to_reopen_the_rest_fail_but_nothing_hangs():
    tasks = [task(i) for i in range(5)]
    results: dict[str, str] = {}
    run_tasks(tasks, Settling({"r1"}), lambda r: results.__setitem__(r.task.run_id, r.status), in_flight=1)
    assert results == {"r0": "done", "r1": "failed", "r2": "failed", "r3": "failed", "r4": "failed"}
