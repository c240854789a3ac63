"""The key list as a table (issue 15), in the real window at its default size:
50 keys with at least 12 rows in view and only the rows in view drawn; a key's
detail and its menu reached by keyboard alone; a review date whose reminder
shows at launch and goes out as an OS notification (recorded by a stand-in
notification service); and the all-regions list with one region failing (the
fault-injection build's sandbox fails that region).
"""
import datetime
import os
import pathlib
import subprocess

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import FAULTS_APP
from pages import App
from test_journeys import shot

SKM = pathlib.Path(os.environ["STUDIO_KEYS_APP"]).with_name("skm")


def seed(home, region, count):
    subprocess.run([str(SKM), "sandbox", "seed-keys", "--db", str(home.sandbox_db), "--region", region,
                    "--count", str(count)], check=True, capture_output=True, timeout=60)


def fill_beijing(app, home, total=50):
    used, limit = app.quota()
    seed(home, "cn-beijing", min(total, limit) - used)
    app.click("refresh")
    app.wait().until(lambda d: app.quota()[0] == min(total, limit), "the seeded keys are listed")


def rows_in_view(driver):
    """Rows wholly inside the table's scroll area, below its sticky header."""
    return driver.execute_script(
        "const s = document.querySelector('[data-testid=key-list]').parentElement.getBoundingClientRect();"
        "const head = document.querySelector('[data-testid=key-list] thead').getBoundingClientRect();"
        "return [...document.querySelectorAll('[data-testid^=key-row-]')].filter(r => {"
        "  const b = r.getBoundingClientRect(); return b.top >= head.bottom - 1 && b.bottom <= s.bottom + 1;"
        "}).length;")


def focused_testid(driver):
    return driver.switch_to.active_element.get_attribute("data-testid") or ""


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_fifty_keys_keyboard_to_detail_and_menu(driver, home, lang, request):
    app = App(driver).ready()
    fill_beijing(app, home)
    assert driver.get_window_size()["height"] <= 800, "the default window size is what is measured"
    app.wait().until(lambda d: rows_in_view(d) >= 12, "at least 12 rows are in view at the default size")
    drawn = len(app.rows())
    assert drawn < 50, f"only the rows in view (and a few around) are drawn, not all 50: {drawn}"
    shot(app, request, "table-50")
    driver.execute_script("document.documentElement.dataset.theme = 'dark'")
    shot(app, request, "table-50-dark")
    driver.execute_script("delete document.documentElement.dataset.theme")

    # Keyboard only, from the search field: Tab reaches the list's current row.
    driver.execute_script("document.querySelector('[data-testid=key-search]').focus()")
    first = app.row_ids()[0]
    for _ in range(5):
        if focused_testid(driver) == f"key-row-{first}":
            break
        app.press(Keys.TAB)
    assert focused_testid(driver) == f"key-row-{first}", "Tab reaches the first row"
    for _ in range(3):
        app.press(Keys.ARROW_DOWN)
    fourth = focused_testid(driver)
    assert fourth.startswith("key-row-") and fourth != f"key-row-{first}", fourth
    app.press(Keys.ENTER)
    panel = app.visible("detail-dialog")
    assert app.text("detail-id", panel) == fourth[len("key-row-"):], "Enter opens the focused key"
    shot(app, request, "detail")
    app.escape()
    app.gone("detail-dialog")
    assert focused_testid(driver) == fourth, "Esc goes back to the row"

    app.press(Keys.SHIFT, Keys.F10)
    menu = app.visible("key-menu")
    assert driver.switch_to.active_element.get_attribute("role") == "menuitem", "the menu takes the focus"
    app.press(Keys.ARROW_DOWN)
    shot(app, request, "menu")
    app.escape()
    app.gone("key-menu")
    assert focused_testid(driver) == "row-menu", "Esc gives the focus back to the row's menu button"

    # End reaches the last key, drawn on the way; Home goes back to the first.
    driver.execute_script("document.querySelector(`[data-testid=${arguments[0]}]`).focus()", fourth)
    app.press(Keys.END)
    last = focused_testid(driver)
    assert last.startswith("key-row-") and last not in (fourth, f"key-row-{first}")
    assert app.row(last[len("key-row-"):]).get_attribute("aria-rowindex") == "51", "the 50th key"
    app.press(Keys.HOME)
    assert focused_testid(driver) == f"key-row-{first}"


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_review_date_reminds_at_launch_and_by_notification(launch, home, lang, notifications, request):
    app = App(launch()).ready()
    key_id = app.row_ids()[0]
    panel = app.detail(key_id)
    description = app.find("detail-dialog").find_element("css selector", "h2").text
    today = datetime.date.today().isoformat()
    # The date field is the browser's own control; set its value as a picker would.
    app.d.execute_script(
        "const el = arguments[0]; el.value = arguments[1];"
        "el.dispatchEvent(new Event('input', {bubbles: true}));", app.find("review-date", panel), today)
    app.click("review-save", panel)
    app.visible("review-due-note")
    app.close_detail()
    assert app.present("review-badge", app.row(key_id)), "the key is flagged in the list"

    # The next launch reminds, in the window and through the desktop's notifications.
    app = App(launch()).ready()
    banner = app.visible("review-banner")
    assert description in banner.text, banner.text
    app.wait(30).until(lambda d: notifications.sent(), "the app sent a notification")
    (sent,) = notifications.sent()
    assert description in sent["body"], sent
    shot(app, request, "reminder")
    # Nothing changed by itself: the key is as it was, and still flagged.
    assert app.enabled(key_id)
    app.click(f"review-open-{key_id}", banner)
    assert app.text("detail-id", app.visible("detail-dialog")) == key_id
    app.close_detail()
    # Once a day: another launch the same day shows the banner but sends nothing new.
    app = App(launch()).ready()
    app.visible("review-banner")
    app.settle(5)
    assert len(notifications.sent()) == 1, notifications.sent()


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_all_regions_with_one_region_failing(launch, home, lang, request):
    driver = launch(application=FAULTS_APP, env={"STUDIO_KEYS_SANDBOX_FAIL_REGION": "ap-northeast-1"})
    app = App(driver).ready()
    Select(app.find("region-switcher")).select_by_value("all")
    failed = app.visible("region-error-ap-northeast-1")
    assert failed.text.strip(), "the failed region says what happened"
    app.wait().until(lambda d: not app.all("list-loading"))
    regions = {e.get_attribute("textContent") for e in app.all("row-region")}
    assert len(regions) >= 2, f"the other regions' keys still show: {regions}"
    quotas = [e.get_attribute("data-testid") for e in app.all("region-quota-ap-northeast-1")]
    assert not quotas, "no quota is shown for the region that failed"
    assert app.present("region-quota-ap-southeast-1")
    assert not app.present("create-key"), "Create asks for one region"
    shot(app, request, "all-regions")
    # One search across every region finds a key wherever it lives: by the end
    # of its key, as a person reads it off a config file.
    singapore = next(r for r in app.rows() if r.find_element("css selector", "[data-testid=row-region]")
                     .get_attribute("textContent") == Select(app.find("region-switcher")).options[2].text)
    key_id = singapore.get_attribute("data-testid")[len("key-row-"):]
    ending = singapore.find_element("css selector", "td.masked").get_attribute("title")[-6:]
    app.type("key-search", ending)
    app.wait().until(lambda d: app.row_ids() == [key_id], "the search finds the Singapore key")
    shot(app, request, "found")
