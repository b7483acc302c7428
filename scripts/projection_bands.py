"""Rebuild the app's projection bands (viz/data/projection-bands.csv.gz) from a projection.

The app draws, on a run that branches the record in January 2026 (the `history` scenarios),
the band of the same option over the projection's worlds (posterior draws crossed with the
registry-side deep uncertainty: `python -m runs project`). This script copies the bands from
2025-12 on out of a finished projection's `bands.csv`, names each option's scenario, and
writes a provenance record beside it (the projection's command, calibration, worlds, the
SHA-256 of its bands.csv and of the file written, the date).

    .venv/bin/python scripts/projection_bands.py results/projection
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "viz" / "data" / "projection-bands.csv.gz"
FROM = "2025-12-01"  # the month before the branch, so that the band joins the run's line


def main(argv: list[str] | None = None) -> int:
    """Copy the bands and write the provenance record."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("projection", type=Path, help="a folder `python -m runs project` has finished")
    args = p.parse_args(argv)
    from runs.project.spec import load_projection

    bands_csv = args.projection / "bands.csv"
    if not bands_csv.is_file():
        p.error(f"{args.projection} holds no bands.csv; give a finished projection")
    saved = json.loads((args.projection / "projection.json").read_text())
    command = (args.projection / "report.md").read_text().split("`")[1]
    spec = load_projection()
    scenarios = {o.name: o.scenario for o in spec.options}
    bands = pd.read_csv(bands_csv)
    bands = bands[bands.date >= FROM].assign(scenario=lambda t: t.option.map(scenarios))
    bands = bands[["stress", "option", "scenario", "metric", "date", "p05", "median", "p95", "worlds"]]
    bands = bands.round({"p05": 5, "median": 5, "p95": 5})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    bands.to_csv(OUT, index=False, compression={"method": "gzip", "mtime": 0})
    provenance = OUT.with_name("projection-bands.provenance.toml")
    provenance.write_text(
        "# Provenance of projection-bands.csv.gz (written by scripts/projection_bands.py)\n\n"
        "[source]\n"
        f'command = "{command}"\n'
        f'calibration = "{Path(saved["calibration"]).name} (python -m runs calibrate '
        'runs/experiments/calibration.toml, docs/VALIDATION.md §10b)"\n'
        f"scale = {saved['scale']}\n"
        f"worlds = {int(bands.worlds.max())}\n"
        f'bands_csv_sha256 = "{hashlib.sha256(bands_csv.read_bytes()).hexdigest()}"\n'
        f'file_sha256 = "{hashlib.sha256(OUT.read_bytes()).hexdigest()}"\n'
        f'derived = "{datetime.date.today().isoformat()}"\n'
        'licence = "this project\'s (model output; no third-party data)"\n'
        'what = "per option, stress, output and month from 2025-12: the 5%, 50% and 95% quantiles over the '
        "projection's worlds (posterior draws x deep-uncertainty points, one seed each)\"\n"
    )
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes) and {provenance.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
