"""Journeys a person takes through the real app, against the embedded sandbox.

Each journey starts from a first run (fresh config and data dirs). Screenshots of
each journey's end state land in artifacts/e2e/ (see conftest.py); the key
screens along the way are saved with `shot()`.
"""
import json
import os
import pathlib
import re
import subprocess

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

import leaks
from pages import App

ARTIFACTS = pathlib.Path(os.environ.get("E2E_ARTIFACTS", "artifacts/e2e"))
NEW_KEY = re.compile(r"^sk-ws-[A-Za-z0-9._-]{20,}$")
LEGACY_KEY = re.compile(r"^sk-[A-Za-z0-9]{20,}$")


def shot(app, request, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    app.settle(0.5)  # let dialogs finish fading in: the screenshot is for a person to look at
    app.d.save_screenshot(str(ARTIFACTS / f"{request.node.name}--{name}.png"))


def dashscope_accepts(home, value):
    """The sandbox's own DashScope key check of `value`, through `skm verify --key`
    on the app's settings and sandbox database: True when the key works."""
    skm = pathlib.Path(os.environ["STUDIO_KEYS_APP"]).with_name("skm")
    r = subprocess.run([str(skm), "--profile", "sandbox", "--json", "verify", "--key"],
                       env={**home.env, "DASHSCOPE_API_KEY": value}, capture_output=True, text=True,
                       timeout=60)
    verdict = json.loads(r.stdout or "{}").get("key")
    assert (verdict, r.returncode) in (("Valid", 0), ("Invalid", 3)), f"skm verify --key: {r}"
    return verdict == "Valid"


def create_all(app, description):
    before = app.row_ids()
    app.open_create()
    app.type("create-description", description)
    if app.present("permission-all"):
        app.click("permission-all")
    app.submit_create()
    value = app.one_time_value()
    return before, value


# Beijing as the region switcher names it in each language (the console's names).
BEIJING = {"en": "China (Beijing)", "zh-CN": "华北2（北京）", "zh-TW": "華北2（北京）", "ja": "中国 (北京)"}


@pytest.mark.parametrize("lang", ["en", "zh-CN", "zh-TW", "ja"])
def test_first_run_create_all_copy_confirm_listed_as_saved(driver, home, lang, request):
    app = App(driver)
    app.visible("first-run")
    shot(app, request, "first-run")
    app.ready()
    assert app.present("sandbox-badge"), "the sandbox must be labelled while it is active"
    region_name = Select(app.find("region-switcher")).first_selected_option.text
    assert region_name == BEIJING[lang], region_name
    assert driver.execute_script("return document.documentElement.lang") == lang, "the OS locale picks the language"
    used_before, limit = app.quota()

    before, value = create_all(app, f"e2e all {lang}")
    assert NEW_KEY.match(value), "the one-time display shows the full new key"
    assert app.holds(value), "shown in the dialog: the check after closing can see a value"
    status = app.find("keychain-status")
    assert status.get_attribute("data-saved") == "true", status.text
    shot(app, request, "one-time")

    # Close is refused until the person confirms they stored the key.
    assert not app.find("one-time-close").is_enabled()
    app.click("one-time-copy")
    app.visible("one-time-copied")
    app.close_one_time()

    new_id = app.new_row_after(before)
    row = app.row(new_id)
    assert app.present("saved-badge", row), "a created key is marked as saved on this computer"
    assert not app.holds(value), "the value is dropped from the UI after the dialog closes"
    assert app.quota() == (used_before + 1, limit)
    shot(app, request, "listed")

    # Leak scan of the GUI journey: the value is in the keychain only, never in the
    # app's config, data (sandbox database, webview storage), cache or state dirs,
    # as UTF-8, UTF-16 (WebKit's storage) or base64.
    assert any(home.root.rglob("sandbox.db")), "the journey used the app's sandbox database"
    found = leaks.scan(home.root, [value])
    assert not found, f"the new key's value was written to {found}"
    # Positive control: the same scan finds the value planted in each form in a scanned dir.
    planted_dir = home.root / "state"
    planted = leaks.plant(planted_dir, value)
    reported = {pathlib.Path(h.rsplit(" in ", 1)[1]).name for h in leaks.scan(home.root, [value])}
    assert reported == set(planted), f"the scan missed planted copies: {set(planted) - reported}"


def test_create_custom_with_invalid_cidr_corrected(driver, request):
    app = App(driver).ready()
    before = app.row_ids()
    app.open_create()
    app.type("create-description", "e2e custom")
    app.click("permission-custom")
    app.type("ip-input", "10.0.0.0/33")
    err = app.visible("ip-error")
    assert err.text, "an invalid CIDR is explained next to the entry as it is typed"
    assert not app.find("ip-add").is_enabled(), "an invalid entry cannot be added"
    shot(app, request, "invalid-cidr")
    app.type("ip-input", "10.0.0.0/24")
    app.click("ip-add")
    app.wait().until(lambda d: not app.all("ip-error"), "the corrected entry is accepted")
    assert "1 / 20" in app.text("ip-count")
    app.submit_create()
    app.close_one_time()
    new_id = app.new_row_after(before)
    summary = app.text("permission-summary", app.row(new_id))
    assert "1" in summary and summary != "All", summary


def test_disable_and_enable(driver, home, request):
    app = App(driver).ready()
    before, value = create_all(app, "e2e toggle")
    app.close_one_time()
    key_id = app.new_row_after(before)
    assert dashscope_accepts(home, value), "a new key works"
    app.act(key_id, "disable")
    if app.present("confirm-dialog"):
        app.confirm()
    app.wait().until(lambda d: not app.enabled(key_id), "the key shows as disabled")
    # Disabled means it stops working: the app's Verify and the sandbox's key check say so.
    app.verify(key_id, "disabled")
    assert not dashscope_accepts(home, value), "a disabled key is refused by DashScope"
    shot(app, request, "disabled")
    app.act(key_id, "enable")
    app.wait().until(lambda d: app.enabled(key_id), "the key shows as enabled")
    app.verify(key_id, "works")
    assert dashscope_accepts(home, value), "enabled again, the same value works"


def test_edit_description(driver, request):
    app = App(driver).ready()
    before, _ = create_all(app, "e2e before edit")
    app.close_one_time()
    key_id = app.new_row_after(before)
    app.act(key_id, "edit")
    app.visible("edit-dialog")
    app.type("create-description", "e2e after edit")
    app.click("create-submit")
    app.gone("edit-dialog")
    app.wait().until(lambda d: "e2e after edit" in app.row(key_id).text, "the new description is listed")
    shot(app, request, "edited")


def test_reset_shows_a_new_value_once(driver, home, request):
    app = App(driver).ready()
    before, old_value = create_all(app, "e2e reset")
    app.close_one_time()
    key_id = app.new_row_after(before)
    assert dashscope_accepts(home, old_value), "the key works before the reset"
    app.act(key_id, "reset")
    body = app.text("confirm-body")
    assert body, "reset asks first and says the old value stops working"
    shot(app, request, "confirm-reset")
    app.confirm()
    app.visible("one-time-dialog")
    new_value = app.one_time_value()
    assert NEW_KEY.match(new_value) and new_value != old_value
    assert app.holds(new_value), "shown once: the check below can see a value in the dialog"
    app.close_one_time()
    assert not app.holds(new_value), "the new value is gone from the UI once the dialog closes"
    assert not app.holds(old_value)
    # The old value stopped working; the new one (the saved copy Verify uses) works.
    assert not dashscope_accepts(home, old_value), "the old value is refused after the reset"
    assert dashscope_accepts(home, new_value), "the new value works"
    app.verify(key_id, "works")


def test_delete_names_the_key_and_removes_it(driver, request):
    app = App(driver).ready()
    before, _ = create_all(app, "e2e delete me")
    app.close_one_time()
    key_id = app.new_row_after(before)
    used, _ = app.quota()
    app.act(key_id, "delete")
    assert "e2e delete me" in app.text("confirm-body")
    shot(app, request, "confirm-delete")
    app.confirm()
    app.gone(f"key-row-{key_id}")
    assert app.quota()[0] == used - 1


def test_temporary_key_counts_down(driver, request):
    app = App(driver).ready()
    before, _ = create_all(app, "e2e temp")
    app.close_one_time()
    key_id = app.new_row_after(before)
    app.act(key_id, "temp-key")
    app.visible("temp-key-dialog")
    assert app.text("temp-key-note"), "the dialog says it inherits permissions and cannot be revoked"
    ttl = app.find("temp-ttl")
    assert ttl.get_attribute("value") == "60"
    app.type("temp-ttl", "1801")
    app.visible("temp-ttl-error")
    app.type("temp-ttl", "120")
    app.click("temp-create")
    first = app.visible("temp-countdown").text
    app.click("temp-copy")
    app.wait().until(lambda d: app.find("temp-countdown").text != first, "the countdown runs")
    shot(app, request, "temp-key")


def test_switch_region_and_back(driver, request):
    app = App(driver).ready()
    beijing = sorted(app.row_ids())
    app.press(Keys.CONTROL, "6")
    app.wait().until(lambda d: Select(app.find("region-switcher")).first_selected_option
                     .get_attribute("value") == "us-east-1", "Ctrl+6 switches to Virginia")
    app.wait().until(lambda d: not app.all("list-loading"))
    shot(app, request, "virginia")
    assert sorted(app.row_ids()) != beijing or not beijing
    app.region("cn-beijing")
    app.wait().until(lambda d: sorted(app.row_ids()) == beijing, "Beijing's list is back")


def test_create_in_virginia_offers_workspace_and_description_only(driver, request):
    app = App(driver).ready()
    app.region("us-east-1")
    before = app.row_ids()
    app.open_create()
    assert not app.present("permission-custom")
    assert app.text("region-no-custom")
    shot(app, request, "virginia-create")
    app.type("create-description", "e2e virginia")
    app.submit_create()
    value = app.one_time_value()
    assert value.startswith("sk-") and not value.startswith("sk-ws-")
    app.close_one_time()
    app.new_row_after(before)


def test_full_quota_disables_create_and_says_why(driver, home, request):
    app = App(driver).ready()
    app.region("eu-central-1")
    used, limit = app.quota()
    assert used < limit
    # Keys made elsewhere (another person, a script) fill the region up.
    skm = pathlib.Path(os.environ["STUDIO_KEYS_APP"]).with_name("skm")
    subprocess.run([str(skm), "sandbox", "seed-keys", "--db", str(home.sandbox_db),
                    "--region", "eu-central-1", "--count", str(limit - used)],
                   check=True, capture_output=True)
    app.click("refresh")
    app.wait().until(lambda d: app.quota() == (limit, limit), "the meter shows the full quota")
    assert not app.find("create-key").is_enabled(), "Create is disabled at the limit"
    assert app.text("quota-full"), "the reason is shown"
    shot(app, request, "quota-full")


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_ram_user_without_permission_sees_a_plain_error(driver, lang, request):
    app = App(driver).ready()
    app.click("accounts")
    app.visible("profiles-dialog")
    app.visible("account-help")
    shot(app, request, "accounts")
    app.click("sandbox-try-ram-no-permission")
    app.wait().until(lambda d: not app.present("profiles-dialog")
                     or app.present("error-banner"), "switching to the RAM user")
    if app.present("profiles-dialog"):
        app.escape()
    banner = app.wait().until(
        lambda d: next((b for b in app.all("error-banner") if b.get_attribute("data-code") == "Forbidden"), False),
        "a RAM user without permission gets a Forbidden explanation",
    )
    assert banner.text.strip(), "the error says what happened and what to do"
    app.click("error-details", banner)
    details = app.text("error-details-body")
    assert "Forbidden" in details, details
    shot(app, request, "forbidden")


def test_usable_at_200_percent_zoom(driver, request):
    """Nothing is cut off sideways at 200 %, and the create dialog still opens
    with its button reachable. (CSS zoom stands in for the user's zoom setting;
    WebDriver's pointer maths does not follow it, so clicks go through script.)"""
    app = App(driver).ready()
    driver.execute_script("document.documentElement.style.zoom = '2'")
    app.settle(0.5)
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 2, f"the page scrolls sideways by {overflow}px at 200 %"
    shot(app, request, "list")
    driver.execute_script("arguments[0].click()", app.find("create-key"))
    app.visible("create-dialog")
    submit = app.find("create-submit")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", submit)
    assert submit.is_displayed()
    shot(app, request, "create")
