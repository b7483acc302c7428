"""The model's agents: resource holders (networks) and registries (RIRs)."""

from agents.holder import NetworkAgent
from agents.registry import RegistryAgent

__all__ = ["NetworkAgent", "RegistryAgent"]
