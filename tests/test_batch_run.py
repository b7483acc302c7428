"""Mesa's own batch runner drives the model through flat keyword arguments."""

from __future__ import annotations

import pandas as pd
from mesa import batch_run

from model import PortabilityModel


def test_mesa_batch_run_works_and_matches_direct_runs():
    rows = pd.DataFrame(
        batch_run(
            PortabilityModel,
            parameters={"regime": ["none", "mandatory"], "scale": 0.003},
            rng=[1, 2],
            max_steps=6,
            number_processes=1,
            data_collection_period=-1,
            display_progress=False,
        )
    )
    assert len(rows) == 4 * 5  # one row per registry (agent-type reporters) for each run
    assert set(rows.registry) == {"ARIN", "APNIC", "RIPE NCC", "LACNIC", "AFRINIC"}
    results = rows.drop_duplicates("RunId")
    assert len(results) == 4
    assert {"regime", "seed", "quality_experienced", "accountability", "Step"} <= set(results.columns)
    direct = PortabilityModel(seed=2, scale=0.003, regime="mandatory")
    for _ in range(6):
        direct.step()
    row = results[(results.regime == "mandatory") & (results.seed == 2)].iloc[0]
    assert row.quality_experienced == direct.model_frame().quality_experienced.iloc[-1]
