"""The Market tab: the IPv4 price, sales a month, sales by origin and destination, pools."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.words import PALETTE, output_label, output_unit, registry_label
from viz.charts.accountability import model_line
from viz.charts.legend import finish
from viz.charts.lines import per_registry
from viz.charts.money import sample_note
from viz.charts.options import DASHES, Option, line, matrix_chart, run_note, time_chart
from viz.charts.runs import RunData, Runs

__all__ = ["market_charts", "net_sales"]


def net_sales(run: RunData) -> pd.DataFrame:
    """/24s each registry's members have bought from other registries' members so far, less those sold."""
    return (run.wide("sales_in") - run.wide("sales_out")).cumsum() * run.world("sales_in")


def _volume(runs: Runs, notes: list[str]) -> Option:
    option = time_chart(
        f"{output_label('ipv4_transferred')} a month",
        f"{output_unit('ipv4_transferred')}, real-world equivalent",
        runs[0].month,
        y_min=0,
    )
    for run in runs:
        for column, tint in (("ipv4_transferred", PALETTE[0]), ("ipv4_inter_rir", PALETTE[4])):
            values = run.frame[column].to_numpy(dtype=float) * run.world(column)
            option["series"].append(
                line(output_label(column) + run.suffix(runs), values, tint, DASHES[run.index], 1.8)
            )
    return finish(option, runs, [*notes, sample_note(runs[0])])


def _sold(run: RunData, runs: Runs) -> Option:
    n = len(run.names)
    sold = run.model.flow_frame().sold_ipv4.to_numpy().reshape(n, n) * run.world("sales_in")
    total, between = float(sold.sum()), float(sold.sum() - np.trace(sold))
    share = f"; {100 * between / total:.1f}% between registries" if total else ""
    note = (  # the number on a line of its own: seven digits and a share are too wide for half a page
        f"{total:,.0f} /24 blocks (real-world equivalent)\n"
        f"rows: sellers' registry; columns: buyers'; the diagonal: inside one registry{share}"
    )
    if len(runs) > 1:
        note = run_note(run.index, run.short) + "\n" + note
    return matrix_chart("IPv4 sold so far", run.names, sold, "/24 blocks sold", run.month, note=note)


def market_charts(runs: Runs) -> list[Option]:
    """The IPv4 transfer market: price, sales a month, sales by origin -> destination, pools."""
    off = any(getattr(run.model.p, "market", "on") == "off" for run in runs)
    notes = ["with the market off: no sales, and the price stays at its start"] if off else []
    charts = [
        model_line(output_label("ipv4_price"), output_unit("ipv4_price"), runs, "ipv4_price", notes=notes),
        _volume(runs, notes),
    ]
    charts += [_sold(run, runs) for run in runs]
    pool = per_registry(
        f"{registry_label('pool')} by registry",
        runs,
        "pool",
        "/24 blocks left, real-world equivalent",
        0.5,
        y_min=0,
    )
    net = per_registry(
        "IPv4 bought from other registries, net, so far",
        runs,
        net_sales,
        "/24 blocks bought less sold, real-world",
        0.5,
    )
    return [*charts, pool, net]
