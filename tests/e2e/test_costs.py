"""What each key costs and which keys nobody uses (issue 16), in the real window
against the sandbox's metered history (90 days before today, seeded at first
start): the list with each key's 30-day cost and an idle badge, the key's daily
chart, disabling the idle keys from the banner after one confirmation, and a
RAM user who may not read costs (the list still works, one line says why).
"""
import pytest

from pages import App
from test_journeys import shot

BUSY = "Production backend"
IDLE = "Old key from before the upgrade"


def row_named(app, description):
    return next(r for r in app.rows() if r.find_element("css selector", "td").text.strip() == description)


def key_id(row):
    return row.get_attribute("data-testid")[len("key-row-"):]


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
