"""The portability model: registries, resource holders, regimes, governance events."""

from model.errors import ConfigError, ReproducibilityWarning
from model.model import PortabilityModel
from model.params import GovernanceEvent, Params
from model.scenarios import describe_scenario, list_scenarios, load_scenario

__all__ = [
    "ConfigError",
    "GovernanceEvent",
    "Params",
    "PortabilityModel",
    "ReproducibilityWarning",
    "describe_scenario",
    "list_scenarios",
    "load_scenario",
]
