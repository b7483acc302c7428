"""A sweep's folder: the plan, then one set of Parquet files per finished run, each checked when read.

    DIR/spec.toml         the experiment file as run (written first)
    DIR/design.parquet    one row per design point (sample_id, varying factors)
    DIR/plan.parquet      every planned run: run_id, sample_id, replicate, seed, factors, parameters
    DIR/metadata.json     spec hash, executions, git commit, versions, platform, seeds, times
    DIR/timeseries/RUN.parquet, DIR/registries/RUN.parquet   a finished run's tables
    DIR/runs/RUN.parquet  a finished run's record, written last, with the SHA-256 of its tables:
                          the run is done when its record exists and every checksum holds
    DIR/runs/RUN.sha256   the record's own SHA-256, written just before it (a record edited
                          later fails it; a record without one, from an older sweep, is read as is)
    DIR/errors/RUN.parquet  a failed run's error and traceback (and its RUN.sha256)
    DIR/corrupt/          files found damaged, moved aside by `resume` before it runs them again

    DIR/.lock             held by the driver running the sweep (see `runs.lock`)

Every file is written whole or not at all (`runs.files`), so a sweep killed at any moment
leaves only whole files; a run without its record is simply run again on resume. A write that
fails (full disk, read-only folder) raises `StorageError`: it never turns a finished run into
a failed one. A file damaged afterwards (truncated, overwritten) fails its checksum: `status`
counts its run as corrupt, `resume` runs it again, and reading the results names the file.

pandas is imported on first use only, so `python -m runs status` starts quickly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runs.errors import StorageError, SweepError
from runs.files import (
    CorruptFile,
    parquet_bytes,
    read_checked,
    read_parquet,
    sha256,
    write_atomic,
    write_parquet,
    write_text,
)

if TYPE_CHECKING:
    import pandas as pd

    from runs.execute import RunResult

__all__ = ["Census", "Results", "SweepStore", "load_results"]

TABLES = ("runs", "timeseries", "registries", "errors")
DATA = ("timeseries", "registries")  # a finished run's tables, checked against its record
STATUSES = ("queued", "done", "failed")


@dataclass
class Results:
    """A sweep's data as pandas DataFrames, keyed by `run_id`."""

    runs: pd.DataFrame
    timeseries: pd.DataFrame
    registries: pd.DataFrame
    errors: pd.DataFrame


@dataclass
class Census:
    """Which planned runs are done, failed, corrupt (damaged files: to be run again) or queued."""

    planned: list[str]
    done: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    corrupt: dict[str, CorruptFile] = field(default_factory=dict)  # run id -> its first damaged file

    def counts(self) -> dict[str, int]:
        """Queued (corrupt runs included: they will run again), done and failed."""
        queued = len(self.planned) - len(self.done) - len(self.failed)
        return {"queued": queued, "done": len(self.done), "failed": len(self.failed)}


class SweepStore:
    """Reads and writes one sweep folder."""

    def __init__(self, folder: str | Path) -> None:
        """Open (but do not create) the folder."""
        self.folder = Path(folder)

    # --- creating ----------------------------------------------------------------------------
    def exists(self) -> bool:
        """Whether the folder holds a planned sweep (its plan, possibly damaged, is there)."""
        return (self.folder / "plan.parquet").exists()

    def begun(self) -> bool:
        """Whether a sweep was at least begun here: its spec.toml (written first), plan or metadata.

        metadata.json keeps a copy of the spec: with spec.toml and the plan both lost, `resume`
        still rebuilds the sweep from it.
        """
        return self.exists() or any((self.folder / n).exists() for n in ("spec.toml", "metadata.json"))

    def create(
        self, spec_text: str, design: pd.DataFrame, plan: pd.DataFrame, metadata: dict[str, Any]
    ) -> None:
        """Write the plan before any run starts: spec.toml first, the plan last but metadata."""
        for table in TABLES:
            (self.folder / table).mkdir(parents=True, exist_ok=True)
        write_text(self.folder / "spec.toml", spec_text)
        self.write_plan(design, plan)
        self.write_metadata(metadata)

    def write_plan(self, design: pd.DataFrame, plan: pd.DataFrame) -> None:
        """Write (or rebuild) design.parquet and plan.parquet."""
        write_parquet(self.folder / "design.parquet", design)
        write_parquet(self.folder / "plan.parquet", plan)

    def write_metadata(self, metadata: dict[str, Any]) -> None:
        """Replace metadata.json."""
        write_text(self.folder / "metadata.json", json.dumps(metadata, indent=2, default=str))

    # --- recording ---------------------------------------------------------------------------
    def record(self, result: RunResult, execution: str = "") -> None:
        """Write one finished run at once: its tables first, its record (or error) last.

        `execution` (the id of the driver's execution in metadata.json) is kept in the record,
        so every execution's count of runs can be rebuilt, even one that was killed.
        """
        try:
            self._record(result, execution)
        except StorageError as exc:
            reason = str(exc.__cause__.strerror if isinstance(exc.__cause__, OSError) else exc)
            raise StorageError(
                f"cannot write the results of run {result.task.run_id} into {self.folder}: {reason}"
            ) from exc

    def _record(self, result: RunResult, execution: str) -> None:
        import pandas as pd

        run_id = result.task.run_id
        if result.status != "done":
            error = {
                "run_id": run_id,
                "sample_id": result.task.sample_id,
                "replicate": result.task.replicate,
                "seed": result.task.seed,
                "execution": execution,
                "error": result.error,
                "traceback": result.traceback,
            }
            _write_record(self.folder / "errors" / f"{run_id}.parquet", pd.DataFrame([error]))
            return
        checksums = {}
        for table, frame in (("timeseries", result.timeseries), ("registries", result.registries)):
            if frame is not None:
                checksums[f"sha256_{table}"] = write_parquet(self.folder / table / f"{run_id}.parquet", frame)
        record = {
            "run_id": run_id,
            "status": "done",
            "duration": result.duration,
            "execution": execution,
            **checksums,
            **{f"final_{k}": v for k, v in result.final.items()},
        }
        _write_record(self.folder / "runs" / f"{run_id}.parquet", pd.DataFrame([record]))
        (self.folder / "errors" / f"{run_id}.parquet").unlink(missing_ok=True)
        _checksum_of(self.folder / "errors" / f"{run_id}.parquet").unlink(missing_ok=True)

    # --- reading the plan --------------------------------------------------------------------
    def _unreadable(self, name: str, reason: str) -> SweepError:
        return SweepError(
            f"{self.folder / name} is unreadable ({reason}); "
            f"`python -m runs resume {self.folder}` rebuilds it from the experiment"
        )

    def metadata(self) -> dict[str, Any]:
        """The sweep's metadata; `SweepError` saying how to rebuild it if it is missing or damaged."""
        path = self.folder / "metadata.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise self._unreadable("metadata.json", "missing") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self._unreadable("metadata.json", str(exc).splitlines()[0]) from None
        if not isinstance(data, dict):
            raise self._unreadable("metadata.json", "not a JSON object")
        return data

    def spec_text(self) -> str:
        """The experiment file as run."""
        try:
            return (self.folder / "spec.toml").read_text(encoding="utf-8")
        except FileNotFoundError:
            raise self._unreadable("spec.toml", "missing") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise self._unreadable("spec.toml", str(exc).splitlines()[0]) from None

    def _table(self, name: str, columns: list[str] | None = None) -> Any:
        try:
            return read_parquet(self.folder / name, columns=columns)
        except CorruptFile as exc:
            raise self._unreadable(name, exc.reason) from None

    def plan(self) -> pd.DataFrame:
        """Every planned run."""
        return self._table("plan.parquet").to_pandas(use_threads=False)

    def planned_ids(self) -> list[str]:
        """The run ids of the plan, in plan order (without pandas)."""
        return self._table("plan.parquet", ["run_id"]).column(0).to_pylist()

    def design(self) -> pd.DataFrame:
        """The design points."""
        return self._table("design.parquet").to_pandas(use_threads=False)

    # --- reading the runs --------------------------------------------------------------------
    def _record_of(self, run_id: str, *, check_tables: bool = True) -> dict[str, Any]:
        """A done run's record, its tables checked against it; `CorruptFile` names the first bad file."""
        path = self.folder / "runs" / f"{run_id}.parquet"
        rows = _read_record(path).to_pylist()
        if len(rows) != 1 or rows[0].get("run_id") != run_id or rows[0].get("status") != "done":
            raise CorruptFile(path, "it is not the record of this run")
        record = rows[0]
        for table in DATA if check_tables else ():
            checksum = record.get(f"sha256_{table}")
            if checksum is not None:
                read_checked(self.folder / table / f"{run_id}.parquet", checksum)
        return record

    def census(self) -> Census:
        """Every planned run's state, each finished run's files checked."""
        planned = self.planned_ids()
        census = Census(planned)
        recorded = {p.stem for p in (self.folder / "runs").glob("*.parquet")}
        errors = {p.stem for p in (self.folder / "errors").glob("*.parquet")}
        for run_id in planned:
            if run_id in recorded:
                try:
                    self._record_of(run_id)
                    census.done.add(run_id)
                    continue
                except CorruptFile as exc:
                    census.corrupt[run_id] = exc
            if run_id in errors:
                try:
                    _read_record(self.folder / "errors" / f"{run_id}.parquet", columns=["run_id"])
                    if run_id not in census.corrupt:
                        census.failed.add(run_id)
                except CorruptFile as exc:
                    census.corrupt.setdefault(run_id, exc)
        return census

    def status(self) -> dict[str, int]:
        """Counts of queued (corrupt included), done and failed runs."""
        return self.census().counts()

    def quarantine(self, run_ids: set[str] | dict[str, Any]) -> None:
        """Move every file of these runs into DIR/corrupt/ (kept to look at), so that they run again."""
        target = self.folder / "corrupt"
        for run_id in run_ids:
            for table in TABLES:
                record = self.folder / table / f"{run_id}.parquet"
                for path in (record, _checksum_of(record)):
                    if not path.exists():
                        continue
                    target.mkdir(exist_ok=True)
                    try:
                        path.replace(target / f"{table}-{path.name}")
                    except OSError as exc:
                        raise StorageError(f"cannot move {path} aside: {exc.strerror or exc}") from exc

    def executions_of_records(self) -> dict[str, int]:
        """Runs recorded (done or failed) per execution id, from the records themselves."""
        counts: dict[str, int] = {}
        for table in ("runs", "errors"):
            for path in (self.folder / table).glob("*.parquet"):
                try:
                    column = _read_record(path, columns=["execution"]).column(0).to_pylist()
                except (CorruptFile, KeyError):
                    continue  # damaged, or written before executions were recorded
                for execution in column:
                    counts[execution] = counts.get(execution, 0) + 1
        return counts

    def read_run(self, run_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """A done run's record and tables (pyarrow), each file checked as it is read."""
        record = self._record_of(run_id, check_tables=False)
        tables = {}
        for table in DATA:
            checksum = record.get(f"sha256_{table}")
            path = self.folder / table / f"{run_id}.parquet"
            if checksum is not None or path.exists():  # records written before checksums: read as they are
                tables[table] = read_parquet(path, checksum)
        return record, tables

    def load(self) -> Results:
        """Every table, in plan order; only finished runs' data. A damaged file is named (`SweepError`)."""
        import pandas as pd

        if not self.exists():
            raise SweepError(f"{self.folder} holds no sweep (no plan.parquet)")
        plan = self.plan()
        recorded = {p.stem for p in (self.folder / "runs").glob("*.parquet")}
        records, data, corrupt = [], {table: [] for table in DATA}, []
        for run_id in sorted(set(plan.run_id) & recorded):
            try:
                record, tables = self.read_run(run_id)
            except CorruptFile as exc:
                corrupt.append(exc)
                continue
            records.append(record)
            for table, content in tables.items():
                data[table].append(content)
        failed = set(plan.run_id) - {r["run_id"] for r in records} - {e.path.stem for e in corrupt}
        errors = []
        for path in sorted((self.folder / "errors").glob("*.parquet")):
            if path.stem in failed:
                try:
                    errors.append(_read_record(path))
                except CorruptFile as exc:
                    corrupt.append(exc)
        if corrupt:
            more = f" (and {len(corrupt) - 1} more)" if len(corrupt) > 1 else ""
            raise SweepError(
                f"{corrupt[0]}{more}; `python -m runs resume {self.folder}` moves the damaged files "
                "aside and runs those runs again"
            )
        order = {run_id: i for i, run_id in enumerate(plan.run_id)}
        done = {r["run_id"] for r in records}
        state = dict.fromkeys(done, "done") | dict.fromkeys(
            {t.column("run_id")[0].as_py() for t in errors}, "failed"
        )
        frame = pd.DataFrame(records)
        drop = ["status", *(c for c in frame.columns if c.startswith("sha256_"))]
        runs = plan.merge(frame.drop(columns=drop), on="run_id", how="left") if len(frame) else plan
        runs["status"] = [state.get(r, "queued") for r in runs.run_id]
        return Results(
            runs=runs.reset_index(drop=True),
            timeseries=_in_plan_order(_concat(data["timeseries"]), order, ["step", "metric"]),
            registries=_in_plan_order(_concat(data["registries"]), order, ["step", "registry"]),
            errors=_in_plan_order(_concat(errors), order, []),
        )


def _checksum_of(record: Path) -> Path:
    """Where a record's own SHA-256 is kept: beside it (RUN.sha256)."""
    return record.with_suffix(".sha256")


def _write_record(path: Path, frame: pd.DataFrame) -> None:
    """A run's record, its checksum first: killed between the two, the run has no record and runs again."""
    data = parquet_bytes(frame)
    write_text(_checksum_of(path), sha256(data))
    write_atomic(path, data)


def _read_record(path: Path, columns: list[str] | None = None) -> Any:
    """A run's record, checked against its own checksum (if it has one: older sweeps' records don't)."""
    try:
        checksum = _checksum_of(path).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        checksum = None
    except (OSError, UnicodeDecodeError) as exc:
        raise CorruptFile(_checksum_of(path), f"unreadable: {exc}") from None
    return read_parquet(path, checksum, columns)


def load_results(folder: str | Path) -> Results:
    """A sweep's data: `.runs`, `.timeseries`, `.registries`, `.errors` (pandas DataFrames)."""
    return SweepStore(folder).load()


def _concat(tables: list[Any]) -> pd.DataFrame:
    """Pyarrow tables (one per run) as one DataFrame."""
    import pandas as pd
    import pyarrow as pa

    if not tables:
        return pd.DataFrame()
    return pa.concat_tables(tables, promote_options="default").to_pandas(use_threads=False)


def _in_plan_order(frame: pd.DataFrame, order: dict[str, int], within: list[str]) -> pd.DataFrame:
    if frame.empty:
        return frame
    key = frame.run_id.map(order)
    sorter = frame.assign(_order=key).sort_values(["_order", *within], kind="stable")
    return sorter.drop(columns="_order").reset_index(drop=True)
