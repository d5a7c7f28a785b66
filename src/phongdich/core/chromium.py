"""Debian's Chromium, as the browser tests and the screenshot script launch it through Playwright."""

CHROMIUM = "/usr/bin/chromium"
# Headless, and quiet on a machine whose only network is the loopback.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
