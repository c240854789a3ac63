"""A workspace's model limits in the window (issue 31): a team lead sets a
limit on one model of a workspace, sees it listed as the cloud has it (read
back with skm; that the sandbox then refuses calls over it is tested in
tests/conformance/test_openai.py and the suite's services_costs); wrong numbers
are refused in the form; the limit is removed again; each change is in the
audit log. The
default workspace and a RAM user see the view read only, one line saying why.
"""
import json
import os
import pathlib
import subprocess

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from pages import App
from test_journeys import shot

SKM = pathlib.Path(os.environ["STUDIO_KEYS_APP"]).with_name("skm")
TEAM = "Team Alpha"
MODEL = "qwen-plus"


def skm(home, *args):
    done = subprocess.run([str(SKM), "--profile", "sandbox", "--json", *args], env=home.env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def open_limits(app, workspace=None):
    app.click("limits")
    view = app.visible("limits-dialog")
    if workspace:
        Select(app.find("limits-workspace", view)).select_by_visible_text(workspace)
    app.wait().until(lambda d: app.all("limits-row", view), "the models are listed")
    return view


def model_row(app, view, model):
    return next(r for r in app.all("limits-row", view) if r.get_attribute("data-model") == model)


def has_own_limit(app, view, model):
    return model_row(app, view, model).get_attribute("data-own") == "yes"


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_set_a_limit_see_it_listed_and_held_then_remove_it(driver, lang, request, home):
    app = App(driver).ready()
    app.region("cn-beijing")

    # The header's workspace is "all": the view opens on the default workspace, read only.
    view = open_limits(app)
    assert app.visible("limits-read-only").text.strip()
    assert not app.all("limits-edit", view), "the default workspace has no limit of its own to set"

    Select(app.find("limits-workspace", view)).select_by_visible_text(TEAM)
    app.gone("limits-read-only")
    app.wait().until(lambda d: app.all("limits-edit", view), "another workspace's limits can be set")
    assert not has_own_limit(app, view, MODEL)
    app.click("limits-edit", model_row(app, view, MODEL))
    form = app.visible("limits-form")

    # Wrong numbers are refused in the form, with nothing sent.
    for bad in ("0", "2.5", "99999999999"):
        app.type("limits-requests", bad)
        assert app.visible("limits-requests-error").text.strip(), bad
        assert not app.find("limits-save", form).is_enabled(), bad

    app.type("limits-requests", "2")
    Select(app.find("limits-requests-per", form)).select_by_value("hour")
    app.gone("limits-requests-error")
    shot(app, request, "form")
    app.click("limits-save", form)
    app.gone("limits-form")
    app.wait().until(lambda d: has_own_limit(app, view, MODEL), "the workspace's own limit is listed")
    own = app.text("limits-own", model_row(app, view, MODEL))
    assert "2" in own, own
    shot(app, request, "set")

    # The cloud has it as the app shows it (read with skm on the same home).
    team = next(w for w in skm(home, "--region", "cn-beijing", "workspaces", "list")
                if w["workspaceName"] == TEAM)["workspaceId"]
    listed = skm(home, "--region", "cn-beijing", "--workspace", team, "models", "limits")
    limit = next(l for l in listed if l["model"] == MODEL)["workspaceLimit"]
    assert (limit["requestLimit"], limit["requestLimitPeriod"]) == (2, 3600), limit
    assert "usageLimit" not in limit, "the form sets exactly what it shows"

    app.click("limits-clear", model_row(app, view, MODEL))
    app.wait().until(lambda d: not has_own_limit(app, view, MODEL), "the limit is removed")
    listed = skm(home, "--region", "cn-beijing", "--workspace", team, "models", "limits")
    assert "workspaceLimit" not in next(l for l in listed if l["model"] == MODEL)

    audit = skm(home, "audit", "list", "--action", "model_limits")
    notes = [r["note"] for r in audit if r["outcome"] == "ok"]
    assert any("requests 2/3600s" in n for n in notes) and any(n.endswith("removed") for n in notes), notes


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_ram_user_sees_the_limits_read_only(driver, lang, request):
    app = App(driver).ready()
    app.region("cn-beijing")
    app.click("accounts")
    app.visible("profiles-dialog")
    app.click("sandbox-try-ram-key-admin")
    # The list behind the dialog follows the switch (a RAM user may not read costs).
    app.wait().until(lambda d: app.all("costs-unavailable"), "the list is the RAM user's")
    app.escape()
    app.gone("profiles-dialog")
    app.wait().until(lambda d: not app.all("list-loading"))

    view = open_limits(app, TEAM)
    line = app.visible("limits-read-only")
    assert line.text.strip()
    assert app.all("limits-row", view), "the limits are listed"
    assert not app.all("limits-edit", view) and not app.all("limits-clear", view)
    assert view.find_elements(By.CSS_SELECTOR, "td.rate"), "with the account's figures"
    shot(app, request, "read-only")
