"""A sweep's folder: the plan, then one set of Parquet files per finished run.

    DIR/spec.toml         the experiment file as given
    DIR/metadata.json     spec hash, executor, git commit, versions, platform, seeds, times
    DIR/design.parquet    one row per design point (sample_id, varying factors)
    DIR/plan.parquet      every planned run: run_id, sample_id, replicate, seed, factors, parameters
    DIR/timeseries/RUN.parquet, DIR/registries/RUN.parquet   a finished run's tables
    DIR/runs/RUN.parquet  a finished run's record, written last: the run is done when it exists
    DIR/errors/RUN.parquet  a failed run's error and traceback

    DIR/.lock             held by the driver running the sweep (see `runs.lock`)

Every file is written to a temporary name and renamed into place, so a sweep killed at any
moment leaves only whole files; a run without its record is simply run again on resume. A
write that fails (full disk, read-only folder) removes its temporary file and raises
`StorageError`: it never turns a finished run into a failed one.

pandas is imported on first use only, so `python -m runs status` starts quickly.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq

from runs.errors import StorageError, SweepError

if TYPE_CHECKING:
    import pandas as pd

    from runs.execute import RunResult

__all__ = ["Results", "SweepStore", "check_new_folder", "check_writable", "describe", "load_results"]

TABLES = ("runs", "timeseries", "registries", "errors")
STATUSES = ("queued", "done", "failed")


@dataclass
class Results:
    """A sweep's data as pandas DataFrames, keyed by `run_id`."""

    runs: pd.DataFrame
    timeseries: pd.DataFrame
    registries: pd.DataFrame
    errors: pd.DataFrame


class SweepStore:
    """Reads and writes one sweep folder."""

    def __init__(self, folder: str | Path) -> None:
        """Open (but do not create) the folder."""
        self.folder = Path(folder)

    # --- creating ----------------------------------------------------------------------------
    def exists(self) -> bool:
        """Whether the folder already holds a sweep."""
        return (self.folder / "plan.parquet").exists()

    def create(
        self, spec_text: str, design: pd.DataFrame, plan: pd.DataFrame, metadata: dict[str, Any]
    ) -> None:
        """Write the plan before any run starts; refuse a folder that holds a sweep."""
        if self.exists():
            raise SweepError(
                f"{self.folder} already holds a sweep; use `python -m runs resume {self.folder}`"
            )
        for table in TABLES:
            (self.folder / table).mkdir(parents=True, exist_ok=True)
        _atomic_text(self.folder / "spec.toml", spec_text)
        _atomic_parquet(self.folder / "design.parquet", design)
        _atomic_parquet(self.folder / "plan.parquet", plan)
        self.write_metadata(metadata)

    def write_metadata(self, metadata: dict[str, Any]) -> None:
        """Replace metadata.json."""
        _atomic_text(self.folder / "metadata.json", json.dumps(metadata, indent=2, default=str))

    # --- recording ---------------------------------------------------------------------------
    def record(self, result: RunResult, execution: str = "") -> None:
        """Write one finished run at once: its tables first, its record (or error) last.

        `execution` (the id of the driver's execution in metadata.json) is kept in the record,
        so every execution's count of runs can be rebuilt, even one that was killed.
        """
        try:
            self._record(result, execution)
        except OSError as exc:
            raise StorageError(
                f"cannot write the results of run {result.task.run_id} into {self.folder}: "
                f"{exc.strerror or exc}"
            ) from exc

    def _record(self, result: RunResult, execution: str) -> None:
        import pandas as pd

        run_id = result.task.run_id
        if result.status == "done":
            for table, frame in (("timeseries", result.timeseries), ("registries", result.registries)):
                if frame is not None:
                    _atomic_parquet(self.folder / table / f"{run_id}.parquet", frame)
            record = {
                "run_id": run_id,
                "status": "done",
                "duration": result.duration,
                "execution": execution,
                **{f"final_{k}": v for k, v in result.final.items()},
            }
            _atomic_parquet(self.folder / "runs" / f"{run_id}.parquet", pd.DataFrame([record]))
            (self.folder / "errors" / f"{run_id}.parquet").unlink(missing_ok=True)
        else:
            error = {
                "run_id": run_id,
                "sample_id": result.task.sample_id,
                "replicate": result.task.replicate,
                "seed": result.task.seed,
                "execution": execution,
                "error": result.error,
                "traceback": result.traceback,
            }
            _atomic_parquet(self.folder / "errors" / f"{run_id}.parquet", pd.DataFrame([error]))

    # --- reading -----------------------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        """The sweep's metadata."""
        return json.loads((self.folder / "metadata.json").read_text())

    def spec_text(self) -> str:
        """The experiment file as given."""
        return (self.folder / "spec.toml").read_text(encoding="utf-8")

    def plan(self) -> pd.DataFrame:
        """Every planned run."""
        return pq.read_table(self.folder / "plan.parquet").to_pandas()

    def planned_ids(self) -> list[str]:
        """The run ids of the plan, in plan order (without pandas)."""
        return pq.ParquetFile(self.folder / "plan.parquet").read(columns=["run_id"]).column(0).to_pylist()

    def design(self) -> pd.DataFrame:
        """The design points."""
        return pq.read_table(self.folder / "design.parquet").to_pandas()

    def executions_of_records(self) -> dict[str, int]:
        """Runs recorded (done or failed) per execution id, from the records themselves."""
        counts: dict[str, int] = {}
        for table in ("runs", "errors"):
            for path in (self.folder / table).glob("*.parquet"):
                try:
                    column = pq.ParquetFile(path).read(columns=["execution"]).column(0).to_pylist()
                except (KeyError, OSError, ValueError):
                    continue  # a record written before executions were recorded
                for execution in column:
                    counts[execution] = counts.get(execution, 0) + 1
        return counts

    def done_ids(self) -> set[str]:
        """Runs whose record exists."""
        return {p.stem for p in (self.folder / "runs").glob("*.parquet")}

    def failed_ids(self) -> set[str]:
        """Runs with an error and no record."""
        return {p.stem for p in (self.folder / "errors").glob("*.parquet")} - self.done_ids()

    def status(self) -> dict[str, int]:
        """Counts of queued, done and failed runs."""
        planned = set(self.planned_ids())
        done, failed = self.done_ids() & planned, self.failed_ids() & planned
        counts = {"queued": len(planned - done - failed), "done": len(done), "failed": len(failed)}
        return {status: counts[status] for status in STATUSES}

    def load(self) -> Results:
        """Every table, in plan order; only finished runs' data (a killed run's leftovers are ignored)."""
        if not self.exists():
            raise SweepError(f"{self.folder} holds no sweep (no plan.parquet)")
        plan = self.plan()
        order = {run_id: i for i, run_id in enumerate(plan.run_id)}
        done, failed = self.done_ids(), self.failed_ids()
        records = _read_many(self.folder / "runs", done)
        runs = plan.merge(records.drop(columns="status"), on="run_id", how="left") if len(records) else plan
        runs["status"] = ["done" if r in done else "failed" if r in failed else "queued" for r in runs.run_id]
        timeseries = _read_many(self.folder / "timeseries", done)
        registries = _read_many(self.folder / "registries", done)
        errors = _read_many(self.folder / "errors", failed)
        return Results(
            runs=runs.reset_index(drop=True),
            timeseries=_in_plan_order(timeseries, order, ["step", "metric"]),
            registries=_in_plan_order(registries, order, ["step", "registry"]),
            errors=_in_plan_order(errors, order, []),
        )


def load_results(folder: str | Path) -> Results:
    """A sweep's data: `.runs`, `.timeseries`, `.registries`, `.errors` (pandas DataFrames)."""
    return SweepStore(folder).load()


def describe(out: str | Path) -> str:
    """One line: the sweep's counts of queued, done and failed runs (`python -m runs status`)."""
    store = SweepStore(out)
    if not store.exists():
        raise SweepError(f"{out} holds no sweep (no plan.parquet)")
    counts = store.status()
    name = store.metadata().get("experiment", "?")
    listed = ", ".join(f"{n} {status}" for status, n in counts.items())
    line = f"{name}: {listed} (of {sum(counts.values())} planned)"
    from runs.lock import FolderLock

    holder, alive = FolderLock(out).holder()
    if alive:
        return f"{line}; running now ({holder})"
    if holder and counts["queued"]:
        return f"{line}; its driver ({holder}) was killed: `python -m runs resume {out}` finishes it"
    return line


def check_new_folder(folder: str | Path, option: str = "--out") -> None:
    """Refuse a path that is a file, a non-empty folder without a plan, or not writable."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise SweepError(f"{option} {folder} is a file; give a new or empty folder")
    if folder.is_dir() and not (folder / "plan.parquet").exists() and any(folder.iterdir()):
        raise SweepError(f"{option} {folder} is not empty and holds no sweep; give a new or empty folder")
    check_writable(folder, f"{option} {folder}")


def check_writable(folder: str | Path, label: str) -> None:
    """Refuse a folder that cannot be created or written to (tried, not guessed: root ignores modes).

    `label` names what the user gave, e.g. ``--out results/x``.
    """
    existing = Path(folder).absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise SweepError(f"{label}: {existing} is a file, not a folder")
    probe = existing / f".write-test-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise SweepError(f"{label}: cannot write in {existing} ({exc.strerror or exc})") from None


def _read_many(folder: Path, ids: set[str]) -> pd.DataFrame:
    import pandas as pd

    frames = [
        pd.read_parquet(folder / f"{run_id}.parquet")
        for run_id in sorted(ids)
        if (folder / f"{run_id}.parquet").exists()
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _in_plan_order(frame: pd.DataFrame, order: dict[str, int], within: list[str]) -> pd.DataFrame:
    if frame.empty:
        return frame
    key = frame.run_id.map(order)
    sorter = frame.assign(_order=key).sort_values(["_order", *within], kind="stable")
    return sorter.drop(columns="_order").reset_index(drop=True)


def _atomic_parquet(path: Path, frame: pd.DataFrame) -> None:
    import pyarrow as pa

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
        raise


def _atomic_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
