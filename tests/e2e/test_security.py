"""The window only ever shows the app: a script that sends it elsewhere, or
opens a new window on another site, is refused (Rust's navigation guard).
"""
import time

from pages import App
from test_journeys import shot


def test_the_window_cannot_be_sent_to_another_site(driver, request):
    app = App(driver).ready()
    origin = driver.execute_script("return location.origin")
    handles = driver.window_handles
    for script in (
        "location.href = 'https://example.com/phish';",
        "location.assign('http://127.0.0.1:9/');",
        "window.open('https://example.com/', '_blank');",
    ):
        # Run it after this WebDriver call returns: a navigation would otherwise
        # be reported as the call's own failure.
        driver.execute_script(f"setTimeout(() => {{ {script} }}, 0)")
        time.sleep(1.0)
        assert driver.execute_script("return location.origin") == origin, script
        assert driver.window_handles == handles, script
        assert app.present("key-list"), script
    shot(app, request, "still-the-app")
