"""Issue 21, "Why" 3 and 4: damaged files are found, named in one line, and repaired or run again.

Every finished run's files carry the SHA-256 recorded when they were written: a truncated or
overwritten file is never counted as done. `status` names the run, `resume` moves its files
aside and runs it again, and reading the results names the file instead of raising pyarrow's
error. The plan and metadata.json are rebuilt from the experiment; spec.toml from
metadata.json. A folder whose planning was cut short is resumable or cleanly reusable.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from runs import load_results
from runs.cli import main
from runs.errors import SweepError
from runs.store import SweepStore
from tests.test_runs_faults import TEXT, nothing_misrecorded, same_data


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("integrity")
    spec = folder / "exp.toml"
    spec.write_text(TEXT.format(steps=3, scale=0.002, extra=""))
    assert main(["sweep", str(spec), "--out", str(folder / "out"), "--executor", "serial"]) == 0
    return spec, folder / "out"


@pytest.fixture
def copy(reference, tmp_path) -> Path:
    out = tmp_path / "copy"
    shutil.copytree(reference[1], out)
    return out


def first_run(out: Path) -> str:
    return sorted(p.stem for p in (out / "runs").glob("*.parquet"))[0]


def one_error_line(argv: list[str], capsys, code: int = 2) -> str:
    assert main(argv) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def resumed_equals_reference(reference, out: Path, capsys) -> None:
    assert main(["resume", str(out), "--executor", "serial"]) == 0
    capsys.readouterr()
    nothing_misrecorded(out)
    same_data(reference[1], out)


@pytest.mark.parametrize(
    ("table", "damage"),
    [
        ("timeseries", lambda p: p.write_bytes(p.read_bytes()[:100])),  # truncated
        ("registries", lambda p: p.write_bytes(p.read_bytes()[:-40] + b"\0" * 40)),  # overwritten at the end
        ("runs", lambda p: p.write_bytes(b"garbage")),  # the record itself
    ],
)
def test_a_damaged_run_file_is_never_done_and_resume_runs_it_again(reference, copy, capsys, table, damage):
    run_id = first_run(copy)
    damage(copy / table / f"{run_id}.parquet")
    assert main(["status", str(copy)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("faults: 1 queued, 3 done, 0 failed (of 4 planned); 1 corrupt, to be run again by")
    assert f"  corrupt: {run_id}: {copy / table / run_id}.parquet is corrupt (" in out
    line = one_error_line(["analyze", str(copy)], capsys)
    assert line.startswith(f"error: {copy / table / run_id}.parquet is corrupt (")
    assert line.endswith(
        f"`python -m runs resume {copy}` moves the damaged files aside and runs those runs again"
    )
    with pytest.raises(SweepError, match=rf"{run_id}\.parquet is corrupt"):
        load_results(copy)
    one_error_line(["report", str(copy)], capsys)
    resumed_equals_reference(reference, copy, capsys)
    assert (copy / "corrupt" / f"{table}-{run_id}.parquet").exists()  # kept to look at


def test_another_runs_record_in_its_place_is_found(reference, copy, capsys):
    first, second = sorted(p.stem for p in (copy / "runs").glob("*.parquet"))[:2]
    for suffix in ("parquet", "sha256"):  # the whole of another run's record, its checksum too
        shutil.copy(copy / "runs" / f"{second}.{suffix}", copy / "runs" / f"{first}.{suffix}")
    assert SweepStore(copy).status() == {"queued": 1, "done": 3, "failed": 0}
    assert "it is not the record of this run" in str(SweepStore(copy).census().corrupt[first])
    resumed_equals_reference(reference, copy, capsys)


def test_a_damaged_error_record_is_run_again(tmp_path, capsys):
    extra = 'model = "tests.faults:raises_under_mandatory"'
    spec = tmp_path / "exp.toml"
    spec.write_text(TEXT.format(steps=2, scale=0.002, extra=extra))
    out = tmp_path / "o"
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial"]) == 1
    errors = sorted((out / "errors").glob("*.parquet"))
    errors[0].write_bytes(b"PAR1")
    assert SweepStore(out).status() == {"queued": 1, "done": 2, "failed": 1}
    capsys.readouterr()
    assert main(["resume", str(out), "--executor", "serial"]) == 1  # it fails again, as it should
    assert SweepStore(out).status() == {"queued": 0, "done": 2, "failed": 2}


@pytest.mark.parametrize("damage", ["truncate", "delete"])
def test_a_damaged_plan_is_named_by_status_and_rebuilt_by_resume(reference, copy, capsys, damage):
    plan = copy / "plan.parquet"
    if damage == "delete":
        plan.unlink()
    else:
        plan.write_bytes(plan.read_bytes()[:50])
    (copy / "design.parquet").write_bytes(b"")
    assert main(["status", str(copy)]) in (0, 2)
    text = capsys.readouterr()
    said = (text.out + text.err).strip()
    assert "Traceback" not in said and len(said.splitlines()) == 1
    assert "`python -m runs resume" in said
    if damage == "truncate":
        assert said == (
            f"error: {plan} is unreadable (not a readable Parquet file: "
            + said.split("(not a readable Parquet file: ", 1)[1].split(")")[0]
            + f"); `python -m runs resume {copy}` rebuilds it from the experiment"
        )
    else:
        assert (
            said == f"{copy}: planning was cut short (no plan.parquet); `python -m runs resume {copy}` "
            "plans it again and runs it"
        )
    one_error_line(["report", str(copy)], capsys)
    resumed_equals_reference(reference, copy, capsys)


@pytest.mark.parametrize("damage", ["garbage", "delete", "not an object"])
def test_a_damaged_or_missing_metadata_file_is_rebuilt(reference, copy, capsys, damage):
    metadata = copy / "metadata.json"
    {"garbage": lambda: metadata.write_text("{not json"), "delete": metadata.unlink,
     "not an object": lambda: metadata.write_text("[]")}[damage]()  # fmt: skip
    assert main(["status", str(copy)]) == 0  # the name comes from spec.toml then
    assert capsys.readouterr().out.startswith("faults: 0 queued, 4 done, 0 failed")
    line = one_error_line(["report", str(copy)], capsys)
    assert line == (
        f"error: {metadata} is unreadable ("
        + line.split(" is unreadable (", 1)[1].split("); `python -m runs", 1)[0]
        + f"); `python -m runs resume {copy}` rebuilds it from the experiment"
    )
    assert main(["resume", str(copy), "--executor", "serial"]) == 0
    rebuilt = json.loads(metadata.read_text())
    assert rebuilt["spec_hash"] == json.loads((reference[1] / "metadata.json").read_text())["spec_hash"]
    assert rebuilt["executions"][0]["recorded"] == 4 and "rebuilt" in rebuilt
    if damage == "garbage":  # a report from the rebuilt metadata (one is enough: they take seconds)
        assert main(["report", str(copy)]) == 0


def test_a_damaged_spec_is_rebuilt_from_metadata(reference, copy, capsys):
    (copy / "spec.toml").write_bytes(b"\xff\xfe not toml")
    resumed_equals_reference(reference, copy, capsys)
    assert (copy / "spec.toml").read_text() == (reference[1] / "spec.toml").read_text()


def test_a_sweep_whose_spec_and_plan_are_both_lost_is_rebuilt_from_metadata(reference, copy, capsys):
    (copy / "spec.toml").unlink()
    (copy / "plan.parquet").unlink()
    resumed_equals_reference(reference, copy, capsys)
    assert (copy / "spec.toml").read_text() == (reference[1] / "spec.toml").read_text()


def test_a_sweep_whose_spec_and_metadata_are_both_lost_says_so_in_one_line(copy, capsys):
    (copy / "spec.toml").unlink()
    (copy / "metadata.json").write_text("{")
    line = one_error_line(["resume", str(copy), "--executor", "serial"], capsys)
    assert (
        "the experiment cannot be recovered" in line and "sweep its experiment file into a new folder" in line
    )


def test_a_folder_left_by_a_planning_cut_short_is_reusable_and_resumable(reference, tmp_path, capsys):
    spec, uninterrupted = reference
    out = tmp_path / "o"
    out.mkdir()
    (out / ".lock").write_text("pid 1 on elsewhere")
    (out / "runs").mkdir()
    (out / ".metadata.json.123.tmp").write_text("{")
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial"]) == 0  # reused cleanly
    capsys.readouterr()
    same_data(uninterrupted, out)
    again = tmp_path / "again"
    again.mkdir()
    shutil.copy(uninterrupted / "spec.toml", again / "spec.toml")  # the plan was never written
    assert main(["status", str(again)]) == 0
    assert "planning was cut short" in capsys.readouterr().out
    resumed_equals_reference(reference, again, capsys)


def test_a_folder_with_other_files_is_still_refused(reference, tmp_path, capsys):
    out = tmp_path / "o"
    (out / "runs").mkdir(parents=True)
    (out / "runs" / "mine.parquet").write_bytes(b"x")  # not a planning's leftover: a run's data
    line = one_error_line(["sweep", str(reference[0]), "--out", str(out)], capsys)
    assert line == f"error: --out {out} is not empty and holds no sweep; give a new or empty folder"


def test_results_of_records_written_before_checksums_still_load(reference, copy):
    """Sweeps made before checksums were recorded: their runs are read as they are."""
    for path in (copy / "runs").glob("*.sha256"):
        path.unlink()  # nor did records have their own
    for path in (copy / "runs").glob("*.parquet"):
        frame = pd.read_parquet(path)
        frame.drop(columns=[c for c in frame.columns if c.startswith("sha256_")]).to_parquet(
            path, index=False
        )
    assert SweepStore(copy).status() == {"queued": 0, "done": 4, "failed": 0}
    same_data(reference[1], copy)


def test_an_edited_run_record_is_found_and_run_again(reference, copy, capsys):
    """Issue 21's tester rewrote a record with one value changed: it passed status, analyze, load_results."""
    run_id = first_run(copy)
    path = copy / "runs" / f"{run_id}.parquet"
    frame = pd.read_parquet(path)
    final = next(c for c in frame.columns if c.startswith("final_"))
    frame[final] = frame[final] + 1.0
    frame.to_parquet(path, index=False)  # a whole, readable Parquet file, with its page checksums
    assert main(["status", str(copy)]) == 0
    out = capsys.readouterr().out
    differs = "its bytes are not those written: the checksum differs"
    assert f"  corrupt: {run_id}: {path} is corrupt ({differs})" in out
    line = one_error_line(["analyze", str(copy)], capsys)
    assert line.startswith(f"error: {path} is corrupt (its bytes are not those written")
    with pytest.raises(SweepError, match="is corrupt"):
        load_results(copy)
    resumed_equals_reference(reference, copy, capsys)
    assert (copy / "corrupt" / f"runs-{run_id}.parquet").exists()
    assert (copy / "corrupt" / f"runs-{run_id}.sha256").exists()


MORRIS = """
[experiment]
name = "m"
scenario = "mandatory_portability"
steps = 3
replications = 1
seed = 1
[parameters]
responsiveness = {low = 0.1, high = 0.9}
threat_weight = {low = 0.0, high = 3.0}
scale = 0.002
[design]
kind = "morris"
samples = 3
"""


def test_a_partial_morris_sweep_says_why_it_has_no_indices(tmp_path, capsys):
    spec = tmp_path / "morris.toml"
    spec.write_text(MORRIS)
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial"]) == 0
    for path in sorted((out / "runs").glob("*.parquet"))[:2]:
        path.unlink()  # as a sweep stopped before these two
    capsys.readouterr()
    said = (
        f"warning: {out}: the Morris indices need every run of the design and 2 of 9 runs are not "
        "done (0 failed), so they are not computed for the incomplete design; finish it with "
        f"`python -m runs resume {out}` first"
    )
    assert main(["analyze", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err.strip() == said
    assert "sensitivity.csv: 0 rows" in captured.out
    assert main(["report", str(out)]) == 0
    text = (out / "report.md").read_text()
    assert "## Sensitivity\n\nThe Morris indices need every run of the design and 2 of 9 runs" in text
