"""Classroom app responsiveness: ``python benchmarks/app.py [SCENARIO] [--steps N]``.

Starts ``laossim app`` on a free loopback port, opens it in headless
Chromium (Debian's ``chromium``), presses Step N times and prints a table of
the time from each click until the page shows the new step with every figure
redrawn: what a class waits for on the projector.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
STEP_AND_WAIT = """async (k) => {
  const images = () => [...document.querySelectorAll('img')].map(e => e.src);
  const before = images();
  const step = [...document.querySelectorAll('button')].find(b => b.textContent.trim().toLowerCase() === 'step');
  const start = performance.now();
  step.click();
  await new Promise(done => {
    const check = () => {
      const now = images();
      const redrawn = now.length === before.length && now.every((s, i) => s !== before[i]);
      if (redrawn && document.body.innerText.includes(`step ${k} of`)) done(); else requestAnimationFrame(check);
    };
    check();
  });
  return performance.now() - start;
}"""
"""Click Step inside the page and wait, frame by frame, for the new step with every figure redrawn
(Playwright's own waits poll every 0.5 s after a while, which would swamp what is measured)."""

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "laos_baseline.yaml"))
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args(argv)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "laossim", "app", args.scenario, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        server_start = time.perf_counter() - started
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            opened = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("text=step 0 of", timeout=60_000)
            page.wait_for_function("document.querySelectorAll('img').length >= 3")
            first_page = time.perf_counter() - opened
            latencies = [page.evaluate(STEP_AND_WAIT, k) / 1000 for k in range(1, args.steps + 1)]
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    rows = [
        ("server start (s)", server_start),
        ("first page with every figure (s)", first_page),
        (f"Step to redrawn page, median of {args.steps} (s)", statistics.median(latencies)),
        (f"Step to redrawn page, slowest of {args.steps} (s)", max(latencies)),
    ]
    print(f"laossim app on {Path(args.scenario).stem}")
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
