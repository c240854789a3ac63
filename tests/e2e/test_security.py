"""The window only ever shows the app: a script that sends it to another page
is refused (Rust's navigation guard). The other page is a local web server the
test starts, so without the guard the navigation would always complete.
"""
import http.server
import threading
import time

from pages import App
from test_journeys import shot


def test_the_window_cannot_be_sent_to_another_page(driver, request):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    elsewhere = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        app = App(driver).ready()
        origin = driver.execute_script("return location.origin")
        for script in (f"location.href = '{elsewhere}';", f"location.assign('{elsewhere}?again');"):
            # Run it after this WebDriver call returns: a navigation would
            # otherwise be reported as the call's own failure.
            driver.execute_script(f"setTimeout(() => {{ {script} }}, 0)")
            time.sleep(1.0)
            assert driver.execute_script("return location.origin") == origin, script
            assert app.present("key-list"), script
        shot(app, request, "still-the-app")
    finally:
        server.shutdown()
