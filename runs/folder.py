"""Sweep folders before and after: may a new sweep go here, and what state is this one in.

A folder may take a new sweep if it is new, empty, or holds only what a sweep whose planning
was cut short leaves (spec.toml, design.parquet, metadata.json, empty tables, its lock, a
temporary file): such a folder is reused cleanly, so a full disk or a Ctrl-C while planning
never leaves a folder that nothing can use.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from runs.errors import SweepError
from runs.lock import FolderLock
from runs.store import TABLES, SweepStore

__all__ = ["check_name_lengths", "check_new_folder", "check_writable", "clear_leftovers", "describe"]

#: What a sweep writes before its plan is complete; nothing else may be in a folder it reuses.
_PLANNING = {"spec.toml", "design.parquet", "metadata.json", ".lock", *TABLES}


def _leftovers(folder: Path) -> list[Path] | None:
    """The files a cut-short planning left in `folder`, or None if it holds anything else."""
    found = []
    for entry in folder.iterdir():
        temporary = entry.name.startswith(".") and entry.name.endswith(".tmp")
        if entry.name not in _PLANNING and not temporary:
            return None
        if entry.is_dir() and any(entry.iterdir()):
            return None  # a table with a run in it: not a planning's leftovers
        found.append(entry)
    return found


def check_name_lengths(path: str | Path, label: str) -> None:
    """Refuse a path with a name longer than file systems allow (255 bytes)."""
    for part in Path(path).absolute().parts:
        if len(os.fsencode(part)) > 255:
            raise SweepError(
                f"{label}: file name too long (a name has at most 255 bytes; one has {len(part)})"
            )


def check_new_folder(folder: str | Path, option: str = "--out") -> None:
    """Refuse a file, a folder holding a sweep or other files, a name too long, or no write access."""
    folder = Path(folder)
    check_name_lengths(folder, f"{option} {folder}")
    if folder.exists() and not folder.is_dir():
        raise SweepError(f"{option} {folder} is a file; give a new or empty folder")
    if SweepStore(folder).exists():
        raise SweepError(f"{folder} already holds a sweep; use `python -m runs resume {folder}`")
    if folder.is_dir() and _leftovers(folder) is None:
        raise SweepError(f"{option} {folder} is not empty and holds no sweep; give a new or empty folder")
    check_writable(folder, f"{option} {folder}")


def clear_leftovers(folder: Path) -> None:
    """Remove what a cut-short planning left (the caller holds the folder's lock)."""
    for entry in _leftovers(folder) or []:
        if entry.name == ".lock":
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink(missing_ok=True)


def check_writable(folder: str | Path, label: str) -> None:
    """Refuse a folder that cannot be created or written to (tried, not guessed: root ignores modes).

    `label` names what the user gave, e.g. ``--out results/x``.
    """
    existing = Path(folder).absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise SweepError(f"{label}: {existing} is a file, not a folder")
    probe = existing / f".write-test-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise SweepError(f"{label}: cannot write in {existing} ({exc.strerror or exc})") from None


def describe(out: str | Path) -> str:
    """What `python -m runs status` says: counts, corrupt runs by id, and whether a driver runs it."""
    store = SweepStore(out)
    if not store.exists():
        holder, alive = FolderLock(out).holder()
        if alive:
            return f"{out}: being planned now ({holder})"
        if store.begun():
            return (
                f"{out}: planning was cut short (no plan.parquet); `python -m runs resume {out}` "
                "plans it again and runs it"
            )
        raise SweepError(f"{out} holds no sweep (no plan.parquet)")
    census = store.census()
    counts = census.counts()
    name = _name(store)
    listed = ", ".join(f"{n} {status}" for status, n in counts.items())
    lines = [f"{name}: {listed} (of {sum(counts.values())} planned)"]
    if census.corrupt:
        lines[0] += f"; {len(census.corrupt)} corrupt, to be run again by `python -m runs resume {out}`"
        lines += [f"  corrupt: {run_id}: {exc}" for run_id, exc in sorted(census.corrupt.items())]
    holder, alive = FolderLock(out).holder()
    if alive:
        lines[0] += f"; running now ({holder})"
    elif holder and counts["queued"]:
        lines[0] += f"; its driver ({holder}) was killed: `python -m runs resume {out}` finishes it"
    return "\n".join(lines)


def _name(store: SweepStore) -> str:
    """The experiment's name, from metadata.json or else spec.toml (either may be damaged)."""
    try:
        return str(store.metadata().get("experiment", "?"))
    except SweepError:
        pass
    try:
        import tomllib

        return str(tomllib.loads(store.spec_text())["experiment"]["name"])
    except (SweepError, KeyError, TypeError, ValueError):
        return store.folder.name
