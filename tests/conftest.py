"""Fixtures shared by several test files."""

from __future__ import annotations

import secrets

import pytest

from gaiko.annotation.server import start_server


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory):
    """A fresh Label Studio on 127.0.0.1 with a random user and token, and the environment pointing at it.

    One server for the whole session (about 30 s to migrate a fresh data dir); tests that use it are marked
    `label_studio`.
    """
    token = secrets.token_hex(20)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LABEL_STUDIO_USERNAME", "admin@gaiko.test")
        env.setenv("LABEL_STUDIO_PASSWORD", secrets.token_urlsafe(16))
        env.setenv("LABEL_STUDIO_USER_TOKEN", token)
        env.delenv("LABEL_STUDIO_API_KEY", raising=False)
        server = start_server(tmp_path_factory.mktemp("label-studio"))
        env.setenv("LABEL_STUDIO_URL", server.url)
        try:
            yield server, token
        finally:
            server.stop()


# Flags that keep Chromium off the network: without them it opens background connections at start.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (headless); Playwright's own browser download is never used."""
    import shutil

    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run scripts/install.sh")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()
