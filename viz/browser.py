"""Drive the app in Chromium (Playwright) and read what the browser has drawn.

Shared by the browser tests, the app benchmark and the screenshot script. Everything here
waits on the page's state (the month shown, a chart's drawn data), never on a fixed time.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from viz.labels import tab_class

__all__ = [
    "TIMEOUT",
    "chart_texts",
    "charts_drawn",
    "choose",
    "clashes",
    "month_at_least",
    "month_is",
    "month_shown",
    "observed_marks",
    "open_app",
    "overflowing",
    "steps",
    "tab",
]

TIMEOUT = 60_000  # ms; a first page load on a busy 2-core machine

# What ECharts has drawn in every visible chart of the open tab: its size, its series (each
# with its smallest and largest value), the extent of its drawn x axis and of a value y axis.
# The instance comes from ECharts itself (getInstanceByDom), so this reads the browser's
# state, not the option the server sent.
_CHARTS_JS = """
async (within) => {
  const cdn = window.solara ? window.solara.cdn : '/_solara/cdn';
  const echarts = await new Promise((ok) => requirejs([`${cdn}/echarts@5.4.0/dist/echarts.js`], ok));
  const out = [];
  for (const el of document.querySelectorAll(`${within} .solara-echarts`)) {
    if (!el.offsetParent) continue;  // in a hidden tab
    const chart = echarts.getInstanceByDom(el);
    if (!chart) { out.push({width: el.clientWidth, drawn: false}); continue; }
    const model = chart.getModel();
    const option = chart.getOption();
    const x = model.getComponent('xAxis', 0);
    const xdata = (option.xAxis && option.xAxis[0] && option.xAxis[0].data) || [];
    const labels = x && x.axis.type === 'category' ? x.axis.getViewLabels().map((l) => l.formattedLabel) : [];
    const surface = el.querySelector('svg, canvas');
    const title = (option.title && option.title[0] && option.title[0].text) || '';
    const y = model.getComponent('yAxis', 0);
    const value = (d) => (Array.isArray(d) ? d[d.length - 1]
      : (d !== null && typeof d === 'object' ? value(d.value) : d));
    const series = (option.series || []).map((s) => {
      const values = (s.data || []).map(value).filter((v) => typeof v === 'number' && Number.isFinite(v));
      return {
        name: s.name, type: s.type, points: (s.data || []).length,
        last: (s.data && s.data.length) ? s.data[s.data.length - 1] : null,
        min: values.length ? Math.min(...values) : null, max: values.length ? Math.max(...values) : null,
      };
    });
    out.push({
      drawn: true, title, width: chart.getWidth(), height: chart.getHeight(),
      canvas: surface ? surface.getBoundingClientRect().width : 0,  // the drawing's own width
      series, x_type: x ? x.axis.type : null, x_extent: x ? x.axis.scale.getExtent() : null,
      y_extent: y && y.axis.type === 'value' ? y.axis.scale.getExtent() : null,
      over_time: xdata.length > 0 && xdata[0] === 0,  // a category axis of months 0..n
      month: el.dataset.month === undefined ? null : Number(el.dataset.month), x_labels: labels,
    });
  }
  return out;
}
"""

# The start of a page function that visits each drawn chart of the open tab (`within` selects
# it): ECharts itself, then `el` (the chart's element) and `chart` (its instance); the rest of
# the loop's body, the loop's end and `return out` follow it.
_EACH_DRAWN_CHART = """
async (within) => {
  const cdn = window.solara ? window.solara.cdn : '/_solara/cdn';
  const echarts = await new Promise((ok) => requirejs([`${cdn}/echarts@5.4.0/dist/echarts.js`], ok));
  const out = [];
  for (const el of document.querySelectorAll(`${within} .solara-echarts`)) {
    if (!el.offsetParent) continue;
    const chart = echarts.getInstanceByDom(el);
    if (!chart) continue;
"""

# Every text ECharts has drawn in each visible chart (SVG text elements), as the boxes the
# browser measured (after rotation), in the chart's own pixels; with the plot's rectangle and
# the chart's place on the page: enough to check that nothing overlaps or leaves the chart.
_TEXTS_JS = (
    _EACH_DRAWN_CHART
    + """
    const box = el.getBoundingClientRect();
    const texts = [];
    for (const t of el.querySelectorAll('svg text')) {  // drawn as SVG: the boxes the browser measured
      const r = t.getBoundingClientRect();
      if (!t.textContent.trim() || r.width === 0) continue;
      texts.push({text: t.textContent, x: r.left - box.left, y: r.top - box.top, w: r.width, h: r.height});
    }
    const grid = chart.getModel().getComponent('grid', 0);
    const rect = grid && grid.coordinateSystem ? grid.coordinateSystem.getRect() : null;
    const option = chart.getOption();
    const marks = [];
    (option.series || []).forEach((s) => ((s.markArea && s.markArea.data) || []).forEach((pair) => {
      const label = pair[0].label;
      if (label && label.show) marks.push(label.formatter);
    }));
    out.push({
      title: (option.title && option.title[0] && option.title[0].text) || '',
      width: chart.getWidth(), height: chart.getHeight(), texts, marks,
      plot: rect ? {x: rect.x, y: rect.y, w: rect.width, h: rect.height} : null,
      page: {x: box.left, y: box.top, w: box.width, h: box.height},
    });
  }
  return out;
}
"""
)

# The observed points of each visible chart that has them (series id "observed"), where ECharts
# puts them: each marker's centre, size and symbol in the chart's pixels, its month, value and
# tooltip name ("" for a range's cap); each period's box; with the plot's rectangle, the chart's
# place on the page, the value axis's extent and the legend's entries.
_OBSERVED_JS = (
    _EACH_DRAWN_CHART
    + """
    const option = chart.getOption();
    const series = (option.series || []).find((s) => s.id === 'observed');
    if (!series) continue;
    const model = chart.getModel();
    const rect = model.getComponent('grid', 0).coordinateSystem.getRect();
    const box = el.getBoundingClientRect();
    const y = model.getComponent('yAxis', 0);
    const points = series.data.map((d) => {
      const [x, px] = [d.value, chart.convertToPixel({seriesId: 'observed'}, d.value)];
      const size = d.symbolSize || series.symbolSize;
      return {month: x[0], value: x[1], name: d.name || '', x: px[0], y: px[1],
              symbol: d.symbol || series.symbol,
              w: Array.isArray(size) ? size[0] : size, h: Array.isArray(size) ? size[1] : size};
    });
    const boxes = ((series.markArea && series.markArea.data) || []).map((pair) => {
      const [a, b] = pair.map((p) => chart.convertToPixel({seriesId: 'observed'}, p.coord));
      const [x, y] = [Math.min(a[0], b[0]), Math.min(a[1], b[1])];
      return {x, y, w: Math.abs(b[0] - a[0]), h: Math.abs(b[1] - a[1])};
    });
    out.push({
      title: (option.title && option.title[0] && option.title[0].text) || '', points, boxes,
      plot: {x: rect.x, y: rect.y, w: rect.width, h: rect.height},
      page: {x: box.left, y: box.top, w: box.width, h: box.height},
      y_extent: y.axis.scale.getExtent(), legend: (option.legend && option.legend[0].data) || [],
    });
  }
  return out;
}
"""
)

# Text that does not fit its box: an element whose content is wider than itself and hides
# or spills it (cards, alerts, labels), with the text it cuts.
_OVERFLOW_JS = """
() => {
  const bad = [];
  for (const el of document.querySelectorAll('.v-card, .v-alert, .v-label, .v-card__title, .headline-item')) {
    if (!el.offsetParent) continue;
    if (el.scrollWidth > el.clientWidth + 2) bad.push((el.innerText || '').slice(0, 80));
  }
  return bad;
}
"""


def open_app(page: Page, url: str) -> None:
    """Open the page and wait until it can be used: the Step button and month 0 on screen."""
    page.goto(url)
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_enabled(timeout=TIMEOUT)
    month_is(page, 0)


def month_is(page: Page, month: int) -> None:
    """Wait until the page says it is at `month`."""
    expect(page.get_by_text(re.compile(rf"^Month {month}\b")).first).to_be_visible(timeout=TIMEOUT)


def month_shown(page: Page) -> int | None:
    """The month the page says it is at, or None before the first run is on screen."""
    text = page.evaluate(
        "() => { const el = document.querySelector('.month-title'); return el ? el.innerText : ''; }"
    )
    found = re.match(r"Month (\d+)\b", text)
    return int(found.group(1)) if found else None


def month_at_least(page: Page, month: int) -> int:
    """Wait until the page is at `month` or later (Play runs on); return the month shown."""
    _wait(page, lambda: (month_shown(page) or 0) >= month, f"month {month} or later")
    return month_shown(page) or 0


def steps(page: Page, n: int, start: int = 0) -> None:
    """Click Step `n` times, waiting for each new month on screen."""
    button = page.get_by_role("button", name="Step", exact=True)
    for month in range(start + 1, start + n + 1):
        button.click()
        month_is(page, month)


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the select labelled `label`."""
    page.locator(".v-select", has=page.get_by_text(label, exact=True)).first.click()
    item = page.locator(".menuable__content__active .v-list-item", has_text=option).first
    # a menu renders its first 20 items; scrolling to its end renders more (the compare list is longer)
    menu = page.locator(".menuable__content__active")
    for _ in range(20):
        if item.count():
            break
        menu.evaluate("(el) => { el.scrollTop = el.scrollHeight; }")
        page.wait_for_function("() => new Promise((ok) => requestAnimationFrame(() => ok(true)))")
    item.click()


def tab(page: Page, name: str) -> str:
    """Open the dashboard tab `name`; wait for its content, in place; return its CSS selector."""
    page.get_by_role("tab", name=name, exact=True).click()
    selector = "." + tab_class(name)
    page.locator(selector).wait_for(timeout=TIMEOUT)
    # the tabs slide in: a screenshot taken during the slide shows the charts shifted aside
    page.wait_for_function(
        "() => !document.querySelector('.v-window__container--is-active')", timeout=TIMEOUT
    )
    return selector


def charts_drawn(
    page: Page, month: int | None = None, count: int | None = None, within: str = ""
) -> list[dict[str, Any]]:
    """The visible charts (inside the CSS selector `within`) as drawn, once each is drawn (at `month`)."""
    state: list[dict[str, Any]] = []

    def ready() -> bool:
        nonlocal state
        state = page.evaluate(_CHARTS_JS, within)
        if not state or (count is not None and len(state) != count):
            return False
        for chart in state:
            if not chart["drawn"] or chart["width"] < 50 or chart["canvas"] < 50:
                return False
            if month is not None and chart["month"] is not None and chart["month"] != month:
                return False
        return True

    _wait(page, ready, f"charts drawn (month {month}, count {count}); last seen {state}")
    return state


def chart_texts(page: Page, within: str = "") -> list[dict[str, Any]]:
    """The texts drawn in each visible chart (inside `within`), with their boxes (see `_TEXTS_JS`)."""
    return page.evaluate(_TEXTS_JS, within)


def clashes(chart: dict[str, Any], slack: float = 1.0) -> list[str]:
    """What is wrong with a drawn chart's texts: two that overlap, or one outside the chart."""
    out = []
    texts = chart["texts"]
    for t in texts:
        if (
            t["x"] < -slack
            or t["y"] < -slack
            or t["x"] + t["w"] > chart["width"] + slack
            or (t["y"] + t["h"] > chart["height"] + slack)
        ):
            out.append(
                f"{t['text']!r} leaves the chart ({t['x']:.0f},{t['y']:.0f} {t['w']:.0f}x{t['h']:.0f})"
            )
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if (
                a["x"] + slack < b["x"] + b["w"]
                and b["x"] + slack < a["x"] + a["w"]
                and a["y"] + slack < b["y"] + b["h"]
                and b["y"] + slack < a["y"] + a["h"]
            ):
                out.append(f"{a['text']!r} overlaps {b['text']!r}")
    return out


def observed_marks(page: Page, within: str = "") -> list[dict[str, Any]]:
    """The observed points drawn in each visible chart (inside `within`) that has any (`_OBSERVED_JS`)."""
    return page.evaluate(_OBSERVED_JS, within)


def overflowing(page: Page) -> list[str]:
    """Texts on the page that do not fit their box."""
    return page.evaluate(_OVERFLOW_JS)


def _wait(page: Page, ready: Any, what: str, timeout_ms: int = TIMEOUT) -> None:
    """Poll `ready()` between animation frames until it is true (state, not a fixed sleep)."""
    import time

    deadline = time.monotonic() + timeout_ms / 1000
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_function("() => new Promise((ok) => requestAnimationFrame(() => ok(true)))")
