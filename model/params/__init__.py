"""Every parameter of the model: its default, its bounds, its meaning. The only place they live.

`Params` is one flat frozen dataclass (`model.params.params`) assembled from sections, one
file each: the run's size and regime (`regime`), the holders (`holders`), the registries
(`registries`), the market and entry (`market`), the remedies (`remedies`).
"""

from model.params.events import DatedChange, GovernanceEvent
from model.params.fields import EVENT_STATUSES, REGISTRY_OVERRIDE_KEYS, REMEDY_NAMES
from model.params.params import Params, check_names, param_info, parse_value

__all__ = [
    "EVENT_STATUSES",
    "REGISTRY_OVERRIDE_KEYS",
    "REMEDY_NAMES",
    "DatedChange",
    "GovernanceEvent",
    "Params",
    "check_names",
    "param_info",
    "parse_value",
]
