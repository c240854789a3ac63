"""WebDriver fixtures for the real Studio Keys window (tauri-driver on :4444)."""
import os
import pathlib
import shutil
import tempfile

import pytest
from selenium import webdriver
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support.ui import WebDriverWait

ARTIFACTS = pathlib.Path(os.environ.get("E2E_ARTIFACTS", "artifacts/e2e"))


class TauriOptions(ArgOptions):
    """Capabilities tauri-driver understands: it launches `application` itself."""

    def __init__(self, application: str):
        super().__init__()
        self.set_capability("browserName", "wry")
        self.set_capability("tauri:options", {"application": application})

    def to_capabilities(self):
        return dict(self._caps)

    @property
    def default_capabilities(self):
        return {}


@pytest.fixture
def app_env(monkeypatch):
    """A fresh config/data dir per test, so each journey starts from a first run."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="studio-keys-e2e-"))
    for name in ("config", "data", "cache", "state"):
        (root / name).mkdir()
        monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(root / name))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def driver(request, app_env):
    # tauri-driver starts the app as its own child, so it inherits our environment.
    drv = webdriver.Remote(
        command_executor="http://127.0.0.1:4444",
        options=TauriOptions(os.environ["STUDIO_KEYS_APP"]),
    )
    drv.implicitly_wait(0)
    yield drv
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = request.node.name.replace("/", "_")
    try:
        drv.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    finally:
        drv.quit()


def wait(drv, timeout=20):
    return WebDriverWait(drv, timeout, poll_frequency=0.1)
