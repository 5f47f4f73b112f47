"""Capture pages for a human to look at: `python scripts/screenshots.py BASE_URL USER PASSWORD PATH...`.

Writes screenshots/<path>-<lang>-<size>-<n>.png, cut into screen-sized parts so that each
can be read. Signs in first when USER is not "-". Uses Debian's chromium.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
OUT = Path("screenshots")


def capture(base, user, password, paths):
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for lang in ("ko", "en"):
            for size_name, (width, height) in SIZES.items():
                context = browser.new_context(base_url=base, viewport={"width": width, "height": height})
                context.add_cookies([{"name": "lang", "value": lang, "url": base}])
                page = context.new_page()
                if user != "-":
                    page.goto("/login")
                    page.fill("#username", user)
                    page.fill("#password", password)
                    page.click("main input[type=submit]")
                    page.evaluate("1")
                for path in paths:
                    page.goto(path)
                    total = page.evaluate("document.documentElement.scrollHeight")
                    name = path.strip("/").replace("/", "_") or "root"
                    for n, top in enumerate(range(0, total, height * 2)):
                        clip = {"x": 0, "y": top, "width": width, "height": min(height * 2, total - top)}
                        page.screenshot(
                            path=str(OUT / f"{name}-{lang}-{size_name}-{n}.png"), full_page=True, clip=clip
                        )
                context.close()
        browser.close()


if __name__ == "__main__":
    capture(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
