"""The app's two browser-side widgets: a chart that survives hidden tabs, and a Play pacer.

`Chart` is Solara's ECharts widget with its own template (`echart.vue`): it resizes with its
container, formats tooltip numbers, and marks the month it shows. `Player` (`player.vue`)
asks the server for the next step only after the last one has reached the browser.
"""

from __future__ import annotations

from typing import Any

import ipyvuetify
import traitlets
from solara.components.echarts import EchartsWidget

__all__ = ["Chart", "Player"]


class Chart(EchartsWidget):
    """An ECharts figure; `option["_month"]` is shown on the element as data-month."""

    template_file = (__file__, "echart.vue")


class Player(ipyvuetify.VuetifyTemplate):
    """While `playing`, the browser calls `on_tick(month)` once per `interval` ms at most."""

    template_file = (__file__, "player.vue")

    playing = traitlets.Bool(False).tag(sync=True)
    interval = traitlets.Int(150).tag(sync=True)
    month = traitlets.Int(0).tag(sync=True)
    on_tick = traitlets.Callable(None, allow_none=True)

    def vue_tick(self, month: Any) -> None:
        """The browser asks for the step after `month`."""
        if self.on_tick is not None:
            self.on_tick(int(month))
