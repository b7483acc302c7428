"""Where a figure or a file came from: the model's version, how to cite it, names, settings files.

A settings file is a scenario file that `python -m runs run` reproduces the run from.

Every export says what run it shows: the scenario, regime, remedy, every parameter changed,
the seed (and the ensemble's seeds), the scale, the month, the model's version and the date.
File names carry a hash of the complete settings, so two different runs never share a name.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import subprocess
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import tomli_w

from model import Params

__all__ = [
    "CITATION",
    "citation",
    "model_version",
    "reproduce_command",
    "settings_hash",
    "settings_toml",
    "slug",
    "today",
]

ROOT = Path(__file__).resolve().parents[1]
CITATION = ROOT / "CITATION.cff"


@cache
def model_version() -> str:
    """The package's version, and the git commit it runs from when known ("0.1.0, git 1a2b3c4")."""
    try:
        version = metadata.version("rir-portability")
    except metadata.PackageNotFoundError:
        version = "unknown"
    commit = _git("rev-parse", "--short", "HEAD")
    if commit is None:
        return version
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return f"{version}, git {commit}" + (" with local changes" if dirty else "")


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


@cache
def citation() -> dict[str, str]:
    """Title, authors, version, licence and address from CITATION.cff (empty if it is not there)."""
    if not CITATION.is_file():
        return {}
    try:
        import yaml  # a dependency of Solara's Markdown (pymdown-extensions)

        data = yaml.safe_load(CITATION.read_text(encoding="utf-8")) or {}
    except (ImportError, ValueError):
        return {}
    authors = ", ".join(
        a.get("name") or " ".join(filter(None, [a.get("given-names"), a.get("family-names")]))
        for a in data.get("authors", [])
    )
    return {
        "title": str(data.get("title", "")),
        "authors": authors,
        "version": str(data.get("version", "")),
        "license": str(data.get("license", "")),
        "url": str(data.get("repository-code", "")),
        "message": str(data.get("message", "")),
    }


def today() -> str:
    """Today's date, ISO 8601 (UTC)."""
    return datetime.now(UTC).date().isoformat()


def _plain(value: Any) -> Any:
    """A parameter's value as TOML can hold it (tuples as lists, events as tables).

    TOML has no null: an event's field left unset (None) is left out, as a scenario file
    leaves it out.
    """
    if dataclasses.is_dataclass(value):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items() if v is not None}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def params_table(params: Params) -> dict[str, Any]:
    """Every parameter of the run that has a value (a regime's term left to the regime is omitted)."""
    return {
        f.name: _plain(getattr(params, f.name))
        for f in dataclasses.fields(params)
        if getattr(params, f.name) is not None
    }


def settings_hash(params: Params, seed: int) -> str:
    """Eight hex digits that differ whenever any parameter or the seed differs."""
    text = json.dumps({"params": params_table(params), "seed": seed}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def slug(text: str) -> str:
    """Words for a file name: lower case, hyphens ("Registry failure" -> "registry-failure")."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def reproduce_command(file: str, seed: int, months: int, out: str = "model.csv") -> str:
    """The command that runs the settings file to `months` (at least one month: `run` needs a step)."""
    return f"python -m runs run {file} --seed {seed} --steps {max(1, months)} --out {out}"


def settings_toml(params: Params, *, title: str, description: str, months: int) -> str:
    """A scenario file (`[scenario]`, `[params]`) with every parameter of the run."""
    document = {
        "scenario": {"title": title, "description": description, "months": max(1, months)},
        "params": params_table(params),
    }
    return tomli_w.dumps(document)
