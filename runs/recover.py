"""What a sweep folder needs besides its runs, and how `resume` rebuilds it when it is damaged.

The plan (design.parquet, plan.parquet) follows from the spec alone: the design, the seeds
and the run ids are a function of it. So is most of metadata.json. The spec itself is kept
twice: as spec.toml and inside metadata.json (`spec`), each checked against the recorded spec
hash, so either rebuilds the other. Only when both are lost is the sweep beyond repair, and
the one-line error says so.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from model import ConfigError
from runs.errors import SweepError
from runs.provenance import environment, now
from runs.seeds import sampler_seed
from runs.spec import ExperimentSpec, spec_toml

if TYPE_CHECKING:
    import pandas as pd

    from runs.store import SweepStore

__all__ = ["metadata_for", "recovered_spec", "repair"]

log = logging.getLogger(__name__)


def metadata_for(spec: ExperimentSpec) -> dict[str, Any]:
    """A new sweep's metadata: the spec and its hash, seeds, environment, no executions yet."""
    return {
        "experiment": spec.name,
        "spec_hash": spec.hash,
        "spec": spec.canonical(),
        "created": now(),
        "seeds": {
            "root": spec.seed,
            "policy": spec.seed_policy,
            "sampler_seed": sampler_seed(spec.seed),
            "scheme": "numpy SeedSequence(root, spawn_key=(0,)) children; seeds in plan.parquet",
        },
        "environment": environment(),
        "executions": [],
    }


def _metadata_or_none(store: SweepStore) -> dict[str, Any] | None:
    try:
        return store.metadata()
    except SweepError:
        return None


def recovered_spec(store: SweepStore) -> ExperimentSpec:
    """The sweep's spec: from spec.toml, else from metadata.json; checked against the recorded hash."""
    metadata = _metadata_or_none(store)
    recorded = (metadata or {}).get("spec_hash")
    problem = ""
    try:
        spec = ExperimentSpec.from_text(store.spec_text(), source=str(store.folder / "spec.toml"))
    except (SweepError, ConfigError) as exc:
        problem = str(exc)
    else:
        if recorded not in (None, spec.hash):
            raise SweepError(f"{store.folder}/spec.toml does not match the sweep's recorded spec hash")
        return spec
    if metadata is not None and isinstance(metadata.get("spec"), dict):
        try:
            spec = ExperimentSpec.from_canonical(metadata["spec"])
        except (ConfigError, KeyError, TypeError, ValueError) as exc:
            problem += f"; metadata.json's copy is unusable too ({exc})"
        else:
            if spec.hash == recorded:
                return spec
            problem += "; metadata.json's copy does not match its spec hash"
    else:
        problem += "; metadata.json, which keeps a copy, is missing or damaged too"
    raise SweepError(
        f"{store.folder}: the experiment cannot be recovered ({problem}); its finished runs are in "
        f"{store.folder}/runs, but to finish it, sweep its experiment file into a new folder"
    )


def repair(store: SweepStore, spec: ExperimentSpec, design: pd.DataFrame, plan: pd.DataFrame) -> None:
    """Rewrite spec.toml, the plan and metadata.json where they are missing or damaged."""
    folder = store.folder
    try:
        store.spec_text()
        ExperimentSpec.from_text(store.spec_text())
    except (SweepError, ConfigError):
        log.warning("%s: spec.toml was missing or damaged; rebuilt from metadata.json", folder)
        (folder / "spec.toml").unlink(missing_ok=True)
        from runs.files import write_text

        write_text(folder / "spec.toml", spec_toml(spec))
    try:
        intact = store.planned_ids() == plan.run_id.tolist() and len(store.design()) == len(design)
    except SweepError:
        intact = False
    if not intact:
        if store.exists():
            log.warning("%s: the plan was damaged; rebuilt from the experiment", folder)
        for table in ("runs", "timeseries", "registries", "errors"):
            (folder / table).mkdir(exist_ok=True)
        store.write_plan(design, plan)
    if _metadata_or_none(store) is None:
        damaged = (folder / "metadata.json").exists()
        log.warning(
            "%s: metadata.json was %s; rebuilt (its executions from the run records)",
            folder, "damaged (kept as metadata.json.damaged)" if damaged else "missing",
        )  # fmt: skip
        if damaged:
            (folder / "metadata.json").replace(folder / "metadata.json.damaged")
        metadata = metadata_for(spec)
        metadata["rebuilt"] = now()
        metadata["executions"] = [
            {"id": execution, "status": "unknown", "recorded": n, "note": "rebuilt from the run records"}
            for execution, n in sorted(store.executions_of_records().items())
        ]
        store.write_metadata(metadata)
