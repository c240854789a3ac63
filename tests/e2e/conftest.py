"""WebDriver fixtures for the real Studio Keys window.

Each test gets its own tauri-driver (which launches the app through
WebKitWebDriver), started with a fresh config/data/cache dir and the test's
language, so every journey begins from a first run and nothing leaks between
tests. A screenshot of the end state is saved for every test.
"""
import json
import os
import pathlib
import shutil
import socket
import sys
import subprocess
import tempfile
import time

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support.ui import WebDriverWait

ARTIFACTS = pathlib.Path(os.environ.get("E2E_ARTIFACTS", "artifacts/e2e"))
# tauri-driver's port and WebKitWebDriver's after it; another port lets a second
# run share the machine (its EXIT clean-up only stops drivers on its own port).
PORT = int(os.environ.get("E2E_DRIVER_PORT", "4444"))
NATIVE_PORT = PORT + 1


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


def _wait_port(port, deadline):
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.time() > deadline:
                raise RuntimeError(f"tauri-driver: nothing listens on {port}")
            time.sleep(0.1)


def start_driver(driver, env, log, port, application):
    """tauri-driver (`driver`: its command, perhaps behind `runuser`) on `port`
    and WebKitWebDriver on the next one, and a WebDriver session on
    `application`."""
    proc = subprocess.Popen(
        [*driver, "--port", str(port), "--native-port", str(port + 1),
         "--native-driver", os.environ["WEBKIT_DRIVER"]],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 30
    # tauri-driver listens before WebKitWebDriver does: wait for both.
    _wait_port(port, deadline)
    _wait_port(port + 1, deadline)
    drv = webdriver.Remote(command_executor=f"http://127.0.0.1:{port}", options=TauriOptions(application))
    return proc, drv


class AppHome:
    """The throw-away directories one app run lives in."""

    def __init__(self, lang: str):
        self.root = pathlib.Path(tempfile.mkdtemp(prefix="studio-keys-e2e-"))
        self.lang = lang
        self.env = dict(os.environ)
        for name in ("config", "data", "cache", "state"):
            (self.root / name).mkdir()
            self.env[f"XDG_{name.upper()}_HOME"] = str(self.root / name)
        locale = {"zh-CN": "zh_CN.UTF-8", "zh-TW": "zh_TW.UTF-8", "ja": "ja_JP.UTF-8"}.get(lang, "en_US.UTF-8")
        self.env.update(LANG=locale, LC_ALL=locale, LANGUAGE=lang.replace("-", "_"))

    @property
    def sandbox_db(self) -> pathlib.Path:
        return self.root / "data" / "studio-keys" / "sandbox.db"


# tauri-plugin-single-instance owns this name on the session bus while an app runs.
SINGLE_INSTANCE_NAME = "app.studiokeys.desktop.SingleInstance"


def _bus_name_taken(name):
    r = subprocess.run(
        ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
         "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", f"string:{name}"],
        capture_output=True, text=True, timeout=10,
    )
    return "boolean true" in r.stdout


# The test build of the app (`make app-faults`): its sandbox can fail a region.
FAULTS_APP = str(pathlib.Path(os.environ["STUDIO_KEYS_APP"]).with_name("studio-keys-faults"))


def app_alive():
    """Whether an instance of the app (either build) is running."""
    pattern = f"^({os.environ['STUDIO_KEYS_APP']}|{FAULTS_APP})( |$)"
    return subprocess.run(["pgrep", "-f", pattern], capture_output=True).returncode == 0


def _kill_app(name_may_stay_held=False):
    """Make sure no app instance outlives its test: a window that refuses to close
    (the one-time dialog guards it) would otherwise make the next launch hand
    over to it through the single-instance plugin and never open."""
    pattern = f"^({os.environ['STUDIO_KEYS_APP']}|{FAULTS_APP})( |$)"
    subprocess.run(["pkill", "-KILL", "-f", pattern], check=False)
    deadline = time.time() + 10
    while time.time() < deadline:
        gone = subprocess.run(["pgrep", "-f", pattern], capture_output=True).returncode != 0
        # The bus drops a dead instance's name a moment later; a launch before that
        # would try to hand over to it and fail.
        if gone and (name_may_stay_held or not _bus_name_taken(SINGLE_INSTANCE_NAME)):
            return
        time.sleep(0.1)
    raise RuntimeError("the previous app instance (or its single-instance bus name) did not go away")


@pytest.fixture
def lang():
    return "en"


@pytest.fixture
def home(lang):
    h = AppHome(lang)
    yield h
    shutil.rmtree(h.root, ignore_errors=True)


@pytest.fixture
def launch(request, home):
    """Starts the app (through a fresh tauri-driver) and returns the WebDriver.
    Calling it again stops the running app first (same home: a relaunch)."""
    running = []
    count = 0

    def _stop():
        proc, drv, log, suffix = running.pop()
        try:
            drv.save_screenshot(str(ARTIFACTS / f"{request.node.name}{suffix}.png"))
        except WebDriverException:
            # The app ended itself (a test of quitting): no window to show.
            if app_alive():
                raise
        finally:
            try:
                drv.quit()
            except Exception:  # the app may already be gone; it is killed below anyway
                pass
            finally:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                log.close()
                _kill_app()

    def _launch(name_may_stay_held=False, application=None, env=None):
        """`application`: another build of the app (the fault-injection one);
        `env`: variables added to the home's for this launch."""
        nonlocal count
        if running:
            _stop()
        _kill_app(name_may_stay_held)
        for port in (PORT, NATIVE_PORT):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    raise RuntimeError(f"port {port} is taken: a tauri-driver from another run is still up")
        suffix = "" if count == 0 else f"-{count}"
        count += 1
        log = open(ARTIFACTS / f"{request.node.name}{suffix}.driver.log", "w")
        proc, drv = start_driver([os.environ["TAURI_DRIVER"]], {**home.env, **(env or {})}, log, PORT,
                                 application or os.environ["STUDIO_KEYS_APP"])
        running.append((proc, drv, log, suffix))
        return drv

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield _launch
    while running:
        _stop()


@pytest.fixture
def driver(launch):
    return launch()


def wait(drv, timeout=20):
    return WebDriverWait(drv, timeout, poll_frequency=0.1)


def start_stand_in(script, record, env):
    """A stand-in for a desktop service (`script` beside this file), started
    on the test session bus; returns once it owns its bus name (it prints
    one line then, "ready")."""
    proc = subprocess.Popen(
        [sys.executable, str(pathlib.Path(__file__).with_name(script)), str(record)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = proc.stdout.readline().strip()
    if line != "ready":
        proc.kill()
        raise RuntimeError(f"{script} did not start: {line} {proc.stderr.read()}")
    return proc


@pytest.fixture
def notifications(home):
    """A stand-in for the desktop's notification service on the test session
    bus: records every notification the app sends (notifications.py)."""
    record = home.root / "notifications.jsonl"
    proc = start_stand_in("notifications.py", record, home.env)

    class Recorded:
        def sent(self):
            if not record.exists():
                return []
            return [json.loads(x) for x in record.read_text().splitlines() if x.strip()]

    yield Recorded()
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
