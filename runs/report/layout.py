"""Saving a figure, and checking what was drawn: no text on another text, none off the canvas.

`save_figure` writes the PNG (300 dpi) and the PDF. While the PNG is drawn, every text that
is actually drawn is recorded with its extent as the renderer measured it (tick labels,
titles, legends, annotations, value labels). `text_problems` then names any two texts that
overlap, any text that leaves the canvas, and any text placed in an axes that crosses the
axes' frame. Problems are logged as warnings (the figure is still written); the tests assert
that the figures the reports draw have none.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from runs.files import write_atomic

__all__ = ["Drawn", "drawn_texts", "save_figure", "text_problems"]

log = logging.getLogger(__name__)
TOLERANCE = 1.0  # pixels: texts that merely touch are not overlapping


@dataclass(frozen=True)
class Drawn:
    """A text as drawn: the artist, its extent, the canvas's and its axes' frame, in the same pixels."""

    text: Text
    extent: Bbox
    canvas: Bbox
    frame: Bbox | None  # the axes it is placed in (an annotation, a label in the plot), else None


@contextlib.contextmanager
def drawn_texts() -> Iterator[list[Drawn]]:
    """Record every text drawn inside the block (the renderer's own extents, at the last draw).

    A constrained layout draws the figure more than once; each text keeps where it was last
    drawn, which is where it is on the saved image.
    """
    drawn: list[Drawn] = []
    last: dict[int, Drawn] = {}
    original = Text.draw

    def draw(self: Text, renderer: Any) -> None:
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            extent = Text.get_window_extent(self, renderer)  # the text alone (an annotation's arrow apart)
            placed = self.axes is not None and self in self.axes.texts
            frame = self.axes.bbox.frozen() if placed else None  # measured now: saving changes the dpi
            last[id(self)] = Drawn(self, extent.frozen(), self.figure.bbox.frozen(), frame)

    Text.draw = draw  # type: ignore[method-assign]
    try:
        yield drawn
    finally:
        Text.draw = original  # type: ignore[method-assign]
        drawn.extend(last.values())


def _words(text: Text) -> str:
    return repr(" ".join(text.get_text().split())[:40])


def _overlap(a: Bbox, b: Bbox) -> bool:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width > TOLERANCE and height > TOLERANCE


def text_problems(drawn: list[Drawn]) -> list[str]:
    """Texts that overlap, leave the canvas, or cross the frame of the axes they are placed in."""
    problems = []
    for d in drawn:
        c, e = d.canvas, d.extent
        if (
            e.x0 < c.x0 - TOLERANCE
            or e.y0 < c.y0 - TOLERANCE
            or e.x1 > c.x1 + TOLERANCE
            or e.y1 > c.y1 + TOLERANCE
        ):
            problems.append(f"{_words(d.text)} leaves the canvas")
        frame = d.frame
        if frame is not None:
            inside = frame.x0 <= e.x0 and e.x1 <= frame.x1 and frame.y0 <= e.y0 and e.y1 <= frame.y1
            if not inside and _overlap(e, frame):
                problems.append(f"{_words(d.text)} crosses the frame of its axes")
    for a, b in itertools.combinations(drawn, 2):
        if _overlap(a.extent, b.extent):
            problems.append(f"{_words(a.text)} overlaps {_words(b.text)}")
    return problems


def save_figure(figure: plt.Figure, folder: Path, name: str) -> str:
    """Write `name`.png (300 dpi) and `name`.pdf into `folder`, checking the PNG's texts; close it."""
    try:
        buffer = io.BytesIO()
        with drawn_texts() as drawn:
            figure.savefig(buffer, format="png", dpi=300)
        for problem in text_problems(drawn):
            log.warning("figure %s: %s", name, problem)
        write_atomic(folder / f"{name}.png", buffer.getvalue())
        buffer = io.BytesIO()
        figure.savefig(buffer, format="pdf")
        write_atomic(folder / f"{name}.pdf", buffer.getvalue())
    finally:
        plt.close(figure)
    return f"figures/{name}.png"
