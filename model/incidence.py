"""Who gains and who pays: fees and welfare by registry and holder size, month by month.

Holders fall in size classes by the IPv4 they hold (in /24 blocks): a /24, up to a /22, a
/20, a /16, or larger; holders of no IPv4 (AS numbers only) form their own class. Each
month `Incidence.collect` sums, per registry and class, the members, the yearly fees they
pay (schedule x the registry's multiplier) and their yearly utility by the truth
(`model.reporters.holder_utility`: quality, neutrality, taste, fees); `frame()` gives the
means per member (`incidence_frame()` of the model).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["SIZE_CLASSES", "Incidence", "by_size_class", "class_key", "size_class"]

#: (label, most /24 blocks in the class): a /24, /22, /20, /16, larger; "no IPv4" first
SIZE_CLASSES = (("no IPv4", 0), ("/24", 1), ("/22", 4), ("/20", 16), ("/16", 256), ("larger", np.inf))


def size_class(ipv4: np.ndarray) -> np.ndarray:
    """Each holder's size class (index into `SIZE_CLASSES`) by its /24 blocks."""
    bounds = np.array([most for _, most in SIZE_CLASSES[:-1]], dtype=float)
    return np.searchsorted(bounds, ipv4, side="left")


class Incidence:
    """Per month, registry and size class: members, fees paid and utility (sums)."""

    def __init__(self, registries: Sequence[str]) -> None:
        """Collect for these registries (their order is the holders' registry index)."""
        self.registries = tuple(registries)
        self.months: list[np.ndarray] = []  # each (3, R, classes): members, fees, utility

    def collect(self, registry: np.ndarray, ipv4: np.ndarray, fees: np.ndarray, utility: np.ndarray) -> None:
        """This month's sums (`fees`: USD a year each holder pays; `utility`: USD a year)."""
        n_r, n_c = len(self.registries), len(SIZE_CLASSES)
        cell = registry * n_c + size_class(ipv4)
        sums = [np.bincount(cell, weights=w, minlength=n_r * n_c) for w in (None, fees, utility)]
        self.months.append(np.stack(sums).reshape(3, n_r, n_c))

    def frame(self, dates: np.ndarray) -> pd.DataFrame:
        """One row per month, registry and size class: `members`, `fee_usd`, `welfare_usd` (means).

        `fee_usd`: the mean yearly fee a member of the class pays; `welfare_usd`: its mean
        yearly utility, USD (NaN where the class has no member). `dates`: each month's date.
        """
        data = np.stack(self.months)  # (months, 3, R, classes)
        months, _, n_r, n_c = data.shape
        members = data[:, 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            fee = np.where(members > 0, data[:, 1] / members, np.nan)
            welfare = np.where(members > 0, data[:, 2] / members, np.nan)
        step = np.repeat(np.arange(months), n_r * n_c)
        return pd.DataFrame(
            {
                "step": step,
                "date": np.asarray(dates)[step],
                "registry": np.tile(np.repeat(self.registries, n_c), months),
                "size_class": np.tile([label for label, _ in SIZE_CLASSES], months * n_r),
                "members": members.ravel().astype(np.int64),
                "fee_usd": fee.ravel(),
                "welfare_usd": welfare.ravel(),
            }
        )


def class_key(label: str) -> str:
    """A size class as a column name's part: "no IPv4" -> "no_ipv4", "/22" -> "22"."""
    return label.replace("/", "").replace(" ", "_").lower()


def by_size_class(frame: pd.DataFrame, months: int) -> pd.DataFrame:
    """Per size class over the last `months` months of an `incidence_frame()`, all registries.

    `fee_usd` and `welfare_usd`: the means per member-month (every member weighs alike),
    in `SIZE_CLASSES` order; a class with no member is left out.
    """
    last = frame[frame.step > frame.step.max() - months]
    members = last.members.to_numpy(dtype=float)
    sums = (
        last.assign(
            fee=np.nan_to_num(last.fee_usd.to_numpy()) * members,
            welfare=np.nan_to_num(last.welfare_usd.to_numpy()) * members,
        )
        .groupby("size_class", sort=False)[["members", "fee", "welfare"]]
        .sum()
    )
    sums = sums[sums.members > 0]
    order = [label for label, _ in SIZE_CLASSES if label in sums.index]
    sums = sums.loc[order]
    return pd.DataFrame({"fee_usd": sums.fee / sums.members, "welfare_usd": sums.welfare / sums.members})
