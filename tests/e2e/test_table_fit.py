"""A key table that never cuts what tells keys apart (issue 27), checked, not
looked at: every drawn row of both list views (one region, and All regions),
in four languages, in both themes, at the default window size and at the
minimum one, inside ONE running app (language and theme switched in Settings,
the window resized through WebDriver).

The worst case is seeded in the sandbox before launch: the longest
descriptions allowed (100 CJK characters, 100 "W"), in workspaces with the
longest names the sandbox allows (64 characters, CJK and "W"); the old-format
key with every badge it can carry at once (old format, idle, review due), the
RAM user's key (a 16-digit creator id) enabled, reset (saved) and so idle and
due for review as well, a disabled key with a saved copy and a review date;
and a six-digit amount with four decimals. The sandbox meters chat calls at
list price, so no call can run up 987654.3210 CNY: that one day of spend is
written into the sandbox's usage table directly (its billing answers sum it
like any other day).

The check itself is table_fit.js (what fails, and why, is written there).
Screenshots of both list views in the four languages, both themes and both
sizes land in the e2e artifacts.
"""
import datetime
import json
import os
import pathlib
import re
import sqlite3
import subprocess

import pytest
from selenium.webdriver.support.ui import Select

from pages import App
from test_journeys import shot

SKM = pathlib.Path(os.environ["STUDIO_KEYS_APP"]).with_name("skm")
CHECK = pathlib.Path(__file__).with_name("table_fit.js").read_text()
REGION = "cn-beijing"

LANGS = ["en", "zh-CN", "zh-TW", "ja"]
THEMES = ["light", "dark"]
# The window's default size (tauri.conf.json) and its minimum.
SIZES = {"default": (1120, 760), "minimum": (720, 520)}
VIEWS = {"one-region": REGION, "all-regions": "all"}

# The longest description allowed is 100 characters; a workspace name, 64 (the sandbox's rule).
CJK_DESCRIPTION = ("研发部门生产环境密钥用于夜间批处理任务和客服机器人的长期调用请勿删除" * 4)[:100]
W_DESCRIPTION = "W" * 100
CJK_WORKSPACE = ("华东研发中心大模型应用平台生产环境共享业务空间" * 4)[:64]
W_WORKSPACE = "W" * 64
# 987654.3210 CNY, in the sandbox's millionths of a yuan.
AMOUNT = "987654.3210"
AMOUNT_MICRO = 987_654_321_000


def skm(home, *args, workspace=None):
    """`skm --profile sandbox` on the home's own settings, keychain and sandbox, as JSON."""
    env = dict(home.env)
    for name in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
                 "SKM_ENDPOINT", "SKM_NO_SAVE"):
        env.pop(name, None)
    where = ["--workspace", workspace] if workspace else []
    r = subprocess.run([str(SKM), "--profile", "sandbox", "--region", REGION, *where, "--json", *args],
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"skm {' '.join(args)} exited {r.returncode}: {r.stderr}"
    return json.loads(r.stdout) if r.stdout.strip() else None


def bill(home, key_id, workspace_id, micro):
    """One day of spend for the key (yesterday on the bill's calendar, UTC+8)."""
    day = (datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))
           - datetime.timedelta(days=1)).strftime("%Y-%m-%d")
    db = sqlite3.connect(home.sandbox_db)
    try:
        with db:
            db.execute(
                "INSERT INTO usage_daily (region, day, api_key_id, workspace_id, model, requests, input_tokens,"
                " output_tokens, cost_micro) VALUES (?, ?, ?, ?, 'qwen-max', 1, 1000, 1000, ?)",
                (REGION, day, int(key_id), workspace_id, micro))
    finally:
        db.close()


def seed_worst_case(home):
    """Everything a row can carry at its widest, before the app starts. Returns the key ids by role."""
    cjk_ws = skm(home, "workspaces", "create", CJK_WORKSPACE)["workspaceId"]
    w_ws = skm(home, "workspaces", "create", W_WORKSPACE)["workspaceId"]
    # Made by skm, so saved in the keychain: each shows "Saved".
    cjk = str(skm(home, "keys", "create", "--description", CJK_DESCRIPTION, workspace=cjk_ws)["apiKeyId"])
    wide = str(skm(home, "keys", "create", "--description", W_DESCRIPTION, workspace=w_ws)["apiKeyId"])
    skm(home, "keys", "disable", cjk)
    bill(home, wide, w_ws, AMOUNT_MICRO)
    listed = {k["description"]: str(k["apiKeyId"]) for k in skm(home, "keys", "list")}
    legacy = listed["Old key from before the upgrade"]  # old format, and idle (no spend for 45 days)
    ram = listed["Paused experiment"]  # made by the RAM user; disabled, and silent for 60 days
    skm(home, "keys", "enable", ram)  # enabled and silent: idle
    skm(home, "keys", "reset", ram)  # a value saved here: "Saved"
    return {"cjk": cjk, "wide": wide, "legacy": legacy, "ram": ram}


def review_due_today(app, key_id):
    """A review date of today (the date field is the browser's own control: set as a picker would)."""
    panel = app.detail(key_id)
    app.d.execute_script(
        "const el = arguments[0]; el.value = arguments[1];"
        "el.dispatchEvent(new Event('input', {bubbles: true}));",
        app.find("review-date", panel), datetime.date.today().isoformat())
    app.click("review-save", panel)
    app.visible("review-due-note")
    app.close_detail()


def use(app, lang, theme):
    """Language and theme, through Settings, in the running app."""
    app.click("settings")
    dialog = app.visible("settings-dialog")
    Select(app.find("lang-select", dialog)).select_by_value(lang)
    Select(app.find("theme-select", dialog)).select_by_value(theme)
    # A notice in the corner ("Review date saved.") may sit over Save: pressed as the keyboard would.
    app.d.execute_script("arguments[0].click()", app.find("settings-save", dialog))
    app.gone("settings-dialog")
    app.wait().until(
        lambda d: d.execute_script("return [document.documentElement.lang, document.documentElement.dataset.theme]")
        == [lang, theme], f"the app did not switch to {lang}, {theme}")


# The window's inner size, and whether the table has laid itself out for its
# width (its ruler is as wide as its scroller; a table without one has nothing
# to wait for).
LAID_OUT = """
const t = document.querySelector('[data-testid=key-list]');
const ruler = t && t.parentElement.querySelector('.ruler');
const ready = !t || !ruler || !t.dataset.fitWidth ||
  Math.abs(Number(t.dataset.fitWidth) - t.parentElement.clientWidth) <= 1;
return [innerWidth, innerHeight, ready];
"""


def resize(app, width, height):
    """The window at `width` x `height`, once the table has followed: its inner size, as measured."""
    app.d.set_window_size(width, height)
    seen = []

    def settled(d):
        now = d.execute_script(LAID_OUT)
        steady = bool(seen) and seen[-1] == now and now[2]
        seen.append(now)
        return steady

    app.wait().until(settled, f"the window did not settle at {width}x{height}")
    inner = seen[-1][:2]
    # Window decorations may take a little; a window that did not resize would fail here.
    assert width - 60 <= inner[0] <= width and inner[1] <= height, f"asked {width}x{height}, got {inner}"
    return inner


def show(app, region):
    """A list view, with its costs (the seeded amount is in Beijing, listed in both views)."""
    if Select(app.find("region-switcher")).first_selected_option.get_attribute("value") != region:
        Select(app.find("region-switcher")).select_by_value(region)
    app.wait().until(lambda d: not app.all("list-loading"), "the list kept loading")
    app.wait().until(
        lambda d: d.execute_script(
            "return [...document.querySelectorAll('[data-testid=row-cost]')].some(c => c.textContent.includes(arguments[0]))",
            AMOUNT),
        f"the list in {region} shows its costs")


# One step of the walk through the table: scroll its box to arguments[0] (null:
# stay), and say where it is and whether rows are drawn across its middle.
WALK = """
const s = document.querySelector('[data-testid=key-list]').parentElement;
if (arguments[0] !== null) { s.scrollTop = arguments[0]; s.dispatchEvent(new Event('scroll')); }
const box = s.getBoundingClientRect();
const mid = (box.top + box.bottom) / 2;
const drawn = [...s.querySelectorAll('tr[data-row]')].some(r => {
  const b = r.getBoundingClientRect(); return b.top <= mid && b.bottom >= mid;
});
return {top: s.scrollTop, max: s.scrollHeight - s.clientHeight, page: s.clientHeight, drawn: drawn || s.scrollTop === 0};
"""


def check_every_row(app):
    """table_fit.js over every row of the list: the table's box is walked a page at a time
    (only the rows in view are drawn), and back to the top."""
    found = {}
    at = 0
    while True:
        where = app.d.execute_script(WALK, at)
        app.wait().until(lambda d: d.execute_script(WALK, None)["drawn"], "the rows in view were not drawn")
        for f in app.d.execute_script(CHECK):
            found[json.dumps(f, sort_keys=True, ensure_ascii=False)] = f
        if where["top"] >= where["max"] - 1:
            break
        at = where["top"] + max(1, where["page"] - 40)
    app.d.execute_script(WALK, 0)
    return list(found.values())


def region_lines(app):
    """The all-regions list's lines about one region: each starts with the region's name and its separator."""
    names = [o.text for o in Select(app.find("region-switcher")).options if o.get_attribute("value") != "all"]
    wrong = []
    for line in app.all("costs-unavailable") + app.all("costs-unlisted"):
        text = line.get_attribute("textContent").strip()
        if not any(re.match(rf"{re.escape(n)}(: |：)\S", text) for n in names):
            wrong.append({"what": "a region line without its separator", "text": text[:60]})
    return wrong


def say(combination, f):
    where = f" row {f['row']} ({f.get('description', '')!r})," if "row" in f else ""
    numbers = ", ".join(f"{k}={v}" for k, v in f.items() if k not in ("row", "description", "what"))
    return f"{combination}:{where} {f['what']}" + (f" [{numbers}]" if numbers else "")


@pytest.mark.timeout(600)
def test_no_row_is_cut_in_any_language_theme_size_or_view(launch, home, request):
    ids = seed_worst_case(home)
    app = App(launch()).ready()
    for key_id in (ids["legacy"], ids["ram"], ids["cjk"]):
        review_due_today(app, key_id)
    # The worst case is there: every badge a key can carry at once, the six-digit amount.
    for key_id, badges in ((ids["legacy"], ("legacy-badge", "idle-badge", "review-badge")),
                           (ids["ram"], ("saved-badge", "idle-badge", "review-badge")),
                           (ids["cjk"], ("saved-badge", "review-badge"))):
        app.wait().until(lambda d: all(app.present(b, app.row(key_id)) for b in badges),
                         f"key {key_id} carries {badges}")
    assert not app.enabled(ids["cjk"]), "the CJK key is disabled"

    failures = []
    combinations = 0
    for lang in LANGS:
        for theme in THEMES:
            use(app, lang, theme)
            for view, region in VIEWS.items():
                show(app, region)
                for size, (width, height) in SIZES.items():
                    inner = resize(app, width, height)
                    combination = f"{lang}/{theme}/{view}/{size} {inner[0]}x{inner[1]}"
                    combinations += 1
                    found = check_every_row(app)
                    if region == "all":
                        found += region_lines(app)
                    failures += [say(combination, f) for f in found]
                    # For a person to look at: the table in view, no notice over it.
                    app.d.execute_script("arguments[0].scrollIntoView({block: 'start'})", app.find("key-list"))
                    app.gone("notice", timeout=15)
                    shot(app, request, f"{view}-{lang}-{theme}-{size}")
    assert combinations == 32
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:80])
