"""Finds secret values in files, in every form they could take on disk: UTF-8,
UTF-16 (little and big endian: WebKit keeps some of its storage, e.g. local
storage, in UTF-16) and base64 (standard and URL-safe alphabets, at each of the
three alignments a value can have inside a longer encoded run). The Rust suite
searches the same forms (src-tauri/tests/suite/support/leaks.rs)."""
import base64
import pathlib


def forms(value: str) -> dict[str, bytes]:
    """The byte strings `value` shows as on disk, by encoding name."""
    raw = value.encode()
    out = {"utf-8": raw, "utf-16le": value.encode("utf-16-le"), "utf-16be": value.encode("utf-16-be")}
    for skew in range(3):
        # Inside a longer run the value starts 0, 1 or 2 bytes into a 3-byte group;
        # only the characters made of its own bits are the same whatever surrounds it.
        encoded = base64.b64encode(b"\0" * skew + raw)
        inner = encoded[-(-8 * skew // 6):(8 * (skew + len(raw))) // 6]
        out[f"base64+{skew}"] = inner
        url_safe = inner.replace(b"+", b"-").replace(b"/", b"_")
        if url_safe != inner:
            out[f"base64url+{skew}"] = url_safe
    return out


def scan(root, values):
    """`value #i (encoding) in <file>` for every form of every value found in a
    regular file under `root`, which must exist."""
    root = pathlib.Path(root)
    assert root.is_dir(), f"{root} is not a directory to scan"
    patterns = [(i, name, b) for i, v in enumerate(values) for name, b in forms(v).items()]
    found = []
    for f in sorted(root.rglob("*")):
        if f.is_symlink() or not f.is_file():
            continue
        try:
            data = f.read_bytes()
        except OSError:
            continue
        found += [f"value #{i} ({name}) in {f}" for i, name, b in patterns if b in data]
    return found


def plant(directory, value):
    """Files holding `value` in each form, inside other bytes as storage would
    hold it: the scanner's positive control. Returns {file name: form}."""
    directory = pathlib.Path(directory)
    planted = {
        "planted-utf8": b"KEY=" + value.encode() + b"\n",
        "planted-utf16le": b"\x00SQLite-ish\x00" + f'["{value}"]'.encode("utf-16-le"),
        "planted-utf16be": f'["{value}"]'.encode("utf-16-be"),
    }
    for skew in range(3):
        blob = b'{"state":"' + b"x" * skew + value.encode() + b'","more":1}'
        planted[f"planted-base64-{skew}"] = b"data:" + base64.b64encode(blob)
        planted[f"planted-base64url-{skew}"] = base64.urlsafe_b64encode(blob)
    for name, data in planted.items():
        (directory / name).write_bytes(data)
    return sorted(planted)
