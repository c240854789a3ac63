"""Spend alerts (issue 31): a monthly amount for a workspace, set with skm,
checked by the app at launch against the bill month's spend (UTC+8). Past
80 % the window shows a banner naming the three most expensive keys, the
desktop gets one notification (and not again at the next launch), and the
keys can be disabled after one confirmation that names them. The amount is
also set and removed from the Limits view.
"""
import json
import os
import pathlib
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from pages import App
from test_journeys import shot

SKM = pathlib.Path(os.environ["STUDIO_KEYS_APP"]).with_name("skm")
REGION = "cn-beijing"
# Bill months are China Standard Time months.
BILLING_TZ = timezone(timedelta(hours=8))

# A chat call made with the key skm exec puts in the program's environment.
CHAT = """
import json, os, urllib.request
req = urllib.request.Request(os.environ["OPENAI_BASE_URL"] + "/chat/completions",
    data=json.dumps({"model": "qwen-max", "messages": [{"role": "user", "content": "x" * 40000}]}).encode(),
    headers={"Authorization": "Bearer " + os.environ["OPENAI_API_KEY"], "Content-Type": "application/json"})
assert urllib.request.urlopen(req, timeout=30).status == 200
"""


def skm(home, *args, json_out=True):
    cmd = [str(SKM), "--profile", "sandbox", "--region", REGION, *(["--json"] if json_out else []), *args]
    done = subprocess.run(cmd, env=home.env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"skm {' '.join(args)}: {done.stderr}"
    return json.loads(done.stdout) if json_out else done.stdout


def default_workspace(home):
    return next(w for w in skm(home, "workspaces", "list") if w["isDefault"])


def spend_this_month(home):
    """The default workspace's month so far: a call made now, then the bill's total and rows."""
    made = skm(home, "keys", "create", "--description", "e2e spender")
    key_id = str(made["apiKeyId"])
    skm(home, "exec", "--key", key_id, "--", sys.executable, "-c", CHAT, json_out=False)
    workspace = default_workspace(home)
    month = datetime.now(BILLING_TZ).strftime("%Y-%m")
    report = skm(home, "--workspace", workspace["workspaceId"], "cost", "--month", month)
    return workspace, report


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_spend_alert_past_80_percent_banners_notifies_once_and_disables_the_top_keys(
        launch, home, lang, notifications, request):
    App(launch()).ready()
    workspace, report = spend_this_month(home)
    spent = Decimal(report["total"]["amount"])
    amount = (spent * 100 / 85).quantize(Decimal("0.0001"))
    skm(home, "--workspace", workspace["workspaceId"], "cost", "alerts", "set", str(amount), "CNY")
    # Another currency than the bill's is refused, saying which one to use.
    refused = subprocess.run([str(SKM), "--profile", "sandbox", "--region", REGION, "--workspace",
                              workspace["workspaceId"], "cost", "alerts", "set", "10", "USD"],
                             env=home.env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "CNY" in refused.stderr, refused.stderr
    listed = skm(home, "cost", "alerts")
    assert [(a["workspaceId"], a["reached"]) for a in listed] == [(workspace["workspaceId"], 80)], listed

    app = App(launch()).ready()
    banner = app.visible("spend-banner")
    top = sorted(report["rows"], key=lambda r: Decimal(r["amount"]), reverse=True)[:3]
    names = [r["name"] or r["key"] for r in top]
    assert workspace["workspaceName"] in banner.text and str(amount) in banner.text, banner.text
    assert all(n in banner.text for n in names), (names, banner.text)
    app.wait(30).until(lambda d: notifications.sent(), "the app sent a notification")
    (sent,) = notifications.sent()
    assert workspace["workspaceName"] in sent["summary"] + sent["body"] and names[0] in sent["body"], sent
    shot(app, request, "banner")

    app.click("spend-disable", banner)
    confirm = app.visible("confirm-dialog")
    assert all(n in confirm.text for n in names), confirm.text
    shot(app, request, "confirm")
    app.click("confirm-ok")
    app.gone("confirm-dialog")
    ids = {r["key"] for r in top}

    def disabled():
        listed = {str(k["apiKeyId"]): k["disabled"] for k in skm(home, "keys", "list")}
        return all(listed[i] == 1 for i in ids)

    app.wait(30).until(lambda d: disabled(), "the named keys are disabled")

    # The next launch shows the banner again but notifies nothing new this month.
    app = App(launch()).ready()
    app.visible("spend-banner")
    app.settle(5)
    assert len(notifications.sent()) == 1, notifications.sent()


def test_an_alert_is_set_and_removed_in_the_limits_view(driver, home, request):
    app = App(driver).ready()
    spend_this_month(home)
    app.region(REGION)
    app.click("limits")
    view = app.visible("limits-dialog")
    app.wait().until(lambda d: app.all("limits-row", view), "the models are listed")
    for bad in ("0", "-5", "12.", "abc"):
        app.type("spend-amount", bad)
        assert app.visible("spend-amount-error").text.strip(), bad
        assert not app.find("spend-save", view).is_enabled(), bad
    # An amount far below the month's spend: past 100 % at once.
    app.type("spend-amount", "0.0001")
    app.click("spend-save", view)
    current = app.visible("spend-alert-current")
    assert "0.0001" in current.text, current.text
    shot(app, request, "set")
    app.escape()
    app.gone("limits-dialog")
    banner = app.visible("spend-banner")
    assert "0.0001" in banner.text, banner.text
    shot(app, request, "banner")

    app.click("limits")
    view = app.visible("limits-dialog")
    app.click("spend-clear", view)
    app.gone("spend-alert-current")
    app.escape()
    app.gone("spend-banner")
    assert skm(home, "cost", "alerts") == []
    audit = [r for r in skm(home, "audit", "list", "--action", "spend_alert") if r["outcome"] == "ok"]
    assert len(audit) == 2 and sum(r["note"].endswith("removed") for r in audit) == 1, audit
