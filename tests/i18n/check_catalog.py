"""Checks the Rust message catalog (rust-i18n v2 YAML): every leaf has `en`,
`zh-CN`, `zh-TW` and `ja`, none is empty, placeholders match English's, and no
translation is English left over beyond the glossary's terms (glossary.json)."""
import json
import pathlib
import re
import sys

import yaml

LANGS = ("zh-CN", "zh-TW", "ja")
GLOSSARY = json.loads((pathlib.Path(__file__).with_name("glossary.json")).read_text(encoding="utf-8"))["terms"]
# Words of the glossary's terms: what may stay in Latin letters in a translation.
ALLOWED_LATIN = {w for term in GLOSSARY for w in re.findall(r"[A-Za-z][A-Za-z0-9.+-]*", term)}


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


def main(folder: str) -> int:
    problems, count = [], 0
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
            for lang in LANGS:
                text = entry[lang]
                if set(re.findall(r"%\{\w+\}", en)) != set(re.findall(r"%\{\w+\}", text)):
                    problems.append(f"{file.name}: {key} placeholders differ between en and {lang}")
                # Placeholders, quoted or code text and ENVIRONMENT_VARIABLE names are not prose.
                bare = re.sub(r"%\{\w+\}|`[^`]*`|“[^”]*”|「[^」]*」|\"[^\"]*\"|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", "", text)
                words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9.+-]*", bare) if w not in ALLOWED_LATIN]
                if len(words) > 2:
                    problems.append(f"{file.name}: {key} {lang} looks untranslated: {' '.join(words)}")
    for p in problems:
        print(p)
    print(f"catalog: {count} messages checked, {len(problems)} problems")
    return 1 if problems or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
