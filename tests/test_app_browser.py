"""The classroom app in a real headless Chromium (Debian's package, driven by Playwright).

The app runs as ``laossim app`` on a free loopback port; the tests press
Step, move a slider and Reset, open two sessions, and check that nothing the
page loads leaves 127.0.0.1. Screenshots go to ``test-artifacts/``.
Without a ``chromium`` on the PATH these tests are skipped, unless
``LAOSSIM_REQUIRE_BROWSER`` is set (CI sets it), when they fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from conftest import BASELINE, ROOT

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("LAOSSIM_REQUIRE_BROWSER"):
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """``laossim app`` on the baseline, on a free loopback port, for the module's tests."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / "app-server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "laossim", "app", str(BASELINE), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                server.kill()
                pytest.fail(f"laossim app did not start: see {ARTIFACTS / 'app-server.log'}")
            time.sleep(0.3)
    yield url
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser(chromium: str):
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def open_page(browser, url: str, requests: list[str]):
    """A new browser session (its own context: cookies, so its own Solara session) on the app."""
    page = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    expect(page.locator(".laossim-period")).to_contain_text("step 0 of 80", timeout=60_000)
    return page


def step(page, times: int, start: int) -> None:
    for k in range(1, times + 1):
        page.get_by_role("button", name="Step").click()
        expect(page.locator(".laossim-period")).to_contain_text(f"step {start + k} of", timeout=30_000)


def image_sources(page) -> list[str]:
    return page.eval_on_selector_all("img", "els => els.map(e => e.src)")


def settled(page, count: int = 3, timeout: float = 60) -> list[str]:
    """Wait until the page shows ``count`` images, each decoded at its full size, with the same
    sources for a second (Solara may swap a figure just after it first appears); return them."""
    deadline = time.time() + timeout
    last: list[str] = []
    since = time.time()
    while time.time() < deadline:
        now = page.eval_on_selector_all(
            "img", "els => els.every(e => e.complete && e.naturalWidth > 300) ? els.map(e => e.src) : []"
        )
        if now != last:
            last, since = now, time.time()
        elif len(now) == count and time.time() - since >= 1.0:
            return now
        page.wait_for_timeout(200)
    page.screenshot(path=ARTIFACTS / "app-not-settled.png", full_page=True)
    pytest.fail(f"the page did not settle on {count} decoded images: {len(last)}; see app-not-settled.png")


def redrawn(page, before: list[str], timeout: float = 90) -> None:
    """Wait until every figure is redrawn: three images again, none as it was before. On a timeout,
    say which stayed as they were, with a screenshot."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        now = image_sources(page)
        if len(now) == len(before) and not set(now) & set(before):
            return
        page.wait_for_timeout(250)
    page.screenshot(path=ARTIFACTS / "app-not-redrawn.png", full_page=True)
    same = [i for i, src in enumerate(now) if src in before]
    pytest.fail(f"{len(now)} images (before: {len(before)}); unchanged: {same}; see app-not-redrawn.png")


def test_map_plots_and_feed_render_and_step_advances_the_scores(browser, app_url):
    requests: list[str] = []
    page = open_page(browser, app_url, requests)
    before = settled(page)  # map, simplex, scores
    expect(page.locator(".laossim-feed").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "app-step0.png", full_page=True)

    step(page, 5, start=0)
    redrawn(page, before)
    settled(page)
    expect(page.locator(".laossim-feed").first).to_contain_text("2026-Q1")  # step 5 of a 2025-Q1 start
    expect(page.locator(".laossim-ministry")).to_contain_text("defence ministry: US$")
    expect(page.locator(".laossim-allocation")).to_contain_text("border incidents")
    page.screenshot(path=ARTIFACTS / "app-step5.png", full_page=True)
    off = [u for u in requests if not u.startswith(LOOPBACK)]
    assert requests and not off, off


def shows(slider, value: float, timeout: float = 30_000) -> None:
    """Wait until the slider's thumb reports ``value`` (Vuetify keeps ``aria-valuenow`` current)."""
    slider.page.wait_for_function(
        "([el, v]) => Math.abs(parseFloat(el.getAttribute('aria-valuenow')) - v) < 1e-9",
        arg=[slider.element_handle(), value],
        timeout=timeout,
    )


def test_a_moved_slider_takes_effect_on_reset(browser, app_url):
    requests: list[str] = []
    page = open_page(browser, app_url, requests)
    expect(page.locator(".laossim-settings")).to_contain_text("Lao PDR: autonomy 0.70")
    step(page, 2, start=0)
    slider = page.locator(".v-input", has_text="Lao PDR: autonomy").locator(".v-slider__thumb-container")
    slider.focus()
    for value in (0.65, 0.60, 0.55, 0.50):  # four steps of 0.05 down, from 0.70, one at a time as a
        page.keyboard.press("ArrowLeft")  # person presses: a burst races the server's echo of each value
        shows(slider, value)
        page.wait_for_timeout(300)
        shows(slider, value)
    page.get_by_role("button", name="Reset").click()
    expect(page.locator(".laossim-period")).to_contain_text("step 0 of", timeout=30_000)
    expect(page.locator(".laossim-settings")).to_contain_text("Lao PDR: autonomy 0.50", timeout=30_000)
    page.screenshot(path=ARTIFACTS / "app-after-reset.png", full_page=True)
    assert not [u for u in requests if not u.startswith(LOOPBACK)]


def test_two_futures_step_side_by_side_on_one_seed(browser, app_url):
    """A class picks a second scenario: both step together, each with its map, scores and feed,
    and the differences of the headline scores read below them."""
    requests: list[str] = []
    page = open_page(browser, app_url, requests)
    page.locator(".laossim-compare").click()
    page.locator(".v-menu__content .v-list-item", has_text="laos_debt_squeeze").click()
    expect(page.locator(".laossim-right-period")).to_contain_text("laos_debt_squeeze", timeout=60_000)
    expect(page.locator(".laossim-shared-seed")).to_contain_text("shared seed")
    for k in range(1, 9):  # two years: into the squeeze
        page.get_by_role("button", name="Step both").click()
        expect(page.locator(".laossim-left-period")).to_contain_text(f"step {k} of", timeout=30_000)
        expect(page.locator(".laossim-right-period")).to_contain_text(f"step {k} of", timeout=30_000)
    expect(page.locator(".laossim-differences")).to_contain_text("Right minus left: ")
    expect(page.locator(".laossim-right-scores")).to_contain_text("focal security")
    settled(page, count=3)  # two maps and the scores of both
    page.screenshot(path=ARTIFACTS / "app-side-by-side.png", full_page=True)
    assert not [u for u in requests if not u.startswith(LOOPBACK)]


def test_two_browser_sessions_step_independently(browser, app_url):
    requests: list[str] = []
    first = open_page(browser, app_url, requests)
    second = open_page(browser, app_url, requests)
    step(first, 3, start=0)
    step(second, 1, start=0)
    expect(first.locator(".laossim-period")).to_contain_text("step 3 of")
    expect(second.locator(".laossim-period")).to_contain_text("step 1 of")
    second.screenshot(path=ARTIFACTS / "app-second-session.png", full_page=True)
    assert not [u for u in requests if not u.startswith(LOOPBACK)]


def test_a_report_opens_in_the_browser_with_every_image_and_no_console_error(browser, tmp_path):
    import laossim
    from laossim.report import report

    folder = laossim.run(laossim.load_scenario(BASELINE), replications=2, steps=8).save(tmp_path / "run")
    page = browser.new_context().new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report(folder).as_uri())
    loaded = page.eval_on_selector_all("img", "els => els.map(e => e.complete && e.naturalWidth > 0)")
    assert loaded == [True, True, True]
    assert not errors
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    page.screenshot(path=ARTIFACTS / "report.png", full_page=True)


def test_play_pause_and_the_scenario_picker(browser, app_url):
    requests: list[str] = []
    page = open_page(browser, app_url, requests)
    page.get_by_role("button", name="▶").click()
    expect(page.locator(".laossim-period")).to_contain_text("step 3 of", timeout=30_000)
    page.get_by_role("button", name="❚❚").click()
    page.wait_for_timeout(1500)
    paused = page.locator(".laossim-period").inner_text()
    page.wait_for_timeout(1500)
    assert page.locator(".laossim-period").inner_text() == paused  # no longer advancing

    page.locator(".laossim-scenario").click()
    page.get_by_role("option", name="teaching_minimal").click()
    expect(page.locator(".laossim-period")).to_contain_text("step 0 of 40", timeout=30_000)
    expect(page.get_by_text("laossim: teaching_minimal")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "app-teaching-minimal.png", full_page=True)
    assert not [u for u in requests if not u.startswith(LOOPBACK)]


def test_at_1280x720_sliders_show_values_mesas_rendering_controls_are_hidden_and_map_labels_read(browser, app_url):
    """A classroom projector: every slider says its value, Mesa's render-interval and threads
    controls (meaningless here) are gone, and the map's labels are drawn at least 9 pixels high."""
    from laossim.app.views import DPI, MAP_LABEL_SIZE

    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(app_url)
    expect(page.locator(".laossim-period")).to_contain_text("step 0 of 80", timeout=60_000)
    settled(page)
    expect(page.get_by_text("Render Interval")).to_be_hidden()
    expect(page.get_by_text("Use Threads")).to_be_hidden()
    expect(page.get_by_text("Play Interval")).to_be_visible()  # the speed of play means something
    shown = page.eval_on_selector("[aria-label='Lao PDR: autonomy']", "e => getComputedStyle(e, '::after').content")
    assert shown == '"0.7"', shown
    assert not page.locator("[aria-label='China: autonomy']").count()  # a pole gets no autonomy slider
    width, natural = page.eval_on_selector("img", "e => [e.clientWidth, e.naturalWidth]")  # the map comes first
    label_pixels = MAP_LABEL_SIZE * DPI / 72 * width / natural
    page.screenshot(path=ARTIFACTS / "app-1280x720.png")
    assert label_pixels >= 9, (width, natural, label_pixels)
