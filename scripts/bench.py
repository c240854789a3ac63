"""Runs Studio Keys and the baseline window alternately and reports figures.

Run through scripts/bench.sh (it builds everything and provides Xvfb + keyring).
Signals read from the apps' stderr:
  Studio Keys  `bench: painted region=<id> source=<Cache|Network>` (logged by the
               `ui_painted` command the UI calls once a key list is on screen: the
               frame after the one that painted its first 12 rows, those that fill
               the window; longer lists render their other rows in later frames)
  baseline     `bench: page-load Finished`
and, for the launch timeline, `bench: setup-done` and `bench: page-load Started|Finished`
(the app's builder) plus the UI's own marks carried on the first painted line.
"""
import argparse
import gzip
import json
import os
import pathlib
import platform
import queue
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time

FIRST_REGION, SECOND_REGION = "cn-beijing", "ap-southeast-1"
TARGETS = {
    "launch_ratio": 1.3, "memory_ratio": 1.15, "binary_mb": 12.0, "js_gzip_kb": 60.0,
    "sign_us": 50.0, "list50_ms": 5.0, "switch_warm_ms": 100.0, "switch_cold_ms": 300.0,
}


class Proc:
    """A launched app whose stderr lines are timestamped as they arrive."""

    def __init__(self, argv, env):
        self.t0 = time.perf_counter()
        self.p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines = queue.Queue()
        self.seen = []  # (time since launch, line) of every line read so far
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.p.stderr:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))

    def wait_for(self, pattern, timeout=60):
        return self.wait_for_line(pattern, timeout)[0]

    def wait_for_line(self, pattern, timeout=60):
        """(time, line) of the next line matching `pattern`."""
        deadline = time.perf_counter() + timeout
        rx = re.compile(pattern)
        while time.perf_counter() < deadline:
            try:
                t, line = self.lines.get(timeout=0.05)
            except queue.Empty:
                if self.p.poll() is not None:
                    raise RuntimeError(f"app exited ({self.p.returncode}) before {pattern!r}")
                continue
            self.seen.append((t - self.t0, line))
            if rx.search(line):
                return t, line
        raise TimeoutError(f"no {pattern!r} within {timeout}s")

    def wait_seen(self, pattern, timeout=60):
        """As wait_for, but a matching line already read counts too."""
        t, _ = self.first(pattern)
        return self.t0 + t if t is not None else self.wait_for(pattern, timeout)

    def first(self, pattern):
        """(seconds since launch, line) of the first line read so far matching."""
        rx = re.compile(pattern)
        return next(((t, l) for t, l in self.seen if rx.search(l)), (None, None))

    def drain(self):
        while not self.lines.empty():
            self.lines.get_nowait()

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()


def tree(pid):
    """pid and all its descendants (WebKit's web and network processes)."""
    children = {}
    for d in pathlib.Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def memory_kb(pid):
    pss = rss = 0
    for p in tree(pid):
        try:
            for line in pathlib.Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            pass
    return pss, rss


def fresh_env(base, cache):
    """Fresh settings and data for every run; `cache` (XDG_CACHE_HOME) is kept
    per app across runs, as a returning user has it: WebKit and Mesa keep their
    compiled shaders there, and a cold cache costs a second or more here."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="bench-"))
    env = dict(os.environ)
    for name in ("config", "data", "state"):
        (d / name).mkdir()
        env[f"XDG_{name.upper()}_HOME"] = str(d / name)
    env["XDG_CACHE_HOME"] = str(cache)
    env.update(base)
    return d, env


def run_baseline(binary, cache):
    d, env = fresh_env({}, cache)
    app = Proc([binary], env)
    try:
        painted = app.wait_seen(r"bench: page-load Finished") - app.t0
        frame = app.wait_seen(r"bench: first-frame") - app.t0
        started, _ = app.first(r"bench: page-load Started")
        time.sleep(5)
        pss, rss = memory_kb(app.p.pid)
    finally:
        app.stop()
        shutil.rmtree(d, ignore_errors=True)
    return {"launch_ms": painted * 1000, "frame_ms": frame * 1000, "pss_mb": pss / 1024,
            "rss_mb": rss / 1024,
            "timeline": {"page-load started": started * 1000 if started is not None else None,
                         "page-load finished": painted * 1000, "first frame (signal read)": frame * 1000}}


def launch_timeline(app, painted_line):
    """Milliseconds from process start to each step of the app's launch: the
    builder's lines as they arrived, the UI's marks placed after navigation start."""
    steps = {}
    for name, pattern in (("setup done", r"bench: setup-done"),
                          ("page-load started", r"bench: page-load Started"),
                          ("page-load finished", r"bench: page-load Finished")):
        t, _ = app.first(pattern)
        steps[name] = t * 1000 if t is not None else None
    nav = steps["page-load started"]
    m = re.search(r"marks=(\S*)", painted_line or "")
    if nav is not None and m:
        for item in filter(None, m.group(1).split(",")):
            name, ms = item.rsplit(":", 1)
            steps[f"ui: {name}"] = nav + float(ms)
    return steps


def run_app(binary, skm, keys, cache):
    d, env = fresh_env({"STUDIO_KEYS_BENCH": "1", "LANG": "en_US.UTF-8"}, cache)
    db = pathlib.Path(env["XDG_DATA_HOME"]) / "studio-keys" / "sandbox.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([skm, "sandbox", "seed-keys", "--db", str(db), "--region", FIRST_REGION,
                    "--total", str(keys)], check=True, env=env, stdout=subprocess.DEVNULL)
    # A returning user: the sandbox was chosen before, so the app opens on the list
    # (a first start shows the welcome screen instead).
    subprocess.run([skm, "profiles", "use", "sandbox"], check=True, env=env, stdout=subprocess.DEVNULL)
    app = Proc([binary], env)
    try:
        painted = app.wait_for(rf"bench: painted region={FIRST_REGION}\b") - app.t0
        timeline = launch_timeline(app, app.first(rf"bench: painted region={FIRST_REGION}\b")[1])
        timeline["first frame (signal read)"] = painted * 1000
        time.sleep(5)
        pss, rss = memory_kb(app.p.pid)
        wid = subprocess.run(["xdotool", "search", "--sync", "--name", "^Studio Keys$"],
                             capture_output=True, text=True, check=True).stdout.split()[0]
        subprocess.run(["xdotool", "windowactivate", "--sync", wid], check=False)

        def switch(key, region):
            """ms from the key press to the first painted list of `region`, and
            where that list came from (`Cache` or `Network`)."""
            app.drain()
            t = time.perf_counter()
            subprocess.run(["xdotool", "key", "--window", wid, key], check=True)
            at, line = app.wait_for_line(rf"bench: painted region={region}\b", 30)
            source = re.search(r"source=(\w+)", line)
            return (at - t) * 1000, source.group(1) if source else "?"

        cold, cold_source = switch("ctrl+2", SECOND_REGION)
        warm_back, warm_back_source = switch("ctrl+1", FIRST_REGION)
        warm, warm_source = switch("ctrl+2", SECOND_REGION)
    finally:
        app.stop()
        shutil.rmtree(d, ignore_errors=True)
    # A warm switch counts only when its first paint came from the list cache; a
    # cold one only when it had to fetch (the region was not shown before).
    warm_cached = [ms for ms, src in ((warm_back, warm_back_source), (warm, warm_source)) if src == "Cache"]
    return {"launch_ms": painted * 1000, "pss_mb": pss / 1024, "rss_mb": rss / 1024,
            "switch_cold_ms": cold if cold_source == "Network" else None,
            "switch_warm_ms": min(warm_cached) if len(warm_cached) == 2 else None,
            "switch_sources": [cold_source, warm_back_source, warm_source], "timeline": timeline}


def criterion(root):
    """{bench id: [seconds per iteration, one per sample]} from criterion's
    sample.json files, so the table can show the median, min and max of the
    samples rather than criterion's confidence interval."""
    out = {}
    for f in pathlib.Path(root).glob("**/new/sample.json"):
        data = json.loads(f.read_text())
        name = "/".join(f.relative_to(root).parts[:-2])
        out[name] = [t / n * 1e-9 for t, n in zip(data["times"], data["iters"])]
    return out


def first_screen_assets(dist):
    """The files the first screen loads: what index.html names (the entry script,
    modulepreloads, styles). Dialogs and other chunks load when first opened."""
    html = (dist / "index.html").read_text()
    return {dist / p.lstrip("/") for p in re.findall(r'(?:src|href)="(/assets/[^"]+)"', html)}


def sizes(binary):
    dist = pathlib.Path("ui/dist")
    first = first_screen_assets(dist)
    out = {k: 0 for k in ("js", "jsz", "first_js", "first_jsz", "css", "cssz")}
    for f in (dist / "assets").iterdir():
        raw = f.read_bytes()
        packed = len(gzip.compress(raw, 9))
        if f.suffix == ".js":
            out["js"] += len(raw)
            out["jsz"] += packed
            if f in first:
                out["first_js"] += len(raw)
                out["first_jsz"] += packed
        elif f.suffix == ".css":
            out["css"] += len(raw)
            out["cssz"] += packed
    kb = {k: v / 1024 for k, v in out.items()}
    return {"binary_mb": os.path.getsize(binary) / 1e6, "js_kb": kb["js"], "js_gzip_kb": kb["jsz"],
            "first_js_kb": kb["first_js"], "first_js_gzip_kb": kb["first_jsz"],
            "css_kb": kb["css"], "css_gzip_kb": kb["cssz"]}


def stats(values):
    return statistics.median(values), min(values), max(values)


def verdict(ok):
    return "PASS" if ok else "MISS"


def cpu_times():
    """(steal, total) jiffies of all CPUs: a VM whose host is busy loses time
    to steal, which slows every figure; the header reports it."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    # user nice system idle iowait irq softirq steal; guest time is already in user/nice.
    return fields[7] if len(fields) > 7 else 0, sum(fields[:8])


def timeline_table(base, app):
    """Where launch time goes: median ms from process start to each step."""
    def medians(runs):
        names = {}
        for r in runs:
            for name, ms in r["timeline"].items():
                if ms is not None:
                    names.setdefault(name, []).append(ms)
        return {n: statistics.median(v) for n, v in names.items()}
    a, b = medians(app), medians(base)
    out = ("\n## Launch timeline (median ms from process start)\n\n"
           "| step | app | baseline |\n|---|---|---|\n")
    for name, ms in sorted(a.items(), key=lambda kv: kv[1]):
        other = f"{b[name]:.0f}" if name in b else ""
        out += f"| {name} | {ms:.0f} | {other} |\n"
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--keys", type=int, default=50)
    ap.add_argument("--app", required=True)
    ap.add_argument("--baseline", required=True)
    ap.add_argument("--skm", required=True)
    ap.add_argument("--criterion", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    base, app = [], []
    caches = pathlib.Path(tempfile.mkdtemp(prefix="bench-caches-"))
    base_cache, app_cache = caches / "baseline", caches / "app"
    base_cache.mkdir()
    app_cache.mkdir()
    # The first launch on a machine fills the shader caches: reported on its own.
    first_base = run_baseline(a.baseline, base_cache)
    first_app = run_app(a.app, a.skm, a.keys, app_cache)
    print(f"first launch (cold caches): baseline {first_base['frame_ms']:.0f} ms painted, "
          f"app {first_app['launch_ms']:.0f} ms", flush=True)
    steal0, total0 = cpu_times()
    for i in range(a.runs):
        base.append(run_baseline(a.baseline, base_cache))
        app.append(run_app(a.app, a.skm, a.keys, app_cache))
        print(f"run {i + 1}/{a.runs}: baseline {base[-1]['launch_ms']:.0f} ms, "
              f"app {app[-1]['launch_ms']:.0f} ms, switches painted from "
              f"{' / '.join(app[-1]['switch_sources'])} (cold / warm / warm)", flush=True)

    steal1, total1 = cpu_times()
    steal_pct = 100.0 * (steal1 - steal0) / max(1, total1 - total0)
    rows = []

    def row(name, values, unit, target=None, lower_is_better=True, fmt="{:.1f}"):
        med, lo, hi = stats(values)
        mark = "" if target is None else verdict(med <= target if lower_is_better else med >= target)
        rows.append((name, fmt.format(med), fmt.format(lo), fmt.format(hi), unit,
                     "" if target is None else f"≤ {target}", mark))
        return med

    rows.append(("first launch, cold shader caches: app / baseline first frame painted",
                 f"{first_app['launch_ms']:.0f} / {first_base['frame_ms']:.0f}", "", "", "ms", "", ""))
    b_launch = row("baseline: launch to page load", [r["launch_ms"] for r in base], "ms")
    a_launch = row("app: launch to key list on screen (50 keys; signal: its first 12 rows painted)",
                   [r["launch_ms"] for r in app], "ms")
    ratios = [x["launch_ms"] / y["launch_ms"] for x, y in zip(app, base)]
    row("launch ratio app / baseline page load (the issue's definition)", ratios, "x",
        TARGETS["launch_ratio"], fmt="{:.2f}")
    # Like for like: WebKitGTK reports a page loaded before its first frame is on
    # screen; the app's signal is a frame, so compare with the baseline's frame too.
    row("baseline: launch to first frame painted", [r["frame_ms"] for r in base], "ms")
    row("launch ratio app / baseline first frame painted (like for like)",
        [x["launch_ms"] / y["frame_ms"] for x, y in zip(app, base)], "x", TARGETS["launch_ratio"],
        fmt="{:.2f}")
    row("baseline: idle PSS (process tree)", [r["pss_mb"] for r in base], "MB")
    row("app: idle PSS (process tree)", [r["pss_mb"] for r in app], "MB")
    row("memory ratio app / baseline (PSS)",
        [x["pss_mb"] / y["pss_mb"] for x, y in zip(app, base)], "x", TARGETS["memory_ratio"], fmt="{:.2f}")
    row("baseline: idle RSS (reference)", [r["rss_mb"] for r in base], "MB")
    row("app: idle RSS (reference)", [r["rss_mb"] for r in app], "MB")
    def switch_row(name, key, target, served):
        """A switch figure over the runs whose first paint came from where it
        should; a run that did not is reported, and the figure is a MISS."""
        good = [r[key] for r in app if r[key] is not None]
        bad = len(app) - len(good)
        note = f" ({bad} of {len(app)} runs not {served}: MISS)" if bad else ""
        if good:
            row(name + note, good, "ms", target)
            if bad:
                rows[-1] = rows[-1][:-1] + ("MISS",)
        else:
            rows.append((name + note, "n/a", "", "", "ms", f"≤ {target}", "MISS"))

    switch_row("region switch, warm (first 12 rows painted, served from the list cache)",
               "switch_warm_ms", TARGETS["switch_warm_ms"], "served from the cache")
    switch_row("region switch, cold (first 12 rows painted, fetched)",
               "switch_cold_ms", TARGETS["switch_cold_ms"], "fetched")

    s = sizes(a.app)
    b_size = os.path.getsize(a.baseline) / 1e6
    rows.append(("app: release binary (stripped)", f"{s['binary_mb']:.2f}", "", "", "MB", "≤ 12",
                 verdict(s["binary_mb"] <= TARGETS["binary_mb"])))
    rows.append(("baseline: release binary (stripped)", f"{b_size:.2f}", "", "", "MB", "", ""))
    rows.append(("UI JS, first screen: raw / gzip", f"{s['first_js_kb']:.1f} / {s['first_js_gzip_kb']:.1f}", "", "",
                 "KB", "≤ 60 gzip", verdict(s["first_js_gzip_kb"] <= TARGETS["js_gzip_kb"])))
    rows.append(("UI JS, all chunks (dialogs load when opened): raw / gzip",
                 f"{s['js_kb']:.1f} / {s['js_gzip_kb']:.1f}", "", "", "KB", "", ""))
    rows.append(("UI CSS raw / gzip", f"{s['css_kb']:.1f} / {s['css_gzip_kb']:.1f}", "", "", "KB", "", ""))

    crit = criterion(a.criterion)
    for name, target, unit, scale in (("sign", TARGETS["sign_us"], "µs", 1e6),
                                      ("client/list_50", TARGETS["list50_ms"], "ms", 1e3),
                                      ("client/create", None, "ms", 1e3),
                                      ("client/list_500_paged", None, "ms", 1e3)):
        samples = crit.get(name)
        if not samples:
            rows.append((f"client: {name}", "n/a", "", "", unit, "", "MISS (not measured)"))
            continue
        med, lo, hi = stats([v * scale for v in samples])
        rows.append((f"criterion: {name} (per call, {len(samples)} samples)", f"{med:.3f}", f"{lo:.3f}",
                     f"{hi:.3f}", unit, "" if target is None else f"< {target}",
                     "" if target is None else verdict(med < target)))

    tauri_version = re.search(r'name = "tauri"\nversion = "([^"]+)"', pathlib.Path("Cargo.lock").read_text())
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    head = (f"# Benchmark results\n\nMachine: {platform.node()}, {cpu}, {os.cpu_count()} cores, "
            f"{platform.system()} {platform.release()}; tauri {tauri_version.group(1) if tauri_version else '?'}; "
            f"{a.runs} runs each, alternating baseline/app, under Xvfb; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
            f"CPU steal during the GUI runs {steal_pct:.0f}% (time the VM's host took away: higher means noisier).\n\n")
    table = "| figure | median | min | max | unit | target | |\n|---|---|---|---|---|---|---|\n"
    table += "\n".join("| " + " | ".join(r) + " |" for r in rows) + "\n"
    table += timeline_table(base, app)
    text = head + table
    print(text)
    pathlib.Path(a.out).write_text(text)
    shutil.rmtree(caches, ignore_errors=True)


if __name__ == "__main__":
    main()
