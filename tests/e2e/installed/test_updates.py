"""Updates, on the app installed from its .deb (tests/install/run.sh runs this).

That build trusts a throw-away public key and asks a loopback server for
updates (both given to it with `tauri build --config` at test time). The server
below announces a signed 0.2.0; each test serves it whole, tampered, signed with
another key or cut short, or does not run at all. After every one of them the
installed app is byte for byte what it was, and dpkg still has the old version.
"""
import hashlib
import http.server
import json
import os
import pathlib
import subprocess
import threading

import pytest

from pages import App

FIXTURES = pathlib.Path(os.environ.get("UPDATE_FIXTURES", ""))
PORT = int(os.environ.get("UPDATE_PORT", "0"))
INSTALLED = pathlib.Path("/usr/bin/studio-keys")



@pytest.fixture(autouse=True)
def fixtures_built():
    if not PORT or not (FIXTURES / "update.deb").exists():
        pytest.fail("run these through tests/install/run.sh: it installs the test build and signs the fixtures")


class Server(http.server.ThreadingHTTPServer):
    """`latest.json` and the artifact, as the scenario says; counts the
    artifact's downloads."""

    allow_reuse_address = True
    daemon_threads = True
    scenario = "good"
    downloads = 0


# What each scenario announces: version, artifact, signature.
SCENARIOS = {
    "good": ("0.2.0", "update.deb", "update.deb.sig"),
    "truncated": ("0.2.0", "update.deb", "update.deb.sig"),
    "tampered": ("0.2.0", "update.deb", "tampered.sig"),
    "wrong-key": ("0.2.0", "update.deb", "wrong-key.sig"),
    # The installed release, correctly signed (as 0.1.0), announced as 0.2.0.
    "older-signed": ("0.2.0", "older.deb", "older.sig"),
    # The server's "latest" is the running version, or an older one.
    "same": ("0.1.0", "older.deb", "older.sig"),
    "older": ("0.0.9", "older.deb", "older.sig"),
}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        scenario = self.server.scenario
        version, artifact, signature = SCENARIOS[scenario]
        deb = (FIXTURES / artifact).read_bytes()
        if self.path == "/latest.json":
            body = json.dumps({
                "version": version,
                "notes": "Faster key lists.\nA clearer one-time dialog.",
                "pub_date": "2026-12-01T09:00:00Z",
                "platforms": {
                    "linux-x86_64-deb": {
                        "url": f"http://127.0.0.1:{PORT}/studio-keys_{version}_amd64.deb",
                        "signature": (FIXTURES / signature).read_text().strip(),
                    }
                },
            }).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == f"/studio-keys_{version}_amd64.deb":
            self.server.downloads += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(deb)))
            self.end_headers()
            if scenario == "truncated":
                # Announce the whole file, send half of it, and hang up.
                self.wfile.write(deb[: len(deb) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
            else:
                self.wfile.write(deb)
        else:
            self.send_error(404)


@pytest.fixture
def server():
    srv = Server(("127.0.0.1", PORT), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def untouched():
    """The installed app and package as they were before the test."""
    def state():
        version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "studio-keys"],
                                 capture_output=True, text=True).stdout
        return hashlib.sha256(INSTALLED.read_bytes()).hexdigest(), version

    before = state()
    assert before[1].startswith("0.1.0"), before
    yield
    assert state() == before, "the installed app changed"


def open_update(app):
    app.visible("update-banner", timeout=40)
    assert "0.2.0" in app.text("update-banner")
    app.click("update-open")
    app.visible("update-dialog")
    assert "Faster key lists." in app.text("update-notes")


VERIFIED = {"en": "signature checks out", "zh-CN": "签名校验通过"}


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_an_update_is_found_shown_downloaded_and_verified(driver, server, untouched, lang):
    app = App(driver).ready()
    open_update(app)
    app.click("update-download")
    app.visible("update-verified", timeout=60)
    assert VERIFIED[lang] in app.text("update-verified")
    assert app.present("update-install"), "a verified update can be installed on the person's word"


@pytest.mark.parametrize("scenario,words", [
    ("tampered", "does not match its signature"),
    ("wrong-key", "does not trust"),
    ("truncated", "cut short"),
    ("older-signed", "signed as another version than the one the update server announced"),
])
def test_a_bad_update_is_refused_and_the_app_untouched(driver, server, untouched, scenario, words):
    server.scenario = scenario
    app = App(driver).ready()
    open_update(app)
    app.click("update-download")
    banner = app.visible("error-banner", timeout=60)
    assert words in banner.get_attribute("textContent"), banner.get_attribute("textContent")
    assert not app.present("update-install")
    assert not app.present("update-verified")
    # Even asked directly (no button offers it), a refused download cannot be installed.
    refused = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.__TAURI_INTERNALS__.invoke('update_install')"
        ".then(() => done('installed'), (e) => done(e && e.details ? e.details.reason : String(e)));"
    )
    assert refused == "update_not_downloaded", refused


def test_an_unreachable_server_is_quiet(driver, untouched):
    app = App(driver).ready()
    app.click("settings")
    # The check runs after the first paint; Settings says when it has failed.
    status = app.wait(40).until(
        lambda d: next((e for e in app.all("update-status") if e.get_attribute("data-state") == "unreachable"), False),
        "Settings does not say the update server was unreachable",
    )
    assert "could not be reached" in status.get_attribute("textContent")
    # Only then can "nothing else was shown" be told.
    assert not app.present("update-banner"), "no update banner"
    assert not app.present("error-banner"), "no error at start"


@pytest.mark.parametrize("scenario", ["same", "older"])
def test_the_same_or_an_older_release_is_up_to_date_and_never_downloaded(driver, server, untouched, scenario):
    server.scenario = scenario
    app = App(driver).ready()
    app.click("settings")
    status = app.wait(40).until(
        lambda d: next((e for e in app.all("update-status") if e.get_attribute("data-state") == "upToDate"), False),
        f"Settings does not say the app is up to date when the server offers {SCENARIOS[scenario][0]}",
    )
    assert "latest version" in status.get_attribute("textContent"), status.get_attribute("textContent")
    assert not app.present("update-banner")
    assert server.downloads == 0, "nothing is downloaded"
