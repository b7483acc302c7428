"""Print the Markdown parameter table of docs/ODD.md from `Params` (the test checks the doc)."""

from __future__ import annotations

import argparse

from model.params import param_info


def cell(value: object) -> str:
    if value is None:
        return "regime's"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value) if value not in ((), {}) else ("[]" if value == () else "{}")


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(description=__doc__.strip()).parse_args(argv)  # --help, and no other option
    print("| parameter | default | allowed | unit | meaning | source |")
    print("|---|---|---|---|---|---|")
    for row in param_info():
        if "choices" in row:
            allowed = ", ".join(row["choices"])
        elif "low" in row:
            allowed = f"[{row['low']:g}, {row['high']:g}]" + (" integer" if row.get("integer") else "")
        elif row.get("month"):
            allowed = "YYYY-MM"
        else:
            allowed = "see below"
        unit = row.get("unit") or ""
        source = row.get("source", "")
        print(f"| `{row['name']}` | {cell(row['default'])} | {allowed} | {unit} | {row['doc']} | {source} |")


if __name__ == "__main__":
    main()
