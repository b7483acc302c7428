"""Downloads: each chart as PNG, SVG and CSV with its provenance; file names that cannot collide;
the run's zip, whose settings files reproduce the run with `python -m runs run`, number for number."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from model import PortabilityModel
from viz.charts import RunData, flows_charts, holders_charts, peering_charts, quality_charts
from viz.exports import Provenance, chart_file, chart_table, run_zip
from viz.provenance import model_version, today
from viz.setup import Setup, ordered
from viz.views import run_data
from viz.views.tabs import peering_layouts

ROOT = Path(__file__).resolve().parents[1]


def page_of(setup: Setup, month: int) -> tuple[list[RunData], Provenance]:
    models = {}
    for which, _, _ in ordered(setup):
        model = PortabilityModel(which.params(), seed=which.seed)
        for _ in range(month):
            model.step()
        models[which] = model
    runs = run_data(setup, models)
    provenance = Provenance.of(
        [
            (w, r.short, r.model.p, r.model.holders.size)
            for (w, _, _), r in zip(ordered(setup), runs, strict=True)
        ],
        month,
        (),
        "scenario=x",
    )
    return runs, provenance


def test_a_chart_downloads_as_png_svg_and_csv_each_with_its_caption():
    setup = Setup(scenario="registry_failure_portable", scale=0.01, overrides=(("porting_delay", 6.0),))
    runs, provenance = page_of(setup, 14)
    option = quality_charts(runs)[0]
    href = "http://example.org/?scenario=registry_failure_portable&month=14"
    png, name, mime = chart_file(option, "png", provenance, href)
    assert (
        mime == "image/png"
        and png.startswith(b"\x89PNG")
        and name.endswith("_service-quality-by-registry.png")
    )
    caption = Image.open(io.BytesIO(png)).text["Description"]
    for said in (
        "Service quality by registry",
        "scenario registry_failure_portable",
        "Porting delay (months) = 6.0",
        "seed 42",
        "scale 0.01",
        "Month 14",
        f"rir-portability {model_version()}",
        today(),
        href,
    ):
        assert said in caption, (said, caption)
    svg, _, _ = chart_file(option, "svg", provenance, href)
    assert b"<svg" in svg and b"scenario registry_failure_portable" in svg
    csv, name, _ = chart_file(option, "csv", provenance, href)
    text = csv.decode()
    assert text.startswith("# Service quality by registry\n# Run: Registry failure") and name.endswith(".csv")
    table = pd.read_csv(io.StringIO(text), comment="#")
    assert table.month.tolist() == list(range(15)) and list(table.columns[1:6]) == runs[0].names
    assert table.AFRINIC.round(4).tolist() == runs[0].wide("quality").AFRINIC.round(4).tolist()


def test_every_kind_of_chart_draws_as_a_figure():
    runs, provenance = page_of(Setup(scenario="status_quo", scale=0.01, compare="regime:none"), 3)
    options = [
        flows_charts(runs)[0],
        holders_charts(runs)[0],
        *peering_charts(runs, peering_layouts(runs))[:2],
    ]
    for option in options:
        for kind in ("png", "svg"):
            data, _, _ = chart_file(option, kind, provenance)
            assert len(data) > 1000, (option["title"]["text"], kind)
        assert len(chart_table(option)) > 0


def test_file_names_differ_whenever_the_run_differs():
    base = Setup(scenario="registry_failure_locked", scale=0.01)
    others = [
        Setup(scenario="registry_failure_locked", scale=0.01, overrides=(("remedy", "icp2_draft"),)),
        Setup(scenario="registry_failure_locked", scale=0.01, seed=7),
        Setup(scenario="registry_failure_locked", scale=0.01, overrides=(("porting_delay", 6.0),)),
        Setup(scenario="registry_failure_locked", scale=0.02),
    ]
    stems = {page_of(s, 1)[1].stem for s in [base, *others]}
    stems.add(page_of(base, 2)[1].stem)
    assert len(stems) == 6


def test_the_runs_zip_reproduces_each_run_with_runs_run(tmp_path):
    setup = Setup(
        scenario="registry_failure_portable",
        scale=0.01,
        compare="remedy:icp2_draft",
        overrides=(("porting_delay", 6.0),),
    )
    runs, provenance = page_of(setup, 6)
    charts = {"Registries": quality_charts(runs)[:1]}  # every chart is drawn by the app; one suffices here
    archive = zipfile.ZipFile(
        io.BytesIO(run_zip(provenance, [r.model for r in runs], charts, "http://x/?a=1"))
    )
    names = set(archive.namelist())
    assert {"README.txt", "settings-run1.toml", "settings-run2.toml", "data-run1/model.csv"} <= names
    assert {
        "figures/registries/01-service-quality-by-registry.png",
        "figures/registries/01-service-quality-by-registry.svg",
    } <= names
    archive.extractall(tmp_path)
    commands = [
        line.strip()
        for line in (tmp_path / "README.txt").read_text().splitlines()
        if "python -m runs run" in line
    ]
    assert len(commands) == 2
    for k, command in enumerate(commands, 1):
        args = command.split()[1:]  # python -m runs run settings-runK.toml --seed 42 --steps 6 --out ...
        done = subprocess.run(
            [sys.executable, *args], cwd=tmp_path, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        for frame in ("model", "model_registries", "model_events"):
            mine = pd.read_csv(tmp_path / f"data-run{k}" / f"{frame}.csv", comment="#")
            again = pd.read_csv(tmp_path / f"reproduced-run{k}" / f"{frame}.csv")
            pd.testing.assert_frame_equal(mine, again, check_exact=True)
    assert pd.read_csv(tmp_path / "data-run2" / "model.csv", comment="#").step.tolist() == list(range(7))


@pytest.mark.parametrize("month", [0])
def test_month_0_is_reproduced_by_its_first_row(month, tmp_path):
    runs, provenance = page_of(Setup(scale=0.005), month)
    archive = zipfile.ZipFile(io.BytesIO(run_zip(provenance, [r.model for r in runs], {})))
    readme = archive.read("README.txt").decode()
    assert "--steps 1" in readme and "first row" in readme
