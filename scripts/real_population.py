"""Rebuild the real population of October 2018 from the five RIRs' delegated-extended files.

The files ship inside the PyPI package IPToCC 2.1.2 (MIT; the statistics themselves carry the
NRO's CC-BY-4.0 notice). This script downloads that wheel with pip, reads the five files
and writes, into `model/data/`:

- `holders-2018-10.parquet`: one row per account (opaque id) holding anything allocated or
  assigned: its registry, its main country, its IPv4 (addresses, and those in legacy
  records), IPv6 (/48s), ASNs, the date of its first record, and the other regions where it
  has records (a bit per registry, in the order of `REGISTRIES`);
- `pools-2018-10.toml`: each registry's available and reserved IPv4 on that day;
- `holders-2018-10.provenance.toml`: the source, the sha256 of the wheel and of each file,
  the data's dates, the licence notices, and what the script derived.

    .venv/bin/python scripts/real_population.py            # download, derive, write (about 20 s)
    .venv/bin/python scripts/real_population.py --wheel F  # from a wheel already downloaded

Only the rebuild needs the network: the derived files are committed, so the model runs
offline. The rules applied (see docs/ODD.md §5):
- a holder is an opaque id with at least one `allocated` or `assigned` record; `available`
  and `reserved` records are free pools, not holders;
- IPv4 counts addresses; IPv6 counts /48s (a /32 is 65,536); ASNs count numbers;
- a record is legacy when it predates the registry system in its region: before
  `LEGACY_BEFORE[registry]` (ARIN's creation on 22 Dec 1997 for the Americas, the RIPE NCC's
  first allocations in 1992 for Europe and Africa, APNIC's in 1993);
- a country's region is the registry whose file holds most of its records; a holder with a
  record in a country of another region has a presence there.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "model" / "data"
PACKAGE = "IPToCC==2.1.2"
#: file key -> the registry's name in the model (and the order of the `abroad` bits)
REGISTRIES = {
    "afrinic": "AFRINIC",
    "apnic": "APNIC",
    "arin": "ARIN",
    "lacnic": "LACNIC",
    "ripencc": "RIPE NCC",
}
LEGACY_BEFORE = {
    "afrinic": "19920101",  # before the RIPE NCC served Africa (InterNIC-era records)
    "apnic": "19930101",  # APNIC's first allocations (1993)
    "arin": "19971222",  # ARIN's creation: InterNIC-era records carry no registration agreement
    "lacnic": "19971222",  # the region was ARIN's before LACNIC (2002); InterNIC before ARIN
    "ripencc": "19920101",  # the RIPE NCC's first allocations (1992)
}
HOLDING = ("allocated", "assigned")
DATA_DATES = "ARIN, RIPE NCC, AFRINIC 2018-10-13; APNIC 2018-10-12/14; LACNIC 2018-10-12 (file headers)"
LICENCE = "MIT (IPToCC); the statistics: NRO / RIR delegated-extended statistics, CC-BY-4.0"
RULES = (
    "holders: opaque ids with allocated or assigned records; legacy: records dated before "
    "LEGACY_BEFORE; presence abroad: records with a country of another region (see the script)"
)


def download(folder: Path) -> Path:
    """The wheel, downloaded by pip into `folder`."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", PACKAGE, "-d", str(folder)],
        check=True,
    )
    return next(folder.glob("iptocc-*.whl"))


def records(text: str, key: str) -> list[list[str]]:
    """The file's records of this registry (no header, comments or summary lines)."""
    rows = []
    for line in text.splitlines():
        fields = line.split("|")
        if line.startswith("#") or len(fields) < 7 or fields[0] != key or fields[1] == "*":
            continue
        rows.append(fields)
    return rows


def header(text: str) -> str:
    """The file's version line (registry, serial, records, start and end dates, UTC offset)."""
    return next(line for line in text.splitlines() if line and line[0].isdigit() and "|" in line)


def derive(texts: dict[str, str]) -> tuple[pd.DataFrame, dict[str, dict[str, int]]]:
    """The per-holder table and each registry's free pools, from the five files' texts."""
    parsed = {key: records(text, key) for key, text in texts.items()}
    cc_votes: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for key, rows in parsed.items():
        for f in rows:
            if f[6] in HOLDING:
                cc_votes[f[1]][key] += 1
    region = {cc: votes.most_common(1)[0][0] for cc, votes in cc_votes.items()}
    bit = {key: 1 << i for i, key in enumerate(REGISTRIES)}
    rows_out = []
    pools: dict[str, dict[str, int]] = {}
    for key, rows in parsed.items():
        holders: dict[str, dict] = {}
        free = {"available": 0, "reserved": 0}
        for f in rows:
            kind, status = f[2], f[6]
            if kind == "ipv4" and status in free:
                free[status] += int(f[4])
            if status not in HOLDING or len(f) < 8:
                continue
            h = holders.setdefault(
                f[7],
                {
                    "ipv4": 0,
                    "legacy": 0,
                    "ipv6": 0,
                    "asn": 0,
                    "first": "99999999",
                    "cc": collections.Counter(),
                    "abroad": 0,
                },
            )
            date = f[5] if f[5] and f[5] != "00000000" else "99999999"
            if kind == "ipv4":
                h["ipv4"] += int(f[4])
                if date < LEGACY_BEFORE[key]:
                    h["legacy"] += int(f[4])
            elif kind == "ipv6":
                h["ipv6"] += 2 ** max(0, 48 - int(f[4]))
            elif kind == "asn":
                h["asn"] += int(f[4])
            h["first"] = min(h["first"], date)
            h["cc"][f[1]] += 1
            elsewhere = region.get(f[1], key)
            if elsewhere != key:
                h["abroad"] |= bit[elsewhere]
        pools[REGISTRIES[key]] = free
        for h in holders.values():
            rows_out.append(
                (
                    REGISTRIES[key],
                    h["cc"].most_common(1)[0][0] or "ZZ",
                    h["ipv4"],
                    h["legacy"],
                    h["ipv6"],
                    h["asn"],
                    int(h["first"]) if h["first"] != "99999999" else 0,
                    h["abroad"],
                )
            )
    table = pd.DataFrame(
        rows_out,
        columns=["registry", "country", "ipv4", "legacy_ipv4", "ipv6_48", "asn", "first_date", "abroad"],
    )
    table = table.astype(
        {
            "ipv4": "int64",
            "legacy_ipv4": "int64",
            "ipv6_48": "int64",
            "asn": "int32",
            "first_date": "int32",
            "abroad": "uint8",
        }
    )
    table["registry"] = pd.Categorical(table.registry, categories=list(REGISTRIES.values()))
    return table, pools


def summary(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    """What the derived table gives per registry (for the provenance record and the docs)."""
    out = {}
    for name, group in table.groupby("registry", observed=True):
        v4 = np.sort(group.ipv4[group.ipv4 > 0].to_numpy())[::-1]
        n = v4.size
        cum = np.cumsum(v4[::-1])
        gini = 1 - 2 * (cum.sum() / cum[-1] - 0.5) / n
        out[str(name)] = {
            "holders": len(group),
            "ipv4_holders": int(n),
            "ipv4_addresses": int(v4.sum()),
            "legacy_share": round(float(group.legacy_ipv4.sum() / v4.sum()), 4),
            "gini": round(float(gini), 3),
            "top_1pct_share": round(float(v4[: max(1, n // 100)].sum() / v4.sum()), 3),
            "largest_share": round(float(v4[0] / v4.sum()), 4),
            "median_ipv4": int(np.median(v4)),
            "with_ipv6": int((group.ipv6_48 > 0).sum()),
            "asns": int(group.asn.sum()),
            "abroad": int((group.abroad > 0).sum()),
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--wheel", type=Path, help="the IPToCC 2.1.2 wheel, if already downloaded (default: pip)"
    )
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write into (default: model/data)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download(Path(tmp))
        blob = wheel.read_bytes()
    texts, hashes, headers = {}, {}, {}
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        for key in REGISTRIES:
            name = f"iptocc/delegated-{key}-extended-latest"
            data = archive.read(name)
            hashes[name] = hashlib.sha256(data).hexdigest()
            texts[key] = data.decode("utf-8", errors="replace")
            headers[key] = header(texts[key])
        licence = archive.read("iptocc-2.1.2.dist-info/LICENSE").decode()
    table, pools = derive(texts)
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_parquet(args.out / "holders-2018-10.parquet", index=False, compression="zstd")
    write_pools(args.out / "pools-2018-10.toml", pools, headers)
    write_provenance(args.out / "holders-2018-10.provenance.toml", blob, hashes, headers, licence, table)
    print(f"{len(table):,} holders; {sum(p['available'] for p in pools.values()):,} IPv4 addresses available")
    return 0


def write_pools(path: Path, pools: dict[str, dict[str, int]], headers: dict[str, str]) -> None:
    lines = [
        "# Each registry's free IPv4 on the day of its delegated-extended file (13-14 Oct 2018):",
        "# `available` is its free pool, `reserved` what it holds back (not allocated to new holders).",
        "# Source: the five RIRs' delegated-extended statistics as shipped in IPToCC 2.1.2 (NRO, CC-BY-4.0);",
        "# derived by scripts/real_population.py (see holders-2018-10.provenance.toml).",
        "",
    ]
    for key, name in REGISTRIES.items():
        lines += [
            f'["{name}"]',
            f"available = {pools[name]['available']}",
            f"reserved = {pools[name]['reserved']}",
        ]
        lines += [f'header = "{headers[key]}"', ""]
    path.write_text("\n".join(lines))


def write_provenance(
    path: Path,
    blob: bytes,
    hashes: dict[str, str],
    headers: dict[str, str],
    licence: str,
    table: pd.DataFrame,
) -> None:
    lines = [
        "# Provenance of holders-2018-10.parquet and pools-2018-10.toml",
        "# (written by scripts/real_population.py)",
        "",
        "[source]",
        f'package = "{PACKAGE}"',
        'url = "https://pypi.org/project/IPToCC/2.1.2/"',
        f'wheel_sha256 = "{hashlib.sha256(blob).hexdigest()}"',
        f'data_dates = "{DATA_DATES}"',
        f'licence = "{LICENCE}"',
        f'derived = "{datetime.now(UTC).date().isoformat()}"',
        f'rules = "{RULES}"',
        "",
        "[source.legacy_before]",
        *(f'{REGISTRIES[k]!r} = "{v}"'.replace("'", '"') for k, v in LEGACY_BEFORE.items()),
        "",
        "[source.files]",
        *(f'"{name}" = "{digest}"' for name, digest in hashes.items()),
        "",
        "[source.headers]",
        *(f'"{REGISTRIES[k]}" = "{h}"' for k, h in headers.items()),
        "",
        "[source.package_licence]",
        f"text = '''{licence.strip()}'''",
        "",
    ]
    for name, row in summary(table).items():
        lines.append(f'[summary."{name}"]')
        lines += [f"{k} = {v}" for k, v in row.items()]
        lines.append("")
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
