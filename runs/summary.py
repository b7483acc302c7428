"""Summary tables of one run, for the CLI and for reports."""

from __future__ import annotations

import pandas as pd

from model import PortabilityModel

__all__ = ["summary_tables"]


def summary_tables(model: PortabilityModel) -> list[tuple[str, pd.DataFrame]]:
    """The run in three tables: headline metrics, registries at the end, the event log."""
    frame = model.model_frame()
    last_year = frame[frame.step > frame.step.max() - 12] if len(frame) > 1 else frame
    headline = pd.DataFrame(
        {
            "start": frame.iloc[0],
            "end": frame.iloc[-1],
            "mean, last 12 months": last_year.mean(numeric_only=True),
        }
    ).drop(index=["step", "date"], errors="ignore")
    headline.loc["moves", "total"] = frame.moves.sum()
    headline.loc["moved_ipv4", "total"] = frame.moved_ipv4.sum()
    registries = model.registry_frame()
    end = registries[registries.step == registries.step.max()].set_index("registry")
    start = registries[registries.step == 0].set_index("registry")
    table = end[
        ["status", "quality", "neutrality", "fee", "reserves", "members", "ipv4_share", "effort"]
    ].copy()
    table.insert(table.columns.get_loc("members") + 1, "members_change", end.members - start.members)
    events = model.event_frame()
    tables = [
        ("Headline (model_frame)", headline.round(4).astype(object).where(headline.notna(), "")),
        ("Registries at the end (registry_frame)", table.round(3)),
    ]
    if not events.empty:
        tables.append(("Events (event_frame)", events.set_index("step")))
    return tables
