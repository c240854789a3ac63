"""Checks the Rust message catalog (rust-i18n v2 YAML): every leaf has `en`,
`zh-CN`, `zh-TW` and `ja`, none is empty, placeholders match English's, no
translation is English left over beyond the glossary's terms (glossary.json),
and zh-TW is Traditional Chinese, not a copy of zh-CN: it has none of the
common Simplified-only characters, and few of its messages equal zh-CN's.
`--ui FILE` checks the UI's zh-TW catalog (TypeScript) for the same characters.
tests/i18n/test_check_catalog.py plants each fault and sees it reported."""
import json
import pathlib
import re
import sys

import yaml

LANGS = ("zh-CN", "zh-TW", "ja")
GLOSSARY = json.loads((pathlib.Path(__file__).with_name("glossary.json")).read_text(encoding="utf-8"))["terms"]
# Words of the glossary's terms: what may stay in Latin letters in a translation.
ALLOWED_LATIN = {w for term in GLOSSARY for w in re.findall(r"[A-Za-z][A-Za-z0-9.+-]*", term)}


# Common characters that exist only in Simplified Chinese (their Traditional
# forms differ: 個這鑰設刪際們為時會對發開關說將還進請見認證問間題誤錄應數據網
# 絡頁簽選擇顯導務區線動帳號碼費額單價無過該從與輸創權訪儲歷記條項類狀態啟試
# 運環變). One in a zh-TW message means zh-CN text was left there.
SIMPLIFIED_ONLY = set(
    "个这钥设删际们为时会对发开关说将还进请见认证问间题误录应数据网络页签选择显导"
    "务区线动账号码费额单价无过该从与输创权访储历记条项类状态启试运环变"
)
# Short messages can be the same in both scripts (沙箱, 已更新): at most this share may be.
MAX_SAME_AS_ZH_CN = 0.10
HAN = re.compile(r"[\u4e00-\u9fff]")


def simplified_in(text: str) -> str:
    return "".join(sorted(set(text) & SIMPLIFIED_ONLY))


def leaves(node, path=()):
    if isinstance(node, dict) and ("en" in node or "zh-CN" in node) and not any(
        isinstance(v, dict) for v in node.values()
    ):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "_version":
                yield from leaves(value, path + (key,))
    else:
        yield path, {"?": node}


def main(folder: str, ui_zh_tw: str | None = None) -> int:
    problems, count, same = [], 0, []
    for file in sorted(pathlib.Path(folder).glob("*.yml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        if data.get("_version") != 2:
            problems.append(f"{file.name}: must declare _version: 2")
        for path, entry in leaves(data):
            count += 1
            key = ".".join(path)
            en = entry.get("en")
            missing = [lang for lang in ("en",) + LANGS if not entry.get(lang)]
            if missing:
                problems.append(f"{file.name}: {key} needs {', '.join(missing)}")
                continue
            simplified = simplified_in(entry["zh-TW"])
            if simplified:
                problems.append(f"{file.name}: {key} zh-TW has Simplified characters: {simplified}")
            if entry["zh-TW"] == entry["zh-CN"] and HAN.search(entry["zh-TW"]):
                same.append(f"{file.name}: {key}")
            for lang in LANGS:
                text = entry[lang]
                if set(re.findall(r"%\{\w+\}", en)) != set(re.findall(r"%\{\w+\}", text)):
                    problems.append(f"{file.name}: {key} placeholders differ between en and {lang}")
                # Placeholders, quoted or code text and ENVIRONMENT_VARIABLE names are not prose.
                bare = re.sub(r"%\{\w+\}|`[^`]*`|“[^”]*”|「[^」]*」|\"[^\"]*\"|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", "", text)
                words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9.+-]*", bare) if w not in ALLOWED_LATIN]
                if len(words) > 2:
                    problems.append(f"{file.name}: {key} {lang} looks untranslated: {' '.join(words)}")
    if count and len(same) > MAX_SAME_AS_ZH_CN * count:
        problems.append(f"zh-TW equals zh-CN in {len(same)} of {count} messages (at most "
                        f"{MAX_SAME_AS_ZH_CN:.0%}): {', '.join(same[:5])}")
    if ui_zh_tw:
        for n, line in enumerate(pathlib.Path(ui_zh_tw).read_text(encoding="utf-8").splitlines(), 1):
            simplified = simplified_in(line)
            if simplified:
                problems.append(f"{ui_zh_tw}:{n} has Simplified characters: {simplified}")
    for p in problems:
        print(p)
    print(f"catalog: {count} messages checked, {len(problems)} problems")
    return 1 if problems or count == 0 else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    ui = None
    if "--ui" in args:
        at = args.index("--ui")
        ui = args[at + 1]
        del args[at:at + 2]
    sys.exit(main(args[0], ui))
