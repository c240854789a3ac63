"""A second launch hands over to the running window through a D-Bus name
(tauri-plugin-single-instance). When the name's owner cannot take the hand-over
(an instance that is exiting after a crash, or hung), the app must still open."""
import os
import pathlib
import subprocess
import sys

from conftest import ARTIFACTS, SINGLE_INSTANCE_NAME, _bus_name_taken
from pages import App

# Owns the name and answers every call with an error, as a dying instance does.
STALE_OWNER = f"""
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection
from jeepney.low_level import MessageType
from jeepney.wrappers import new_error
conn = open_dbus_connection(bus="SESSION")
assert conn.send_and_get_reply(message_bus.RequestName("{SINGLE_INSTANCE_NAME}")).body[0] == 1
print("owned", flush=True)
while True:
    msg = conn.receive()
    if msg.header.message_type == MessageType.method_call:
        conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownObject"))
"""


def test_opens_when_the_running_instance_cannot_take_the_handover(launch, request):
    owner = subprocess.Popen([sys.executable, "-c", STALE_OWNER], stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout.readline().strip() == "owned"
        assert _bus_name_taken(SINGLE_INSTANCE_NAME)
        app = App(launch(name_may_stay_held=True)).ready()
        assert app.rows(), "the sandbox's keys are listed"
        log = pathlib.Path(ARTIFACTS / f"{request.node.name}.driver.log").read_text()
        # Tried twice, then opened on its own: the scenario really happened.
        assert "relaunching (retry)" in log and "relaunching (off)" in log, log[-2000:]
    finally:
        owner.kill()
        owner.wait()
