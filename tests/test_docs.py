"""The documentation stays true to the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from model.params import param_info
from model.reporters import MODEL_REPORTERS, REGISTRY_REPORTERS

ROOT = Path(__file__).resolve().parents[1]
ODD = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")


def documented_parameters() -> dict[str, str]:
    rows = re.findall(r"^\| `(\w+)` \| ([^|]*) \|", ODD, flags=re.MULTILINE)
    return {name: default.strip() for name, default in rows}


@pytest.mark.parametrize("row", param_info(), ids=lambda r: r["name"])
def test_every_parameter_is_in_the_odd_table_with_its_default(row):
    table = documented_parameters()
    assert row["name"] in table, f"{row['name']} is missing from the parameter table in docs/ODD.md"
    cell, default = table[row["name"]], row["default"]
    if default is None:
        assert cell == "regime's"
    elif isinstance(default, str):
        assert cell == f'"{default}"'
    elif isinstance(default, int | float):
        assert float(cell) == pytest.approx(default, rel=1e-5), (
            f"{row['name']}: ODD says {cell}, code {default}"
        )
    else:
        assert cell in ("[]", "{}")


def test_every_output_column_is_documented():
    for column in ["step", *MODEL_REPORTERS, *REGISTRY_REPORTERS]:
        assert f"`{column}`" in ODD, f"output column {column} is not documented in docs/ODD.md"


def test_odd_has_the_seven_sections():
    for heading in [
        "## 1. Purpose and patterns",
        "## 2. Entities, state variables and scales",
        "## 3. Process overview and scheduling",
        "## 4. Design concepts",
        "## 5. Initialization",
        "## 6. Input data",
        "## 7. Submodels",
    ]:
        assert heading in ODD


def test_agents_never_import_the_model_package():
    for path in (ROOT / "agents").glob("*.py"):
        body = path.read_text(encoding="utf-8").split("if TYPE_CHECKING:")[0]
        assert not re.search(r"^(from|import) model\b", body, flags=re.MULTILINE), path.name
