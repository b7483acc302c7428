"""Every bad input gives a clear error naming the parameter, the value and what is allowed."""

from __future__ import annotations

import math
from dataclasses import fields

import pytest

from model import ConfigError, GovernanceEvent, Params, PortabilityModel
from model.params import param_info

NUMERIC = [f for f in fields(Params) if "low" in f.metadata]


@pytest.mark.parametrize("field", NUMERIC, ids=lambda f: f.name)
def test_out_of_range_values_are_refused_with_the_allowed_range(field):
    low, high = field.metadata["low"], field.metadata["high"]
    for bad in (low - 1, high + 1):
        with pytest.raises(
            ConfigError, match=rf"^{field.name} must be .* in \[{low}, {high}\]; got {bad!r}$"
        ):
            Params(**{field.name: bad})


@pytest.mark.parametrize("field", NUMERIC, ids=lambda f: f.name)
@pytest.mark.parametrize("bad", ["abc", True, math.nan, [1]], ids=["text", "bool", "nan", "list"])
def test_values_of_the_wrong_type_are_refused(field, bad):
    with pytest.raises(ConfigError, match=rf"^{field.name} must be"):
        Params(**{field.name: bad})


def test_text_from_a_ui_is_parsed_by_name_and_keywords_take_numbers():
    from model.params import parse_value

    assert parse_value("scale", " 0.01") == 0.01 and parse_value("hold_period", "6") == 6
    assert Params.from_mapping({"scale": "0.01", "hold_period": "6"}).hold_period == 6
    assert Params().with_overrides(hold_period=6.0).hold_period == 6
    with pytest.raises(ConfigError, match=r"^scale must be a number in \[0.0005, 2.0\]; got 'lots'$"):
        parse_value("scale", "lots")
    # a keyword takes a number: text there is likelier a mistake (a string from a page) than meant
    with pytest.raises(ConfigError, match=r"^scale must be a number .* got '0.005' \(text: pass a number"):
        Params().with_overrides(scale="0.005")
    with pytest.raises(ConfigError, match=r"hold_period must be an integer .* got 6.5"):
        Params(hold_period=6.5)


def test_regime_must_be_known():
    with pytest.raises(
        ConfigError, match=r"^regime must be one of \('none', 'status_quo_2018', .*; got 'open'$"
    ):
        Params(regime="open")


def test_unknown_names_are_rejected_with_the_closest_valid_name():
    with pytest.raises(
        ConfigError, match=r"^unknown parameter 'porting_dealy'; did you mean 'porting_delay'\?$"
    ):
        PortabilityModel(seed=1, porting_dealy=3)
    with pytest.raises(ConfigError, match=r"^unknown parameter 'zzz'; valid: "):
        Params.from_mapping({"zzz": 1})


def test_bad_events_name_the_event_and_the_field():
    with pytest.raises(ConfigError, match=r"event for 'ARIN': duration must be an integer >= 1; got 0"):
        GovernanceEvent(registry="ARIN", start=1, duration=0)
    statuses = r"\('degraded', 'failed', 'operating'\)"
    with pytest.raises(ConfigError, match=rf"status must be one of {statuses}; got 'broken'"):
        Params(events=[{"registry": "ARIN", "start": 1, "duration": 2, "status": "broken"}])
    with pytest.raises(ConfigError, match=r"unknown event key 'lenght'"):
        Params(events=[{"registry": "ARIN", "start": 1, "lenght": 2}])
    with pytest.raises(ConfigError, match=r"event registry 'XYZ' is not a registry; valid: ARIN"):
        PortabilityModel(seed=1, scale=0.005, events=[{"registry": "XYZ", "start": 1, "duration": 2}])


def test_bad_registry_overrides_are_refused():
    with pytest.raises(ConfigError, match=r"unknown registry_overrides.ARIN key 'reserve'; did you mean"):
        Params(registry_overrides={"ARIN": {"reserve": 3}})
    with pytest.raises(
        ConfigError, match=r"registry_overrides.ARIN.cost_ratio must be a number in \[0.1, 10.0\]"
    ):
        Params(registry_overrides={"ARIN": {"cost_ratio": 50}})
    with pytest.raises(ConfigError, match=r"registry_overrides: 'ARINN' is not a registry"):
        PortabilityModel(seed=1, scale=0.005, registry_overrides={"ARINN": {"quality": 0.5}})


@pytest.mark.parametrize("seed", ["x", -1, 1.5, [3]])
def test_bad_seeds_are_refused(seed):
    with pytest.raises(ConfigError, match=r"^seed must be a non-negative integer"):
        PortabilityModel(seed=seed, scale=0.005)


def test_bad_engine_is_refused():
    with pytest.raises(ConfigError, match=r"^engine must be one of \('kernel', 'agents'\); got 'fast'$"):
        PortabilityModel(seed=1, scale=0.005, engine="fast")


def test_validation_happens_before_anything_is_built():
    with pytest.raises(ConfigError):
        PortabilityModel(seed=1, scale=50.0)  # would be ~4 million holders if it were built


def test_params_are_frozen_and_complete():
    params = Params()
    with pytest.raises(AttributeError):
        params.scale = 1.0  # type: ignore[misc]
    info = {row["name"]: row for row in param_info()}
    assert set(info) == {f.name for f in fields(Params)}
    assert all(row["doc"] for row in info.values())


def test_every_parameter_has_a_label_and_a_source():
    from model.params import param_info

    for row in param_info():
        if row["name"] in ("events", "registry_overrides"):
            continue
        assert row.get("label"), row["name"]
        assert row.get("source"), f"{row['name']} has no source or [assumption] tag"


@pytest.mark.parametrize("value", ["maybe", {"registry": "ARIN"}, 3])
def test_events_must_be_a_list_of_tables(value):
    with pytest.raises(ConfigError, match=r"^events must be a list of tables; got "):
        Params(events=value)


def test_a_boolean_is_not_a_seed():
    from model import PortabilityModel

    with pytest.raises(ConfigError, match=r"seed must be a non-negative integer; got True"):
        PortabilityModel(seed=True)
