"""What each key costs and which keys nobody uses (issue 16), in the real window
against the sandbox's metered history (90 days before today, seeded at first
start): the list with each key's 30-day cost and an idle badge, the amount the
list shows against the bill's own answer (read with the official SDK), the
key's daily chart, disabling the idle keys from the banner after one
confirmation, and a RAM user who may not read costs (the list still works, one
line says why).
"""
import json
import os
import pathlib
import subprocess
import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from alibabacloud_modelstudio20260210 import models
from alibabacloud_modelstudio20260210.client import Client
from alibabacloud_tea_openapi import utils_models as open_api_models

from pages import App
from test_journeys import shot

SKM = pathlib.Path(os.environ["STUDIO_KEYS_APP"]).with_name("skm")
# Billing days are China Standard Time days; the list shows the last 30 of them, today included.
BILLING_TZ = timezone(timedelta(hours=8))
LIST_DAYS = 30

BUSY = "Production backend"
IDLE = "Old key from before the upgrade"


def row_named(app, description):
    return next(r for r in app.rows() if r.find_element("css selector", "td").text.strip() == description)


def key_id(row):
    return row.get_attribute("data-testid")[len("key-row-"):]


def raw_spend(home, region, key):
    """A key's spend over the list's 30 days as GetBillingTrend answers it,
    asked with Alibaba Cloud's own SDK (not the app's code) of a second
    sandbox process on the app's database: (amount, currency), both as sent."""
    serve = subprocess.Popen([SKM, "sandbox", "serve", "--port", "0", "--db", home.sandbox_db, "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        # Its first line says where it listens; a sandbox that never says so fails the test, not hangs it.
        first = []
        reader = threading.Thread(target=lambda: first.append(serve.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout=30)
        assert first and first[0], "skm sandbox serve did not start"
        regions = json.loads(first[0])["regions"]
        identities = json.loads(subprocess.run(
            [SKM, "sandbox", "identities", "--db", home.sandbox_db, "--json"],
            capture_output=True, text=True, check=True).stdout)
        root = next(i for i in identities if i["name"] == "root")
        client = Client(open_api_models.Config(
            access_key_id=root["accessKeyId"], access_key_secret=root["accessKeySecret"],
            endpoint=regions[region], protocol="http", region_id=region))
        end = datetime.now(BILLING_TZ).date()
        start = end - timedelta(days=LIST_DAYS - 1)
        data = client.get_billing_trend(models.GetBillingTrendRequest(
            granularity="DAY",
            time_period=models.GetBillingTrendRequestTimePeriod(start=str(start), end=str(end)),
            group_by=[models.GetBillingTrendRequestGroupBy(code="API_KEY_ID")],
            filter=models.GetBillingTrendRequestFilter(dimensions=[
                models.GetBillingTrendRequestFilterDimensions(code="API_KEY_ID", select_type="IN",
                                                              values=[key])]),
        )).body.data
        [group] = data.group_by_total
        assert group.key == key
        return group.amount, data.cost_totals.currency
    finally:
        serve.terminate()
        serve.wait(timeout=15)


def cost_text(app, description):
    return row_named(app, description).find_element("css selector", "[data-testid=row-cost]").text


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_costs_and_idle_badge_in_the_list_and_the_chart(driver, lang, request):
    app = App(driver).ready()
    app.wait().until(lambda d: "CNY" in cost_text(app, BUSY), "the busy key shows its 30-day cost")
    assert any(ch.isdigit() for ch in cost_text(app, BUSY))
    busy = row_named(app, BUSY)
    assert app.present("sparkline", busy), "a sparkline beside the amount"
    idle = row_named(app, IDLE)
    assert app.present("idle-badge", idle), "the key with no spend for 45 days is idle"
    assert not app.present("idle-badge", busy)
    assert app.present("idle-banner")
    shot(app, request, "costs")

    panel = app.detail(key_id(busy))
    total = app.visible("cost-total")
    assert "CNY" in total.text and "UTC+08:00" in total.text, total.text
    app.click("cost-days-90", panel)
    app.wait().until(lambda d: app.find("cost-days-90").get_attribute("aria-pressed") == "true")
    app.visible("cost-total")
    shot(app, request, "chart-90-days")
    app.close_detail()


def test_a_keys_amount_is_what_the_bill_says(driver, home, request):
    app = App(driver).ready()
    app.wait().until(lambda d: "CNY" in cost_text(app, BUSY), "the busy key shows its 30-day cost")
    region = driver.execute_script("return document.querySelector('[data-testid=region-switcher]').value")
    shown = row_named(app, BUSY).find_element("css selector", "[data-testid=row-cost] .amount").text.split()
    amount, currency = raw_spend(home, region, key_id(row_named(app, BUSY)))
    assert Decimal(amount) > 0, "the busy key spent"
    assert shown == [amount, currency], f"the list shows {shown}; the bill says {amount} {currency}"


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_disable_idle_keys_from_the_banner(driver, lang, request):
    app = App(driver).ready()
    app.wait().until(lambda d: app.present("idle-banner"), "the idle banner")
    idle_id = key_id(row_named(app, IDLE))
    app.click("idle-disable")
    body = app.text("confirm-body")
    assert IDLE in body, body
    shot(app, request, "confirm")
    app.confirm()
    app.wait().until(lambda d: not app.enabled(idle_id), "the idle key is disabled")
    app.gone("idle-banner")
    # The server says so too: a fresh list keeps it disabled and not idle.
    app.click("refresh")
    app.wait().until(lambda d: not app.all("list-loading"))
    app.wait().until(lambda d: not app.enabled(idle_id) and not app.present("idle-badge", app.row(idle_id)))
    shot(app, request, "disabled")


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_ram_user_without_billing_permission_sees_one_line(driver, lang, request):
    app = App(driver).ready()
    app.click("accounts")
    app.visible("profiles-dialog")
    app.click("sandbox-try-ram-key-admin")
    # The accounts dialog stays open on the account now in use; the list behind it changes.
    app.wait().until(lambda d: app.all("costs-unavailable"), "one line says why there are no figures")
    app.escape()
    app.gone("profiles-dialog")
    (line,) = app.all("costs-unavailable")
    assert line.get_attribute("data-reason") == "noPermission", line.get_attribute("data-reason")
    assert line.text.strip()
    assert app.rows(), "the keys are still listed"
    assert not app.present("idle-badge") and not app.present("idle-banner")
    assert {c.text.strip() for c in app.all("row-cost")} == {"—"}, "no figure where there is none"
    shot(app, request, "no-billing-permission")
