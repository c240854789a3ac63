"""The window only ever shows the app: a script that sends it to another page,
or opens another window on one, is refused (Rust's navigation and new-window
guards). The other page is a local web server the test starts, which counts
the requests it gets: a navigation or a new window that went ahead would ask
it for its page, so the count must stay at zero. The count itself is checked
with one request of the test's own.
"""
import http.server
import threading
import time
import urllib.request

from pages import App
from test_journeys import shot

# Long enough for a navigation to reach a server on this computer many times over.
SETTLE_S = 1.5


class CountingHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.requests.append(self.path)
        body = b"<!doctype html><title>elsewhere</title>elsewhere"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_the_window_cannot_be_sent_to_another_page(driver, request):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    server.requests = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    elsewhere = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        app = App(driver).ready()
        origin = driver.execute_script("return location.origin")
        windows = len(driver.window_handles)
        attempts = (
            f"location.href = '{elsewhere}page';",
            f"location.assign('{elsewhere}assign');",
            f"window.open('{elsewhere}popup');",
            f"window.open('{elsewhere}blank', '_blank', 'noopener');",
        )
        for script in attempts:
            # Run it after this WebDriver call returns: a navigation would
            # otherwise be reported as the call's own failure.
            driver.execute_script(f"setTimeout(() => {{ {script} }}, 0)")
        time.sleep(SETTLE_S)
        assert server.requests == [], "the other page was asked for"
        assert driver.execute_script("return location.origin") == origin
        assert len(driver.window_handles) == windows, "no other window opened"
        assert app.present("key-list")
        shot(app, request, "still-the-app")
        # The count counts: a request that does reach the server is seen.
        urllib.request.urlopen(f"{elsewhere}control", timeout=5).read()
        assert server.requests == ["/control"]
    finally:
        server.shutdown()
