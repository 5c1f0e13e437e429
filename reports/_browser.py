"""Open a report in a real headless Chromium (through Playwright's Python package) to check
that it renders offline and to take screenshots. Needs the ``dev`` extra and a Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from snn_dse.errors import InputError

__all__ = ["RenderResult", "find_chromium", "render_report"]

#: Flags for a quiet, offline, root-safe headless Chromium.
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-unsafe-swiftshader",
)
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Per plot: whether plotly drew it and how many data points its traces hold.
_PLOTS_JS = """
() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => ({
  id: el.id,
  drawn: !!el._fullLayout && el.querySelector('.main-svg') !== null,
  points: (el.data || []).reduce((n, t) => n + (t.x ? t.x.length :
      (t.dimensions && t.dimensions.length ? t.dimensions[0].values.length : 0)), 0),
}))
"""


def find_chromium() -> str | None:
    """Path of a Chromium or Chrome: ``$BROWSER_PATH``, else the first found on ``PATH``."""
    configured = os.environ.get("BROWSER_PATH")
    if configured and Path(configured).exists():
        return configured
    return next((path for name in _CANDIDATES if (path := shutil.which(name))), None)


@dataclass
class RenderResult:
    """What a headless browser saw when it opened a report."""

    plots: dict[str, dict[str, int | bool]] = field(default_factory=dict)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)


def render_report(
    html: str | Path,
    screenshot: str | Path | None = None,
    *,
    width: int = 1400,
    height: int = 1000,
    full_page: bool = False,
    timeout_ms: int = 60_000,
    inspect: Callable[[Any], None] | None = None,
) -> RenderResult:
    """Open ``html`` in headless Chromium, wait until every plot is drawn, record console
    errors, failed requests and any request that is not to a local file, and optionally save a
    PNG screenshot of the viewport (or of the whole page with ``full_page``). ``inspect`` is
    called with the Playwright page once the plots are drawn, before the screenshot."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise InputError("rendering a report needs Playwright: pip install 'snn-dse[dev]'") \
            from error
    browser_path = find_chromium()
    if browser_path is None:
        raise InputError("rendering a report needs Chromium: apt-get install chromium "
                         "(or set BROWSER_PATH to a Chrome/Chromium binary)")
    result = RenderResult()
    url = Path(html).resolve().as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path,
                                             args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("console", lambda m: result.console_errors.append(m.text)
                    if m.type == "error" else None)
            page.on("pageerror", lambda e: result.console_errors.append(str(e)))
            page.on("requestfailed", lambda r: result.failed_requests.append(r.url))
            page.on("request", lambda r: result.external_requests.append(r.url)
                    if not r.url.startswith(("file:", "data:", "blob:")) else None)
            page.goto(url, wait_until="load", timeout=timeout_ms)
            page.wait_for_function(
                "Array.from(document.querySelectorAll('.js-plotly-plot'))"
                ".every(el => el._fullLayout && el.querySelector('.main-svg'))",
                timeout=timeout_ms,
            )
            page.wait_for_timeout(500)
            result.plots = {p["id"]: {"drawn": p["drawn"], "points": p["points"]}
                            for p in page.evaluate(_PLOTS_JS)}
            if inspect is not None:
                inspect(page)
            if screenshot is not None:
                Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), full_page=full_page)
        finally:
            browser.close()
    return result
