"""A stand-in for the desktop shell's tray host on the private test session
bus (Xvfb has none). It owns org.kde.StatusNotifierWatcher before the app
starts and says a host is registered (`IsStatusNotifierHostRegistered`;
without one libayatana-appindicator falls back to an XEmbed icon nobody can
read). Each item that registers is written as a JSON line {"bus", "path"} to
the file named on the command line. Prints "ready" once it owns the name.

The tests then read the item's menu and click in it over D-Bus themselves
(tray.py), as a panel does: com.canonical.dbusmenu GetLayout and Event.
"""
import json
import sys

from jeepney import DBusAddress, HeaderFields, MessageType, new_error, new_method_return, new_signal

from stand_in import own

NAME = "org.kde.StatusNotifierWatcher"
PATH = "/StatusNotifierWatcher"
INTROSPECTION = """<node>
 <interface name="org.kde.StatusNotifierWatcher">
  <method name="RegisterStatusNotifierItem"><arg name="service" type="s" direction="in"/></method>
  <method name="RegisterStatusNotifierHost"><arg name="service" type="s" direction="in"/></method>
  <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
  <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
  <property name="ProtocolVersion" type="i" access="read"/>
  <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
  <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
  <signal name="StatusNotifierHostRegistered"/>
 </interface>
</node>"""


def main(record_path):
    conn = own(NAME)
    if conn is None:
        return 1
    items = []
    watcher = DBusAddress(PATH, interface=NAME)

    def properties():
        return {
            "RegisteredStatusNotifierItems": ("as", items),
            "IsStatusNotifierHostRegistered": ("b", True),
            "ProtocolVersion": ("i", 0),
        }

    while True:
        msg = conn.receive()
        if msg.header.message_type != MessageType.method_call:
            continue
        member = msg.header.fields.get(HeaderFields.member)
        sender = msg.header.fields.get(HeaderFields.sender)
        if member == "RegisterStatusNotifierItem":
            (service,) = msg.body
            # libayatana-appindicator names its object path; others a bus name.
            path = service if service.startswith("/") else "/StatusNotifierItem"
            bus = sender if service.startswith("/") else service
            items.append(f"{bus}{path}")
            with open(record_path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"bus": bus, "path": path}) + "\n")
            conn.send(new_method_return(msg))
            conn.send(new_signal(watcher, "StatusNotifierItemRegistered", "s", (f"{bus}{path}",)))
        elif member == "RegisterStatusNotifierHost":
            conn.send(new_method_return(msg))
        elif member == "Get":
            _, name = msg.body
            value = properties().get(name)
            if value is None:
                conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownProperty", "s", (name,)))
            else:
                conn.send(new_method_return(msg, "v", (value,)))
        elif member == "GetAll":
            conn.send(new_method_return(msg, "a{sv}", (properties(),)))
        elif member == "Introspect":
            conn.send(new_method_return(msg, "s", (INTROSPECTION,)))
        elif member == "Ping":
            conn.send(new_method_return(msg))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (str(member),)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
