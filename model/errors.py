"""Errors and warnings raised by the model layer."""

from __future__ import annotations

__all__ = ["ConfigError", "ReproducibilityWarning"]


class ConfigError(ValueError):
    """A parameter, scenario or data file holds a value that is not allowed.

    The message always names the offending key, the value given and what is allowed.
    """


class ReproducibilityWarning(UserWarning):
    """A run was started without a seed, so it cannot be repeated exactly."""
