"""A copied key does not outlive the app on the X clipboard (issue 30): the
real app, a key copied in its window, SIGTERM, and the clipboard read with
xclip.

Without a clipboard manager the X server drops a dead owner's selection by
itself, so an empty clipboard after the app is gone proves nothing. The test
also watches the selection with XFixes, as clipboard managers do, and requires
that the app gave the key up itself (its owner set to None) before it ended.
The alternative, its client closing while it still owns the key, is the moment
a manager that keeps the last clipboard of a vanished owner would keep the
key. A process killed outright (SIGKILL) cannot give it up: the same watch
sees exactly that, the control that shows this test can fail.
"""
import os
import signal
import socket
import subprocess
import threading
import time

from Xlib import display
from Xlib.error import ConnectionClosedError
from Xlib.ext import xfixes

from conftest import app_alive
from pages import App
from test_journeys import create_all
from test_tray import clipboard, wait_until

KINDS = {xfixes.XFixesSetSelectionOwnerNotify: "owner set",
         xfixes.XFixesSelectionWindowDestroyNotify: "owner window destroyed",
         xfixes.XFixesSelectionClientCloseNotify: "owner client closed"}


class SelectionWatch:
    """Every change of the CLIPBOARD selection's owner, as (kind, owner window)."""

    def __init__(self, env):
        self.display = display.Display(env["DISPLAY"])
        self.display.xfixes_query_version()
        clipboard_atom = self.display.intern_atom("CLIPBOARD")
        self.display.xfixes_select_selection_input(
            self.display.screen().root, clipboard_atom,
            xfixes.XFixesSetSelectionOwnerNotifyMask | xfixes.XFixesSelectionWindowDestroyNotifyMask
            | xfixes.XFixesSelectionClientCloseNotifyMask)
        self.display.flush()
        self.events = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            try:
                event = self.display.next_event()
            except Exception:  # the connection was shut down by close()
                return
            if isinstance(event, xfixes.SelectionNotify):
                self.events.append((KINDS[event.sub_code], getattr(event.owner, "id", event.owner)))

    def owned_by_a_window(self):
        """The last change seen set an owner (a copy), none since."""
        return bool(self.events) and self.events[-1][0] == "owner set" and self.events[-1][1] != 0

    def close(self):
        # Wakes the reader, blocked reading the connection, with its end.
        self.display.display.socket.shutdown(socket.SHUT_RDWR)
        self.reader.join(5)
        assert not self.reader.is_alive(), "the selection watch did not stop"
        try:
            self.display.close()
        except ConnectionClosedError:  # the shutdown above ended it already
            pass


def app_pid():
    pattern = f"^{os.environ['STUDIO_KEYS_APP']}( |$)"
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split()
    assert len(found) == 1, f"not one app process: {found}"
    return int(found[0])


def copy_a_new_key(app, home, description):
    """A key made and copied with the one-time dialog's Copy: on the clipboard,
    marked for clipboard managers not to record."""
    _, value = create_all(app, description)
    app.click("one-time-copy")
    wait_until(lambda: clipboard(home.env) == value, 5, "the dialog's Copy put nothing on the clipboard")
    targets = subprocess.run(["xclip", "-o", "-selection", "clipboard", "-t", "TARGETS"], env=home.env,
                             capture_output=True, text=True, timeout=10).stdout.split()
    assert "x-kde-passwordManagerHint" in targets, f"no history-exclusion hint among {targets}"
    return value


def end_with(sig, watch):
    """Send `sig` to the app; the owner changes the watch saw from then until it ended."""
    wait_until(watch.owned_by_a_window, 5, f"the watch did not see the copy: {watch.events}")
    seen = len(watch.events)
    os.kill(app_pid(), sig)
    wait_until(lambda: not app_alive(), 15, f"the app did not end after {sig.name}")
    # The X server reports a closed client's selection a moment after it ends.
    wait_until(lambda: len(watch.events) > seen, 5, f"no owner change after {sig.name}: {watch.events}")
    return watch.events[seen:]


def test_a_copied_key_is_given_up_by_the_app_itself_when_it_is_terminated(launch, home):
    watch = SelectionWatch(home.env)
    try:
        app = App(launch()).ready()
        value = copy_a_new_key(app, home, "exit sigterm")
        after = end_with(signal.SIGTERM, watch)
        assert after[:1] == [("owner set", 0)], \
            f"the app did not clear the clipboard before it ended; the clipboard's owner changes: {after}"
        assert value not in clipboard(home.env), "the key outlived the app on the clipboard"

        # The control: killed outright, the app still owns the key when its client closes.
        app = App(launch()).ready()
        value = copy_a_new_key(app, home, "exit sigkill")
        after = end_with(signal.SIGKILL, watch)
        assert after and after[0][0] != "owner set", f"the watch cannot tell a kill from a clear: {after}"
    finally:
        watch.close()
