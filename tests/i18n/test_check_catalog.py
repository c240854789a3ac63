"""Positive controls for check_catalog.py: a catalog with each kind of fault
planted fails, with each fault named; the real catalogs pass (make lint runs
both). Run: python tests/i18n/test_check_catalog.py"""
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).parent
CHECK = HERE / "check_catalog.py"
ROOT = HERE.parent.parent


def run(*args):
    done = subprocess.run([sys.executable, str(CHECK), *map(str, args)], capture_output=True, text=True)
    return done.returncode, done.stdout


def catalog(folder: pathlib.Path, body: str) -> pathlib.Path:
    (folder / "test.yml").write_text("_version: 2\n" + body, encoding="utf-8")
    return folder


GOOD = """
saved:
  en: "Saved %{name}."
  zh-CN: "已保存 %{name}。"
  zh-TW: "已儲存 %{name}。"
  ja: "%{name} を保存しました。"
"""

FAULTS = {
    "missing language": ("""
gone:
  en: "Gone."
  zh-CN: "已删除。"
  zh-TW: "已刪除。"
""", "gone needs ja"),
    "placeholder": ("""
place:
  en: "Key %{id} deleted."
  zh-CN: "密钥已删除。"
  zh-TW: "金鑰 %{id} 已刪除。"
  ja: "キー %{id} を削除しました。"
""", "place placeholders differ between en and zh-CN"),
    "untranslated": ("""
english:
  en: "Could not reach the server in time."
  zh-CN: "Could not reach the server in time."
  zh-TW: "無法及時連線到伺服器。"
  ja: "時間内にサーバーに接続できませんでした。"
""", "english zh-CN looks untranslated"),
    "zh-TW copied from zh-CN": ("""
copied:
  en: "Key saved to the keychain."
  zh-CN: "密钥已保存到钥匙串。"
  zh-TW: "密钥已保存到钥匙串。"
  ja: "キーをキーチェーンに保存しました。"
""", "copied zh-TW has Simplified characters: 钥"),
}


def main() -> int:
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        good = catalog(pathlib.Path(tmp), GOOD)
        code, out = run(good)
        if code != 0:
            failures.append(f"a good catalog failed:\n{out}")
        for name, (body, expected) in FAULTS.items():
            code, out = run(catalog(pathlib.Path(tmp), GOOD + body))
            if code == 0 or expected not in out:
                failures.append(f"{name}: expected a failure naming {expected!r}, got {code}:\n{out}")
        # Too many messages the same in both scripts, even with no Simplified-only character.
        same = "".join(f"""
same{i}:
  en: "Updated {i}."
  zh-CN: "已更新 {i}。"
  zh-TW: "已更新 {i}。"
  ja: "{i} を更新しました。"
""" for i in range(3))
        code, out = run(catalog(pathlib.Path(tmp), GOOD + same))
        if code == 0 or "zh-TW equals zh-CN in 3 of 4 messages" not in out:
            failures.append(f"zh-TW equal to zh-CN too often passed: {code}:\n{out}")
        ui = pathlib.Path(tmp) / "zh-TW.ts"
        ui.write_text('export default {\n  saved: "已儲存",\n  copy: "复制密钥",\n};\n', encoding="utf-8")
        code, out = run(good, "--ui", ui)
        if code == 0 or "zh-TW.ts:3 has Simplified characters: 钥" not in out:
            failures.append(f"a Simplified UI string passed: {code}:\n{out}")
    code, out = run(ROOT / "src-tauri/locales", "--ui", ROOT / "ui/src/lib/i18n/zh-TW.ts")
    if code != 0:
        failures.append(f"the real catalogs fail:\n{out}")
    for f in failures:
        print(f)
    print(f"check_catalog positive controls: {len(FAULTS) + 2} planted faults, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
