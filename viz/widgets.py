"""The app's browser-side widgets: a chart, a Play pacer, download buttons, the page's address.

`Chart` is Solara's ECharts widget with its own template (`echart.vue`): it resizes with its
container, formats tooltips, and marks the month it shows. `Player` (`player.vue`) asks the
server for the next step only after the last one has reached the browser. `Downloads`
(`download.vue`) asks the server for a file and saves it. `Address` (`address.vue`) keeps the
browser's address equal to the run on screen and copies it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import ipyvuetify
import traitlets
from solara.components.echarts import EchartsWidget

__all__ = ["Address", "Chart", "Downloads", "Player"]

log = logging.getLogger("rir.app")
#: a file to save: (bytes, file name, MIME type)
File = tuple[bytes, str, str]


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


class Downloads(ipyvuetify.VuetifyTemplate):
    """Buttons (`items`: key, text, label) whose click asks `on_request(key, href)` for a file."""

    template_file = (__file__, "download.vue")

    items = traitlets.List([]).tag(sync=True)
    file_bytes = traitlets.Bytes(None, allow_none=True).tag(sync=True)
    file_name = traitlets.Unicode("").tag(sync=True)
    file_mime = traitlets.Unicode("application/octet-stream").tag(sync=True)
    file_serial = traitlets.Int(0).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    on_request: Callable[[str, str], File | None] | None = None

    def vue_request(self, data: dict[str, str]) -> None:
        """The browser asks for the file of `data["key"]`; the page is at `data["href"]`.

        `on_request` returns the file, or None when it will come later (`deliver`).
        """
        if self.on_request is None:
            return
        try:
            file = self.on_request(str(data.get("key")), str(data.get("href", "")))
        except Exception as exc:  # the button must not stay busy; the message goes to the log and the page
            log.exception("download %s failed", data.get("key"))
            self.error = f"{type(exc).__name__}: {exc}"
            return
        if file is not None:
            self.deliver(file)

    def deliver(self, file: File) -> None:
        """Send `file` (bytes, name, MIME type) to the browser, which saves it."""
        content, name, mime = file
        self.file_name, self.file_mime, self.file_bytes = name, mime, content
        self.file_serial += 1


class Address(ipyvuetify.VuetifyTemplate):
    """Sets the browser's address to `?<query>` and offers "Copy link"."""

    template_file = (__file__, "address.vue")

    query = traitlets.Unicode("").tag(sync=True)
