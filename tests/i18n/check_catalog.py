"""Checks the Rust message catalog (rust-i18n v2 YAML): every leaf has both `en`
and `zh-CN`, neither is empty, placeholders match, and zh-CN is not English left over."""
import pathlib
import re
import sys

import yaml

ALLOWED_LATIN = {"API", "Key", "AccessKey", "ID", "Secret", "RAM", "STS", "Model", "Studio",
                 "Keys", "DashScope", "GNOME", "Keyring", "KWallet", "Service", "Linux",
                 "macOS", "Windows", "VPN", "IP", "IPv4", "IPv6", "CIDR", "URL", "JSON", "Token",
                 "Plan", "Coding", "HTTP", "skm", "sk", "ws", "sp", "st", "env", "Bearer", "TTL",
                 "Virginia", "Beijing", "Custom", "All", "OpenAPI", "CLI", "aliyun", "Enter", "Esc",
                 "http", "https", "localhost"}


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
            en, zh = entry.get("en"), entry.get("zh-CN")
            if not en or not zh:
                problems.append(f"{file.name}: {key} needs both en and zh-CN")
                continue
            if set(re.findall(r"%\{\w+\}", en)) != set(re.findall(r"%\{\w+\}", zh)):
                problems.append(f"{file.name}: {key} placeholders differ between en and zh-CN")
            # Placeholders, quoted or code text and ENVIRONMENT_VARIABLE names are not prose.
            bare = re.sub(r"%\{\w+\}|`[^`]*`|“[^”]*”|\"[^\"]*\"|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", "", zh)
            words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9.+-]*", bare) if w not in ALLOWED_LATIN]
            if len(words) > 2:
                problems.append(f"{file.name}: {key} zh-CN looks untranslated: {' '.join(words)}")
    for p in problems:
        print(p)
    print(f"catalog: {count} messages checked, {len(problems)} problems")
    return 1 if problems or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
