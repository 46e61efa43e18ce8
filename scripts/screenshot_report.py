"""Render an HTML report in headless Chromium and save a PNG, to look at the report as a browser draws it.

    python scripts/screenshot_report.py output/report.html [--png /tmp/report.png] [--width 1280 --height 2400]

Chromium runs with networking features off and a throwaway profile, so the screenshot also shows
that the page needs nothing from the network. Needs `chromium` on PATH (Debian: apt-get install
chromium; fonts-noto-cjk for the Chinese text).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_SECONDS = 120


class ScreenshotError(Exception):
    """Chromium is missing or did not produce a screenshot; the message says which."""


def find_chromium() -> str | None:
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def screenshot(html: Path, png: Path, width: int = 1280, height: int = 2400) -> Path:
    """Render `html` headless at width × height pixels into `png`."""
    browser = find_chromium()
    if browser is None:
        raise ScreenshotError(f"no Chromium on PATH (looked for {', '.join(CHROMIUM_NAMES)}); "
                              "install it with `apt-get install chromium`")
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-chromium-") as profile:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                   f"--user-data-dir={profile}", f"--screenshot={png}", f"--window-size={width},{height}",
                   html.resolve().as_uri()]
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    if not png.exists() or png.stat().st_size == 0:
        raise ScreenshotError(f"Chromium wrote no screenshot (exit {result.returncode}): {result.stderr[-500:]}")
    return png


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the report, e.g. output/report.html")
    parser.add_argument("--png", type=Path, default=Path("/tmp/report.png"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=2400)
    args = parser.parse_args()
    if not args.html.is_file():
        print(f"error: {args.html} does not exist — run `jixiao report --out DIR` first", file=sys.stderr)
        return 2
    try:
        png = screenshot(args.html, args.png, args.width, args.height)
    except ScreenshotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{png} ({png.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
