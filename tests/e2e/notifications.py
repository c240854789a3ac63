"""A stand-in for the desktop's notification service (org.freedesktop.Notifications)
on the private test session bus: it answers as a notification daemon does and
writes each notification it is sent as a JSON line to the file named on the
command line. Prints "ready" once it owns the name.

The app's notifications go through tauri-plugin-notification (notify-rust),
which calls Notify on this name; a real desktop shows them, this records them.
"""
import json
import sys

from jeepney import HeaderFields, MessageType, new_error, new_method_return

from stand_in import own

NAME = "org.freedesktop.Notifications"


def main(record_path):
    conn = own(NAME)
    if conn is None:
        return 1
    sent = 0
    while True:
        msg = conn.receive()
        if msg.header.message_type != MessageType.method_call:
            continue
        member = msg.header.fields.get(HeaderFields.member)
        if member == "Notify":
            app_name, replaces_id, icon, summary, body, actions, hints, timeout = msg.body
            sent += 1
            with open(record_path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"app": app_name, "summary": summary, "body": body, "icon": icon},
                                   ensure_ascii=False) + "\n")
            conn.send(new_method_return(msg, "u", (sent,)))
        elif member == "GetCapabilities":
            conn.send(new_method_return(msg, "as", (["body"],)))
        elif member == "GetServerInformation":
            conn.send(new_method_return(msg, "ssss", ("studio-keys-test-notifications", "tests", "1", "1.2")))
        elif member == "CloseNotification":
            conn.send(new_method_return(msg))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
