"""An update installed for real, on the app installed from its .deb, as a
person on a desktop does it (tests/install/run.sh runs this last).

The app runs as a throw-away user (UPDATE_USER) in a session of its own. Its
privileged step goes through setuid /usr/bin/pkexec and polkit, as on a
desktop: run.sh wrote a polkit rule that lets only that user, and only for
Studio Keys' install action, past the password prompt, after a one-second
pause (the time a person takes to type a password). The server offers the
real 0.2.0 (its binaries report 0.2.0), signed by the key this build trusts.

1. The package file is swapped for another (the 0.1.0 package, which would
   install) between the app's check and the install: the helper refuses it
   and nothing changes.
2. Installed: dpkg has 0.2.0, the app restarted into it, and About says 0.2.0.
"""
import hashlib
import os
import pathlib
import subprocess
import threading
import time

import pytest
from conftest import ARTIFACTS, start_driver
from pages import App
# `server` is test_updates' fixture: the same update server.
from test_updates import FIXTURES, INSTALLED, open_update, server  # noqa: F401

USER = os.environ.get("UPDATE_USER", "")
# Where run.sh put what the user's session needs: a copy of tauri-driver, a
# home, and the temporary directory the app writes the update to.
USER_ROOT = pathlib.Path(os.environ.get("UPDATE_USER_ROOT", ""))
DRIVER_PORT = int(os.environ.get("E2E_DRIVER_PORT", "4444")) + 10


def installed_version():
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", "studio-keys"],
                          capture_output=True, text=True).stdout


def binary_hash():
    return hashlib.sha256(INSTALLED.read_bytes()).hexdigest()


def user_apps():
    """Pids of the installed app running as the throw-away user."""
    r = subprocess.run(["pgrep", "-u", USER, "-f", "^/usr/bin/studio-keys( |$)"],
                       capture_output=True, text=True)
    return {int(p) for p in r.stdout.split()}


@pytest.fixture(autouse=True)
def prepared():
    if not USER or not (FIXTURES / "update.deb").exists() or not USER_ROOT.is_dir():
        pytest.fail("run these through tests/install/run.sh: it makes the user, the polkit rule and the fixtures")


@pytest.fixture
def user_app(request):
    """Starts tauri-driver as the throw-away user, in a D-Bus session of its
    own, and returns a function that opens a WebDriver session on the app."""
    running = []
    sessions = iter(range(10))

    def stop():
        proc, drv, log, n = running.pop()
        try:
            drv.save_screenshot(str(ARTIFACTS / f"{request.node.name}-{n}.png"))
        except Exception:  # the app may have restarted out from under the driver
            pass
        try:
            drv.quit()
        except Exception:
            pass
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        subprocess.run(["pkill", "-KILL", "-u", USER], check=False)
        deadline = time.time() + 10
        while user_apps() and time.time() < deadline:
            time.sleep(0.1)

    def start():
        if running:
            stop()
        home = USER_ROOT / "home"
        env = {
            "HOME": str(home), "PATH": "/usr/bin:/bin", "DISPLAY": os.environ["DISPLAY"],
            "LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8",
            "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"), "XDG_STATE_HOME": str(home / "state"),
            "XDG_RUNTIME_DIR": str(USER_ROOT / "run"), "TMPDIR": str(USER_ROOT / "tmp"),
            "WEBKIT_DISABLE_COMPOSITING_MODE": os.environ.get("WEBKIT_DISABLE_COMPOSITING_MODE", "0"),
        }
        n = next(sessions)
        log = open(ARTIFACTS / f"{request.node.name}-{n}.driver.log", "w")
        as_user = ["runuser", "-u", USER, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()],
                   "dbus-run-session", "--", str(USER_ROOT / "tauri-driver")]
        proc, drv = start_driver(as_user, None, log, DRIVER_PORT, str(INSTALLED))
        running.append((proc, drv, log, n))
        return drv

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield start
    while running:
        stop()


class Swapper(threading.Thread):
    """Plays another process of the same user: as soon as the app has written
    the verified package for the helper, it puts other bytes in its place
    (the 0.1.0 package, which dpkg would install)."""

    def __init__(self, size):
        super().__init__(daemon=True)
        self.size, self.swapped, self.stop = size, None, threading.Event()

    def run(self):
        other = (FIXTURES / "older.deb").read_bytes()
        while not self.stop.is_set():
            for path in (USER_ROOT / "tmp").glob("studio-keys-update-*/studio-keys-update.deb"):
                try:
                    if path.stat().st_size == self.size:
                        with open(path, "r+b") as f:
                            f.write(other)
                            f.truncate()
                        self.swapped = path
                        return
                except OSError:
                    pass
            time.sleep(0.01)


def test_a_package_swapped_before_the_install_is_refused(user_app, server):
    before = (binary_hash(), installed_version())
    assert before[1].startswith("0.1.0"), before
    app = App(user_app()).ready()
    open_update(app)
    app.click("update-download")
    app.visible("update-verified", timeout=60)
    swapper = Swapper((FIXTURES / "update.deb").stat().st_size)
    swapper.start()
    try:
        app.click("update-install")
        banner = app.visible("error-banner", timeout=60)
    finally:
        # Never left running into the next test, which installs for real.
        swapper.stop.set()
        swapper.join(5)
    assert swapper.swapped, "the app wrote no package where its TMPDIR says"
    text = banner.get_attribute("textContent")
    assert "changed after it was verified" in text, text
    assert (binary_hash(), installed_version()) == before, "the swapped package was installed"
    # The helper's root-owned copy is gone, and its folder with it.
    assert not pathlib.Path("/var/cache/studio-keys").exists()


def test_an_update_is_installed_and_the_app_restarts_into_it(user_app, server):
    assert installed_version().startswith("0.1.0")
    app = App(user_app()).ready()
    open_update(app)
    app.click("update-download")
    app.visible("update-verified", timeout=60)
    (first,) = user_apps()
    app.click("update-install")
    deadline = time.time() + 90
    while not installed_version().startswith("0.2.0"):
        assert time.time() < deadline, f"dpkg still has {installed_version()}"
        time.sleep(0.2)
    # The app quits and starts the installed binary again, as the same user.
    while not (user_apps() - {first}):
        assert time.time() < deadline, "the app did not restart after the install"
        time.sleep(0.2)
    (restarted,) = user_apps() - {first}
    assert os.readlink(f"/proc/{restarted}/exe") == str(INSTALLED), "the restarted app is not the installed binary"
    version = subprocess.run(["/usr/bin/skm", "--version"], capture_output=True, text=True).stdout
    assert "0.2.0" in version, version
    # A fresh session on the restarted app's binary: About says 0.2.0.
    app = App(user_app()).ready()
    app.click("settings")
    about = app.visible("about-version").get_attribute("textContent")
    assert "0.2.0" in about, about
