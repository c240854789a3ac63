"""What the desktop-service stand-ins (notifications.py, tray_host.py) share:
a connection to the test session bus that owns `name`, or a reason why not."""
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

DO_NOT_QUEUE = 4
PRIMARY_OWNER = 1


def own(name):
    """The connection, once it owns `name`; prints "ready" then, as the
    tests' fixtures wait for (conftest.start_stand_in). None if another
    process owns it."""
    conn = open_dbus_connection(bus="SESSION")
    (result,) = conn.send_and_get_reply(message_bus.RequestName(name, DO_NOT_QUEUE)).body
    if result != PRIMARY_OWNER:
        print(f"could not own {name}: {result}", flush=True)
        return None
    print("ready", flush=True)
    return conn
