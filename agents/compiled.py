"""The readable rules, compiled: how the fast kernels run the very functions a reader reads.

Every rule in `agents/` is written once, as plain Python on one holder or one registry
(`agents.holder.decide`, `agents.market.holder_order`, ...): that is what a reader reads,
what the per-agent engine runs and what the tests pin down. `compiled(rule)` is the same
function compiled by numba and inlined where a kernel loop calls it. The rules a rule calls
(`agents.utility.move_value`, ...) are compiled the same way, so the kernel contains no
re-typed copy of any rule: equality with the readable path holds by construction (numba,
without fastmath, keeps the order of floating-point operations).

numba's on-disk cache knows only the file of the function it caches, not the files of the
functions inlined into it: `refresh_stale_cache` drops the kernels' cache when any rule's
source changed since it was written, so an edited rule is never run from a stale binary.
"""

from __future__ import annotations

import hashlib
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from numba import njit

__all__ = ["allocates", "compiled", "refresh_stale_cache"]

_TWINS: dict[Callable[..., Any], Any] = {}
_HERE = Path(__file__).resolve().parent


def allocates(rule: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a rule that builds arrays (a month's table, its results): `compiled` gives it plain `njit`."""
    rule.allocates = True  # type: ignore[attr-defined]
    return rule


def compiled(rule: Callable[..., Any]) -> Any:
    """`rule` compiled by numba; the rules it calls compiled alike and inlined into it.

    A global name in `rule`'s code that refers to a plain function of an `agents.` module is
    a rule too: the compiled twin reads its compiled twin instead. Anything else (`math`,
    enums, constants) is read as the rule reads it.

    A rule compiled this way works on arrays it is handed and allocates none: its twin is
    inlined by LLVM wherever it is called (`forceinline`) and counts no references
    (`_nrt=False`; the caller keeps the arrays alive). Counting them cost ~100-200 ns a
    call (every array in the holders' tuple counted in and out, in the loop), ten times the
    rule's own work; numba's inlining of its IR (`inline="always"`) was as slow. A rule that
    allocates (a table built once a month, a month's results: marked `@allocates`) is compiled
    with plain `njit`, cached on disk, and called, not inlined.
    """
    if rule in _TWINS:
        return _TWINS[rule]
    namespace = dict(rule.__globals__)
    for name in _global_names(rule.__code__):
        value = namespace.get(name)
        if isinstance(value, types.FunctionType) and value.__module__.startswith("agents."):
            namespace[name] = compiled(value)
    twin = types.FunctionType(rule.__code__, namespace, rule.__name__, rule.__defaults__, rule.__closure__)
    twin.__qualname__ = rule.__qualname__
    twin.__module__ = rule.__module__
    if getattr(rule, "allocates", False):
        _TWINS[rule] = njit(cache=True, error_model="numpy")(twin)
    else:
        _TWINS[rule] = njit(forceinline=True, _nrt=False)(twin)
    return _TWINS[rule]


def _global_names(code: types.CodeType) -> set[str]:
    """Names a code object (and the code objects nested in it) may read as globals."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def refresh_stale_cache() -> None:
    """Drop the compiled kernels' cache in `agents/__pycache__` if any rule's source changed.

    The fingerprint of every module in `agents/` is kept beside the cache; a mismatch
    removes numba's index and data files, which numba then rebuilds. A folder that cannot
    be written (an installed, read-only package) is left alone: numba then caches elsewhere
    or not at all, and never from stale sources it could not check.
    """
    digest = hashlib.sha256()
    for source in sorted(_HERE.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    cache = _HERE / "__pycache__"
    stamp = cache / "rules.sha256"
    try:
        if stamp.exists() and stamp.read_text() == digest.hexdigest():
            return
        cache.mkdir(exist_ok=True)
        for stale in (*cache.glob("*.nbi"), *cache.glob("*.nbc")):
            stale.unlink(missing_ok=True)
        stamp.write_text(digest.hexdigest())
    except OSError:
        return
