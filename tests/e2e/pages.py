"""Small helpers that speak the UI's stable test ids (ui/README.md)."""
import time

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait


def tid(name):
    return (By.CSS_SELECTOR, f"[data-testid='{name}']")


class App:
    def __init__(self, drv, timeout=30):
        self.d = drv
        self.timeout = timeout

    # --- finding ---
    def wait(self, timeout=None):
        return WebDriverWait(self.d, timeout or self.timeout, poll_frequency=0.1,
                             ignored_exceptions=(StaleElementReferenceException,))

    def find(self, name, within=None):
        return (within or self.d).find_element(*tid(name))

    def all(self, name, within=None):
        return (within or self.d).find_elements(*tid(name))

    def present(self, name, within=None):
        return bool(self.all(name, within))

    def visible(self, name, timeout=None):
        return self.wait(timeout).until(
            lambda d: next((e for e in d.find_elements(*tid(name)) if e.is_displayed()), False),
            f"{name} did not appear",
        )

    def gone(self, name, timeout=None):
        self.wait(timeout).until(lambda d: not d.find_elements(*tid(name)), f"{name} did not go away")

    def text(self, name, within=None):
        return self.find(name, within).get_attribute("textContent").strip()

    def click(self, name, within=None):
        el = self.wait().until(lambda d: _enabled(self.all(name, within)), f"{name} not clickable")
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
        el.click()
        return el

    def type(self, name, value, within=None):
        el = self.visible(name) if within is None else self.find(name, within)
        el.clear()
        el.send_keys(value)
        return el

    # --- app-level journeys ---
    def ready(self):
        """Past start-up: the header is there and, on a first run, the sandbox is chosen."""
        self.visible("region-switcher")
        if self.present("first-run"):
            self.click("first-run-sandbox")
        self.visible("key-list")
        self.wait().until(lambda d: not self.all("list-loading"), "the key list kept loading")
        return self

    def region(self, region_id):
        Select(self.find("region-switcher")).select_by_value(region_id)
        self.wait().until(lambda d: not self.all("list-loading"))

    def rows(self):
        return [e for e in self.d.find_elements(By.CSS_SELECTOR, "[data-testid^='key-row-']")]

    def row_ids(self):
        return [e.get_attribute("data-testid")[len("key-row-"):] for e in self.rows()]

    def row(self, key_id):
        return self.visible(f"key-row-{key_id}")

    def quota(self):
        q = self.find("quota-meter")
        return int(q.get_attribute("data-used")), int(q.get_attribute("data-limit"))

    def open_create(self):
        self.click("create-key")
        return self.visible("create-dialog")

    def submit_create(self):
        self.click("create-submit")
        return self.visible("one-time-dialog")

    def one_time_value(self):
        el = self.find("one-time-value")
        return (el.get_attribute("value") or el.get_attribute("textContent") or "").strip()

    def close_one_time(self):
        self.click("one-time-confirm")
        self.click("one-time-close")
        self.gone("one-time-dialog")

    def confirm(self):
        self.visible("confirm-dialog")
        self.click("confirm-ok")
        self.gone("confirm-dialog")

    def holds(self, value):
        """Whether `value` is anywhere in the page: its markup, its text, or the
        value of any form field (which the markup does not show)."""
        return self.d.execute_script(
            "const v = arguments[0];"
            "const fields = [...document.querySelectorAll('input, textarea')].map(e => e.value);"
            "return [document.documentElement.outerHTML, document.body.innerText, ...fields]"
            "  .some(t => t.includes(v));",
            value,
        )

    def act(self, key_id, action):
        """Runs `action` from the row's "⋯" menu (the menu is part of the row)."""
        self.click("row-menu", self.row(key_id))
        self.visible("key-menu")
        self.click(f"action-{action}", self.row(key_id))

    def detail(self, key_id):
        """Opens the key's detail panel (a click on the row) and returns it."""
        # WebKitWebDriver does not click a table row itself; its first cell is the row.
        self.row(key_id).find_element(By.CSS_SELECTOR, "td").click()
        return self.visible("detail-dialog")

    def close_detail(self):
        # Esc, as a notice in the corner may sit over the Close button.
        self.find("detail-dialog").send_keys(Keys.ESCAPE)
        self.gone("detail-dialog")

    def enabled(self, key_id):
        return self.row(key_id).get_attribute("data-enabled") == "true"

    def verify(self, key_id, outcome):
        """Runs Verify from the row's menu and waits for the detail panel to say `outcome`."""
        self.act(key_id, "verify")
        panel = self.visible("detail-dialog")
        self.wait().until(
            lambda d: next((e.get_attribute("data-outcome") for e in self.all("verify-result", panel)),
                           None) == outcome,
            f"Verify did not say {outcome}",
        )
        self.close_detail()

    def new_row_after(self, before_ids):
        self.wait().until(lambda d: set(self.row_ids()) - set(before_ids), "no new key appeared")
        (new,) = set(self.row_ids()) - set(before_ids)
        return new

    def press(self, *keys):
        self.d.switch_to.active_element.send_keys(*keys)

    def escape(self):
        self.press(Keys.ESCAPE)

    def settle(self, seconds=0.3):
        time.sleep(seconds)


def _enabled(elements):
    return next((e for e in elements if e.is_displayed() and e.is_enabled()), False)
