"""Where a result came from: code version, packages, platform (for metadata.json)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["environment", "now"]

PACKAGES = (
    "rir-portability",
    "mesa",
    "numpy",
    "numba",
    "pandas",
    "scipy",
    "networkx",
    "pyarrow",
    "SALib",
    "dask",
    "distributed",
    "solara",
    "matplotlib",
)
SOURCE = Path(__file__).resolve().parents[1]


def now() -> str:
    """The time, ISO 8601, UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=SOURCE, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def environment() -> dict[str, Any]:
    """Git commit and dirty flag, package versions, Python, OS, CPU count."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    commit = _git("rev-parse", "HEAD")
    status = _git("status", "--porcelain")
    return {
        "git": {"commit": commit, "dirty": bool(status) if status is not None else None},
        "versions": versions,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
    }
