"""Every file the batch layer writes, written whole or not at all, with a checksum; and read back checked.

`write_atomic` is the one way bytes reach the disk: it writes a temporary file beside the
target and renames it into place, so a reader (or a sweep killed at any moment) only ever
sees whole files, and a write that fails (a full disk, a read-only folder) removes its
temporary file and raises `StorageError` naming the file. It returns the SHA-256 of what it
wrote, which the store records beside each finished run so that a file damaged later is
found (`read_checked`). Parquet is written with page checksums too, so pyarrow itself
notices a flipped bit.

Parquet is read and written without Arrow's thread pools (`use_threads=False`, `nthreads=1`,
and `ParquetFile` rather than `read_table`, whose dataset scan starts an I/O thread even
then): a pool thread still alive when the interpreter exits makes libstdc++ abort the
process, exit 134 after the work is done (apache/arrow#34314: 15 of 500 `status` calls here).
The files are one row or one run each, so the threads saved nothing anyway.

Tables, text, CSV and figures are turned into bytes in memory first, then written by
`write_atomic`: one place to get right, and one place the fault tests make fail
(`_write_bytes`, at every write site in turn).
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from runs.errors import StorageError, SweepError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CorruptFile",
    "parquet_bytes",
    "read_checked",
    "read_parquet",
    "read_toml",
    "sha256",
    "write_atomic",
    "write_csv",
    "write_figure",
    "write_parquet",
    "write_text",
]


class CorruptFile(SweepError):  # noqa: N818 (reads as the message: "X is corrupt")
    """A file that cannot be read, or whose bytes are not the ones written (one line names it)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} is corrupt ({reason})")
        self.path = path
        self.reason = reason


def sha256(data: bytes) -> str:
    """The SHA-256 of `data`, in hex."""
    return hashlib.sha256(data).hexdigest()


def _write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` (a temporary name); the fault tests replace this to fill the disk."""
    with open(path, "wb") as file:
        file.write(data)


def write_atomic(path: Path, data: bytes) -> str:
    """Write `data` to `path` whole (temporary file, then rename); return its SHA-256."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_bytes(tmp, data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return sha256(data)


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """`frame` as Parquet (with page checksums), in memory."""
    sink = pa.BufferOutputStream()
    table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
    pq.write_table(table, sink, write_page_checksum=True)
    return sink.getvalue().to_pybytes()


def write_parquet(path: Path, frame: pd.DataFrame) -> str:
    """Write `frame` as Parquet; return the file's SHA-256."""
    return write_atomic(path, parquet_bytes(frame))


def write_text(path: Path, text: str) -> str:
    """Write UTF-8 text; return the file's SHA-256."""
    return write_atomic(path, text.encode("utf-8"))


def write_csv(path: Path, frame: pd.DataFrame) -> str:
    """Write `frame` as CSV (no index); return the file's SHA-256."""
    return write_text(path, frame.to_csv(index=False))


def write_figure(figure: Any, path: Path, **savefig: Any) -> str:
    """Save a matplotlib figure (format from the suffix); return the file's SHA-256."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format=Path(path).suffix.lstrip("."), **savefig)
    return write_atomic(path, buffer.getvalue())


def read_checked(path: Path, checksum: str | None = None) -> bytes:
    """The bytes of `path`; `CorruptFile` if it is missing or its SHA-256 is not `checksum`."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CorruptFile(path, "missing") from None
    except OSError as exc:
        raise CorruptFile(path, f"unreadable: {exc.strerror or exc}") from None
    if checksum is not None and sha256(data) != checksum:
        raise CorruptFile(path, "its bytes are not those written: the checksum differs")
    return data


def read_parquet(path: Path, checksum: str | None = None, columns: list[str] | None = None) -> pa.Table:
    """A Parquet file, checked against `checksum` (if given) and its own page checksums."""
    data = read_checked(path, checksum)
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data), page_checksum_verification=True)
        return parquet.read(columns=columns, use_threads=False)
    except (pa.ArrowException, OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CorruptFile(path, f"not a readable Parquet file: {reason}") from None


def read_toml(path: Path, kind: str, tables: set[str]) -> dict[str, Any]:
    """A calibration's or projection's file, parsed (`ConfigError`: missing, not TOML, unknown tables)."""
    import tomllib

    from model.errors import ConfigError

    if not path.is_file():
        raise ConfigError(f"no {kind} file {str(path)!r}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    if unknown := set(data) - tables:
        raise ConfigError(f"{path}: unknown tables {sorted(unknown)}; known: {sorted(tables)}")
    return data
