"""The audit log in the real window (issue 25): a key made and copied here
shows its copy in the detail panel's History; "Open in the audit log" shows
the audit view filtered to that key, every row naming it (a screenshot per
language); the header's Audit log opens it unfiltered. The detail's `skm exec`
line names the profile, region and key, and no page holds the key's value.
"""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from pages import App
from test_journeys import create_all, shot

# The header button and the view's title, as each language names them.
AUDIT_LOG = {"en": "Audit log", "zh-CN": "审计日志"}


def escape_from(app, name):
    """Esc on a dialog (a notice in the corner may sit over its Close button)."""
    app.find(name).send_keys(Keys.ESCAPE)
    app.gone(name)


def listed_copy(app):
    return any(e.get_attribute("data-action") == "copy" and e.get_attribute("data-outcome") == "ok"
               for e in app.all("key-history-item", app.find("key-history")))


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_audit_view_filtered_to_one_key(driver, lang, request):
    app = App(driver).ready()
    region = Select(app.find("region-switcher")).first_selected_option.get_attribute("value")
    before, value = create_all(app, f"e2e audit {lang}")
    app.close_one_time()
    key_id = app.new_row_after(before)

    # A copy of the saved key from its detail panel: the History lists it.
    panel = app.detail(key_id)
    app.click("action-copy-saved", panel)
    app.wait().until(lambda d: listed_copy(app), "the History lists the copy")
    actions = {e.get_attribute("data-action") for e in app.all("key-history-item", panel)}
    assert {"create", "copy"} <= actions, actions

    # The command line names the key, never its value.
    app.click("exec-line-show", panel)
    line = app.visible("exec-line").get_attribute("value")
    assert line.startswith(f"skm --profile sandbox --region {region} exec --key {key_id} -- "), line
    assert value not in line

    app.click("key-history-open", panel)
    view = app.visible("audit-dialog")
    assert view.find_element(By.CSS_SELECTOR, "h2").text == AUDIT_LOG[lang]
    assert app.find("audit-key", view).get_attribute("value") == key_id
    app.wait().until(lambda d: app.all("audit-row", view), "the key's records are listed")
    rows = app.all("audit-row", view)
    shown = [app.text("audit-row-key", r) for r in rows]
    assert shown and all(k == key_id for k in shown), f"every row names {key_id}: {shown}"
    assert {"create", "copy"} <= {r.get_attribute("data-action") for r in rows}
    assert int(rows[0].get_attribute("data-seq")) > int(rows[-1].get_attribute("data-seq")), "newest first"
    verdict = app.visible("audit-verdict")
    assert verdict.get_attribute("data-state") == "intact", verdict.text
    assert not app.holds(value), "the audit view holds no key value"
    shot(app, request, f"audit-view-{lang}")

    # Esc goes back to the key's panel; the header's Audit log shows every record.
    escape_from(app, "audit-dialog")
    app.visible("detail-dialog")
    app.close_detail()
    assert app.text("audit") == AUDIT_LOG[lang]
    app.click("audit")
    view = app.visible("audit-dialog")
    assert app.find("audit-key", view).get_attribute("value") == ""
    assert Select(app.find("audit-action", view)).first_selected_option.get_attribute("value") == ""
    app.wait().until(lambda d: len(app.all("audit-row", view)) >= len(shown), "the whole log is listed")
    escape_from(app, "audit-dialog")
