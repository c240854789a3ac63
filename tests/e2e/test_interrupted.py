"""A `skm` killed (SIGKILL) after the sandbox answered its Create and before the
value was kept: the app, started next on the same home, recovers the key's
value into the keychain, lists it as saved and says what happened.

Uses the test build of skm (`make skm-faults`: the `fault-injection` feature),
which pauses at that moment when STUDIO_KEYS_PAUSE_AFTER_ANSWER names the action.
"""
import json
import os
import pathlib
import subprocess
import time

import pytest

from pages import App
from test_journeys import shot

SKM_FAULTS = pathlib.Path(os.environ["STUDIO_KEYS_APP"]).with_name("skm-faults")


def skm_killed_after_create_answer(home, description):
    env = dict(home.env, STUDIO_KEYS_PAUSE_AFTER_ANSWER="create")
    for name in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "SKM_ENDPOINT"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [str(SKM_FAULTS), "--profile", "sandbox", "--region", "cn-beijing", "--json",
         "keys", "create", "--description", description],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.time() + 60
    try:
        for line in proc.stderr:
            if "paused after the create answer" in line:
                break
            assert time.time() < deadline, "skm never reached the pause"
        else:
            pytest.fail(f"skm ended before the pause: {proc.wait()}")
    finally:
        proc.kill()  # SIGKILL: no cleanup, as in a power cut
        proc.wait()
    assert "sk-" not in proc.stdout.read(), "killed before it printed anything"


def unsettled(journal):
    """Journal entries not settled yet (settled ones stay an hour as tombstones)."""
    return [p for p in journal.glob("*.json") if json.loads(p.read_text()).get("settledAtMs") is None]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_app_recovers_a_create_skm_was_killed_in(launch, home, lang, request):
    app = App(launch()).ready()
    description = f"e2e killed {lang}"
    skm_killed_after_create_answer(home, description)
    journal = home.root / "data" / "studio-keys" / "intents"
    assert len(unsettled(journal)) == 1, "the journal remembers the create"

    app = App(launch()).ready()  # the next start
    notice = app.visible("interrupted-notice")
    assert notice.get_attribute("data-reason") == "intent_create_recovered", notice.text
    assert description in notice.text
    said = "saved in your keychain" if lang == "en" else "已保存到钥匙串"
    assert said in notice.text, notice.text
    shot(app, request, "interrupted")

    # The key it made is listed once, with its recovered value saved (the list
    # refreshes once the value is in the keychain).
    def ours():
        return [r for r in app.rows() if description in r.text]

    app.wait().until(lambda d: len(ours()) == 1 and app.present("saved-badge", ours()[0]),
                     "the recovered key is listed once, as saved")
    assert len(ours()) == 1, [r.text for r in app.rows()]
    assert not unsettled(journal), "settled"
