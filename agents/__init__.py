"""The model's agents: resource holders (networks) and registries (RIRs), and every rule they follow."""

from agents.compiled import refresh_stale_cache

# before any kernel loads from numba's cache: a rule edited since the cache was written (in
# another file than the kernel that inlines it) must not run from the stale binary
refresh_stale_cache()

from agents.holder import NetworkAgent  # noqa: E402
from agents.registry import RegistryAgent  # noqa: E402

__all__ = ["NetworkAgent", "RegistryAgent"]
