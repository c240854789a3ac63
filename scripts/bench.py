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
import atexit
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
import sys
import tempfile
import threading
import time

FIRST_REGION, SECOND_REGION = "cn-beijing", "ap-southeast-1"
# The baseline binary's copy of the app's first screen (scripts/bench.sh writes it).
STATIC_PAGE = "static.html"
REGION_KEY_LIMIT = 50  # keys per account in a region (console rules)
TARGETS = {
    "launch_ratio": 1.5, "memory_ratio": 1.15, "binary_mb": 12.0, "js_gzip_kb": 60.0,
    "cold_launch_ratio": 1.5, "sign_us": 50.0, "list50_ms": 5.0, "switch_warm_ms": 60.0, "switch_warm_max_ms": 100.0,
    "switch_cold_ms": 300.0, "keystroke_ms": 50.0, "many_keys_ratio": 1.2, "fault_unknown_pct": 2.0,
}


def stop_process(p, grace):
    """Ask `p` to end; killed when it has not within `grace` seconds."""
    p.terminate()
    try:
        p.wait(grace)
    except subprocess.TimeoutExpired:
        p.kill()


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
        stop_process(self.p, 5)


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


# WebKitGTK's helper processes, by the name the kernel keeps (15 characters).
PROCESS_KINDS = {"WebKitWebProces": "web", "WebKitNetworkPr": "network"}
MAPPING = re.compile(r"^[0-9a-f]+-[0-9a-f]+ ")
FONT_FILE = re.compile(r"\.(ttf|otf|ttc|otc|pfb|woff2?)$", re.I)


def memory_kb(pid):
    """PSS and RSS of the process tree, and PSS per kind of process: `main`
    (the app itself), `web` (WebKit's web process: DOM, JS, layout, paint),
    `network` (WebKit's network process) and `other`."""
    pss = rss = 0
    split = {"main": 0, "web": 0, "network": 0, "other": 0}
    for p in tree(pid):
        try:
            comm = pathlib.Path(f"/proc/{p}/comm").read_text().strip()
            for line in pathlib.Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    kb = int(line.split()[1])
                    pss += kb
                    kind = "main" if p == pid else PROCESS_KINDS.get(comm, "other")
                    split[kind] += kb
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            pass
    return pss, rss, split


def fonts_open(pid):
    """{font file: PSS in KB} that WebKit's web process(es) have mapped: what
    painting the page made it load (fontconfig maps the files it shapes from)."""
    out = {}
    for p in tree(pid):
        try:
            if pathlib.Path(f"/proc/{p}/comm").read_text().strip() != "WebKitWebProces":
                continue
            current = None
            for line in pathlib.Path(f"/proc/{p}/smaps").read_text().splitlines():
                head = line.split()
                if MAPPING.match(line):  # a mapping's first line; its path, if any, is the 6th field
                    current = head[5] if len(head) >= 6 and FONT_FILE.search(head[5]) else None
                    if current:
                        out.setdefault(current, 0)
                elif current and line.startswith("Pss:"):
                    out[current] += int(head[1])
        except OSError:
            pass
    return out


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


def app_webview_env():
    """The webview settings Studio Keys gives itself from its environment
    (app.rs): no JavaScript JIT; Skia painting on the CPU and no compositing
    when there is no GPU render node; its window shown once the page has
    loaded. The static copy of its first screen is painted the same way, so
    that the comparison with it shows the app's own cost; the blank baseline
    keeps WebKit's and Tauri's defaults, as a blank Tauri window has them."""
    dri = pathlib.Path("/dev/dri")
    gpu = dri.is_dir() and any(n.name.startswith("renderD") for n in dri.iterdir())
    env = {"JSC_useJIT": os.environ.get("JSC_useJIT", "false"), "BASELINE_SHOW_WHEN_LOADED": "1"}
    if not gpu:
        for name in ("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "WEBKIT_DISABLE_COMPOSITING_MODE"):
            env[name] = os.environ.get(name, "1")
    return env


def run_baseline(binary, cache, page=None, app_settings=None):
    """The blank window (`page` None) or the static copy of the app's first
    screen (`page` "static.html"): same binary, same webview, no app code."""
    if app_settings is None:
        app_settings = page is not None
    d, env = fresh_env({**({"BASELINE_PAGE": page} if page else {}),
                        **(app_webview_env() if app_settings else {})}, cache)
    app = Proc([binary], env)
    try:
        painted = app.wait_seen(r"bench: page-load Finished") - app.t0
        frame = app.wait_seen(r"bench: first-frame") - app.t0
        started, _ = app.first(r"bench: page-load Started")
        time.sleep(5)
        pss, rss, split = memory_kb(app.p.pid)
        fonts = fonts_open(app.p.pid)
    finally:
        app.stop()
        shutil.rmtree(d, ignore_errors=True)
    return {"launch_ms": painted * 1000, "frame_ms": frame * 1000, "pss_mb": pss / 1024,
            "rss_mb": rss / 1024, "split": split, "fonts": fonts,
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


def returning_user(skm, env, keys):
    """Exactly `keys` keys in the first region, and the sandbox chosen before,
    so the app opens on the list (a first start shows the welcome screen)."""
    db = pathlib.Path(env["XDG_DATA_HOME"]) / "studio-keys" / "sandbox.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    seed = [skm, "sandbox", "seed-keys", "--db", str(db), "--region", FIRST_REGION]
    subprocess.run(seed + ["--total", str(min(keys, REGION_KEY_LIMIT))], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    if keys > REGION_KEY_LIMIT:  # the 500-key paint: past the limit, as only the sandbox allows
        subprocess.run(seed + ["--count", str(keys - REGION_KEY_LIMIT), "--past-limit"], check=True,
                       env=env, stdout=subprocess.DEVNULL)
    subprocess.run([skm, "profiles", "use", "sandbox"], check=True, env=env, stdout=subprocess.DEVNULL)


def in_page_ms(line):
    """The UI's own measure of a switch or keystroke: from its input event to
    the frame that shows the list (both on the page's clock), or None."""
    m = re.search(r"marks=(\S*)", line or "")
    got = dict(item.rsplit(":", 1) for item in filter(None, (m.group(1) if m else "").split(",")))
    return float(got["frame"]) - float(got["input"]) if "frame" in got and "input" in got else None


# A search typed into the 500-key list one key at a time, then taken back:
# each keystroke narrows the list ("1", "12", "123") or widens it again.
SEARCH_KEYS = ["1", "2", "3", "BackSpace", "BackSpace", "BackSpace"]


class TrayHost:
    """The desktop's tray host, played on the bench's session bus by the
    tests' stand-in (tests/e2e/tray_host.py): the app's tray item registers
    with it and exports its menu over D-Bus, as on a desktop, so that the
    app's figures are those of the app with its tray on."""

    def __init__(self):
        self.record = pathlib.Path(tempfile.mkdtemp(prefix="bench-tray-")) / "items.jsonl"
        script = pathlib.Path(__file__).resolve().parent.parent / "tests" / "e2e" / "tray_host.py"
        self.p = subprocess.Popen([sys.executable, str(script), str(self.record)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline().strip()
        if line != "ready":
            self.p.kill()
            raise RuntimeError(f"the tray host stand-in did not start: {line} {self.p.stderr.read()}")

    def items(self):
        """How many tray items have registered so far."""
        return len(self.record.read_text().splitlines()) if self.record.exists() else 0

    def registered_since(self, before, within=5.0):
        """Whether an item registered after `before` items, waiting up to `within` s."""
        deadline = time.perf_counter() + within
        while self.items() <= before and time.perf_counter() < deadline:
            time.sleep(0.1)
        return self.items() > before

    def stop(self):
        stop_process(self.p, 10)
        shutil.rmtree(self.record.parent, ignore_errors=True)


def run_app(binary, skm, keys, cache, tray_host, switches=True, search=False):
    d, env = fresh_env({"STUDIO_KEYS_BENCH": "1", "LANG": "en_US.UTF-8"}, cache)
    returning_user(skm, env, keys)
    items_before = tray_host.items()
    app = Proc([binary], env)
    try:
        # Lists shown are numbered from launch (1); each switch shows the next.
        launch = rf"bench: painted region={FIRST_REGION} source=\w+ seq=1\b"
        painted = app.wait_for(launch) - app.t0
        timeline = launch_timeline(app, app.first(launch)[1])
        timeline["first frame (signal read)"] = painted * 1000
        time.sleep(5)
        pss, rss, split = memory_kb(app.p.pid)
        fonts = fonts_open(app.p.pid)
        out = {"launch_ms": painted * 1000, "pss_mb": pss / 1024, "rss_mb": rss / 1024,
               "split": split, "fonts": fonts, "timeline": timeline,
               "tray": tray_host.registered_since(items_before)}
        if not (switches or search):
            return out
        wid = subprocess.run(["xdotool", "search", "--sync", "--name", "^Studio Keys$"],
                             capture_output=True, text=True, check=True).stdout.split()[0]
        # Xvfb has no window manager to give the new window the keyboard: focus it.
        subprocess.run(["xdotool", "windowfocus", "--sync", wid], check=True)

        def press(key, pattern):
            """ms from the key press to the paint line matching `pattern`, the
            UI's own measure of it, and the line."""
            app.drain()
            t = time.perf_counter()
            subprocess.run(["xdotool", "key", "--window", wid, key], check=True)
            at, line = app.wait_for_line(pattern, 30)
            return (at - t) * 1000, in_page_ms(line), line

        if search:
            subprocess.run(["xdotool", "key", "--window", wid, "ctrl+f"], check=True)
            time.sleep(0.3)
            typed = [press(k, rf"bench: painted region=\S+ source=Filter seq={i}\b")
                     for i, k in enumerate(SEARCH_KEYS, 1)]
            out["keystroke_ms"] = [ms for ms, _, _ in typed]
            out["keystroke_page_ms"] = [p for _, p, _ in typed if p is not None]
            return out

        def switch(key, region, seq):
            """The switch's figures and where its first paint came from (`Cache` or `Network`)."""
            ms, page, line = press(key, rf"bench: painted region={region} source=\w+ seq={seq}\b")
            source = re.search(r"source=(\w+)", line)
            return ms, page, source.group(1) if source else "?"

        cold = switch("ctrl+2", SECOND_REGION, 2)
        warm_back = switch("ctrl+1", FIRST_REGION, 3)
        warm = switch("ctrl+2", SECOND_REGION, 4)
    finally:
        app.stop()
        shutil.rmtree(d, ignore_errors=True)
    # A warm switch counts only when its first paint came from the list cache; a
    # cold one only when it had to fetch (the region was not shown before).
    # Both warm switches are samples (no picking the faster of the two).
    warm_cached = [s for s in (warm_back, warm) if s[2] == "Cache"]
    out.update({
        "switch_cold_ms": cold[0] if cold[2] == "Network" else None,
        "switch_cold_page_ms": cold[1] if cold[2] == "Network" else None,
        "switch_warm_ms": [s[0] for s in warm_cached] if len(warm_cached) == 2 else None,
        "switch_warm_page_ms": [s[1] for s in warm_cached if s[1] is not None] if len(warm_cached) == 2 else None,
        "switch_sources": [cold[2], warm_back[2], warm[2]]})
    return out


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


def fault_proxy_rows(path):
    """The figures of the fault-proxy soak (`fault_proxy` in the suite, run by
    scripts/bench.sh into `path`): its printed total line and per-seed request
    counts. A run that did not print them is a MISS, never a silent gap."""
    name = "skm through a failing network (fault proxy, 2 seeds)"
    text = pathlib.Path(path).read_text() if path and os.path.exists(path) else ""
    total = re.search(r"^total\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$",
                      text, re.M)
    seeds = re.findall(r"^seed \d+: (\d+) requests through the proxy, (\d+) faults", text, re.M)
    if not total or not seeds:
        return [(f"{name}: not measured (see target/fault-proxy.txt)", "n/a", "", "", "", "", "MISS")]
    ops, ok, recovered, unknown, unknown_pct, failed, dup, false_ok, lost = total.groups()
    requests = sum(int(r) for r, _ in seeds)
    faults = sum(int(f) for _, f in seeds)
    broken = (int(dup), int(false_ok), int(lost))
    return [
        (f"{name}: requests that met a fault, recovery and lookup calls included ({faults} of {requests})",
         f"{100 * faults / requests:.1f}", "", "", "%", "30 (3 of every 10)", ""),
        (f"{name}: operations that ended 'outcome unknown' ({unknown} of {ops}; {recovered} recovered, "
         f"{failed} failed and said so)", f"{float(unknown_pct):.1f}", "", "", "%",
         f"≤ {TARGETS['fault_unknown_pct']:g}", verdict(float(unknown_pct) <= TARGETS["fault_unknown_pct"])),
        (f"{name}: duplicate keys / false successes / lost values", " / ".join(map(str, broken)), "", "", "",
         "0 / 0 / 0", verdict(broken == (0, 0, 0))),
    ]


def cpu_times():
    """(steal, total) jiffies of all CPUs: a VM whose host is busy loses time
    to steal, which slows every figure; the header reports it."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    # user nice system idle iowait irq softirq steal; guest time is already in user/nice.
    return fields[7] if len(fields) > 7 else 0, sum(fields[:8])


def timeline_table(base, static, app):
    """Where launch time goes: median ms from process start to each step."""
    def medians(runs):
        names = {}
        for r in runs:
            for name, ms in r["timeline"].items():
                if ms is not None:
                    names.setdefault(name, []).append(ms)
        return {n: statistics.median(v) for n, v in names.items()}
    a, s, b = medians(app), medians(static), medians(base)
    out = ("\n## Launch timeline (median ms from process start)\n\n"
           "| step | app | static first screen | baseline |\n|---|---|---|---|\n")
    for name, ms in sorted(a.items(), key=lambda kv: kv[1]):
        other = [f"{m[name]:.0f}" if name in m else "" for m in (s, b)]
        out += f"| {name} | {ms:.0f} | " + " | ".join(other) + " |\n"
    return out


def write_static_page(binary, skm, keys, dist):
    """The second baseline's page: the app's own markup once its live key list
    (`keys` keys) is painted, with its stylesheets and none of its scripts; the
    baseline's frame signal instead. Written into the baseline's dist before it
    is built (the page is compiled in, as the app's are)."""
    with tempfile.TemporaryDirectory(prefix="bench-snapshot-") as tmp:
        cache = pathlib.Path(tmp) / "cache"
        cache.mkdir()
        snapshot = pathlib.Path(tmp) / "snapshot.html"
        proc = None
        d, env = fresh_env({"STUDIO_KEYS_BENCH": "1", "LANG": "en_US.UTF-8",
                            "STUDIO_KEYS_BENCH_SNAPSHOT": str(snapshot)}, cache)
        try:
            returning_user(skm, env, keys)
            proc = Proc([binary], env)
            line = proc.wait_for_line(r"bench: snapshot (not )?written")[1]
            if "not written" in line:
                raise RuntimeError(line)
        finally:
            if proc:
                proc.stop()
            shutil.rmtree(d, ignore_errors=True)
        html = snapshot.read_text()
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.S)
    html = re.sub(r'<link rel="modulepreload"[^>]*>', "", html)
    html = html.replace("</head>", '<script src="/frame.js"></script></head>', 1)
    dist = pathlib.Path(dist)
    (dist / "assets").mkdir(exist_ok=True)
    for css in re.findall(r'href="/(assets/[^"]+\.css)"', html):
        shutil.copy(pathlib.Path("ui/dist") / css, dist / css)
    (dist / STATIC_PAGE).write_text("<!doctype html>\n" + html)
    rows = html.count("data-row=")
    print(f"bench: static first screen written ({len(html) // 1024} KB of markup, {rows} rows drawn)")


def fonts_table(base, static, app):
    """The font files each web process had mapped, with the PSS they held (last run)."""
    out = ("\n## Font files the web process has open (last run; PSS of their mappings)\n\n"
           "| font file | baseline | static first screen | app |\n|---|---|---|---|\n")
    last = [runs[-1]["fonts"] for runs in (base, static, app)]
    for f in sorted(set().union(*last)):
        cells = [f"{fonts[f] / 1024:.1f} MB" if f in fonts else "" for fonts in last]
        out += f"| {f} | " + " | ".join(cells) + " |\n"
    totals = [sum(fonts.values()) / 1024 for fonts in last]
    out += "| total | " + " | ".join(f"{t:.1f} MB" for t in totals) + " |\n"
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--keys", type=int, default=50)
    ap.add_argument("--many-keys", type=int, default=500)
    ap.add_argument("--many-runs", type=int, default=5)
    ap.add_argument("--app", required=True)
    ap.add_argument("--baseline", required=True)
    ap.add_argument("--skm", required=True)
    ap.add_argument("--criterion", required=True)
    ap.add_argument("--fault-proxy", metavar="LOG", help="the fault-proxy soak's output (scripts/bench.sh)")
    ap.add_argument("--out")
    ap.add_argument("--write-static-page", metavar="DIST",
                    help="only write the static copy of the app's first screen into DIST")
    a = ap.parse_args()
    if a.write_static_page:
        write_static_page(a.app, a.skm, a.keys, a.write_static_page)
        return
    if not a.out or a.runs < 1 or a.many_runs < 1:
        ap.error("--out, --runs ≥ 1 and --many-runs ≥ 1 are needed for a bench run")

    base, same, static, app, many = [], [], [], [], []
    caches = pathlib.Path(tempfile.mkdtemp(prefix="bench-caches-"))
    base_cache, same_cache = caches / "baseline", caches / "baseline-app-settings"
    static_cache, app_cache = caches / "static", caches / "app"
    for c in (base_cache, same_cache, static_cache, app_cache):
        c.mkdir()
    tray_host = TrayHost()
    atexit.register(tray_host.stop)
    # The first launch on a machine fills the shader caches: reported on its own.
    first_base = run_baseline(a.baseline, base_cache)
    first_app = run_app(a.app, a.skm, a.keys, app_cache, tray_host)
    run_baseline(a.baseline, static_cache, STATIC_PAGE)  # fills its own caches
    run_baseline(a.baseline, same_cache, app_settings=True)
    print(f"first launch (cold caches): baseline {first_base['frame_ms']:.0f} ms painted, "
          f"app {first_app['launch_ms']:.0f} ms", flush=True)
    steal0, total0 = cpu_times()
    for i in range(a.runs):
        base.append(run_baseline(a.baseline, base_cache))
        static.append(run_baseline(a.baseline, static_cache, STATIC_PAGE))
        same.append(run_baseline(a.baseline, same_cache, app_settings=True))
        app.append(run_app(a.app, a.skm, a.keys, app_cache, tray_host))
        print(f"run {i + 1}/{a.runs}: baseline {base[-1]['frame_ms']:.0f} ms, static page "
              f"{static[-1]['frame_ms']:.0f} ms, app {app[-1]['launch_ms']:.0f} ms, switches painted from "
              f"{' / '.join(app[-1]['switch_sources'])} (cold / warm / warm)", flush=True)
    for i in range(a.many_runs):
        many.append(run_app(a.app, a.skm, a.many_keys, app_cache, tray_host, switches=False, search=True))
        print(f"{a.many_keys} keys, run {i + 1}/{a.many_runs}: app {many[-1]['launch_ms']:.0f} ms", flush=True)

    steal1, total1 = cpu_times()
    steal_pct = 100.0 * (steal1 - steal0) / max(1, total1 - total0)
    rows = []

    def row(name, values, unit, target=None, lower_is_better=True, fmt="{:.1f}"):
        med, lo, hi = stats(values)
        mark = "" if target is None else verdict(med <= target if lower_is_better else med >= target)
        rows.append((name, fmt.format(med), fmt.format(lo), fmt.format(hi), unit,
                     "" if target is None else f"≤ {target}", mark))
        return med

    rows.append(("first launch, cold caches: app key list painted / baseline first frame",
                 f"{first_app['launch_ms']:.0f} / {first_base['frame_ms']:.0f}", "", "", "ms", "", ""))
    first_ratio = first_app["launch_ms"] / first_base["frame_ms"]
    rows.append(("first launch ratio, cold caches", f"{first_ratio:.2f}", "", "", "x",
                 f"≤ {TARGETS['cold_launch_ratio']}",
                 verdict(first_ratio <= TARGETS["cold_launch_ratio"])))
    row("baseline: launch to first frame painted", [r["frame_ms"] for r in base], "ms")
    row(f"app: launch to live key list painted ({a.keys} keys; the frame after the rows that fill the window)",
        [r["launch_ms"] for r in app], "ms")
    row("launch ratio app / baseline first frame painted", [x["launch_ms"] / y["frame_ms"] for x, y in zip(app, base)],
        "x", TARGETS["launch_ratio"], fmt="{:.2f}")
    row("baseline: launch to page load (reference)", [r["launch_ms"] for r in base], "ms")
    row("launch ratio app / baseline page load (reference)",
        [x["launch_ms"] / y["launch_ms"] for x, y in zip(app, base)], "x", fmt="{:.2f}")
    # The app gives its webview settings (app.rs) that a blank Tauri window does
    # not have; the same blank page with them shows how much of a ratio they make.
    row("blank page with the app's webview settings: launch to first frame painted (reference)",
        [r["frame_ms"] for r in same], "ms")
    row("launch ratio app / blank page with the app's webview settings (reference)",
        [x["launch_ms"] / y["frame_ms"] for x, y in zip(app, same)], "x", fmt="{:.2f}")
    row("static first screen: launch to first frame painted", [r["frame_ms"] for r in static], "ms")
    row("static first screen / baseline first frame (the webview's own cost of this content)",
        [x["frame_ms"] / y["frame_ms"] for x, y in zip(static, base)], "x", fmt="{:.2f}")
    row("launch ratio app / static first screen (the app's own cost)",
        [x["launch_ms"] / y["frame_ms"] for x, y in zip(app, static)], "x", fmt="{:.2f}")
    row(f"app: launch to live key list painted ({a.many_keys} keys)", [r["launch_ms"] for r in many], "ms")
    row(f"launch ratio app {a.many_keys} keys / baseline first frame (medians)",
        [statistics.median(r["launch_ms"] for r in many) / statistics.median(r["frame_ms"] for r in base)],
        "x", fmt="{:.2f}")
    row(f"launch ratio app {a.many_keys} keys / app {a.keys} keys (medians)",
        [statistics.median(r["launch_ms"] for r in many) / statistics.median(r["launch_ms"] for r in app)],
        "x", TARGETS["many_keys_ratio"], fmt="{:.2f}")

    row("baseline: idle PSS (process tree)", [r["pss_mb"] for r in base], "MB")
    row("static first screen: idle PSS (process tree)", [r["pss_mb"] for r in static], "MB")
    trays = sum(1 for r in app + many if r["tray"])
    rows.append(("app: tray item registered with the desktop's tray host (runs)",
                 f"{trays} / {len(app + many)}", "", "", "", "all", verdict(trays == len(app + many))))
    row(f"app: idle PSS (process tree, {a.keys} keys, tray on)", [r["pss_mb"] for r in app], "MB")
    row("memory ratio app (tray on) / baseline (PSS)",
        [x["pss_mb"] / y["pss_mb"] for x, y in zip(app, base)], "x", TARGETS["memory_ratio"], fmt="{:.2f}")
    row("blank page with the app's webview settings: idle PSS (reference)", [r["pss_mb"] for r in same], "MB")
    row("memory ratio app / blank page with the app's webview settings (reference)",
        [x["pss_mb"] / y["pss_mb"] for x, y in zip(app, same)], "x", fmt="{:.2f}")
    row("memory ratio static first screen / baseline (PSS, the webview's own cost)",
        [x["pss_mb"] / y["pss_mb"] for x, y in zip(static, base)], "x", fmt="{:.2f}")
    row("memory ratio app / static first screen (PSS, the app's own cost)",
        [x["pss_mb"] / y["pss_mb"] for x, y in zip(app, static)], "x", fmt="{:.2f}")
    row(f"app: idle PSS ({a.many_keys} keys)", [r["pss_mb"] for r in many], "MB")
    for kind in ("main", "web", "network", "other"):
        for name, runs in (("baseline", base), ("static first screen", static), ("app", app)):
            row(f"{name}: PSS of the {kind} process{'es' if kind == 'other' else ''}",
                [r["split"][kind] / 1024 for r in runs], "MB")
    row("baseline: idle RSS (reference)", [r["rss_mb"] for r in base], "MB")
    row("app: idle RSS (reference)", [r["rss_mb"] for r in app], "MB")

    def switch_row(name, key, target, served, max_target=None):
        """A switch figure over the runs whose first paint came from where it
        should; a run that did not is reported, and the figure is a MISS. With
        `max_target`, the slowest sample must hold it too."""
        good = [v for r in app if r[key] is not None for v in (r[key] if isinstance(r[key], list) else [r[key]])]
        bad = sum(1 for r in app if r[key] is None)
        note = f" ({bad} of {len(app)} runs not {served}: MISS)" if bad else ""
        if good:
            row(name + note, good, "ms", target)
            if max_target is not None:
                r = rows[-1]
                ok = r[-1] == "PASS" and max(good) <= max_target
                rows[-1] = r[:5] + (f"median ≤ {target}, max ≤ {max_target}", verdict(ok))
            if bad:
                rows[-1] = rows[-1][:-1] + ("MISS",)
        else:
            rows.append((name + note, "n/a", "", "", "ms", f"≤ {target}", "MISS"))

    switch_row("region switch, warm (rows that fill the window painted from the list cache; 2 per run)",
               "switch_warm_ms", TARGETS["switch_warm_ms"], "served from the cache", TARGETS["switch_warm_max_ms"])
    switch_row("region switch, cold (rows that fill the window painted, fetched)",
               "switch_cold_ms", TARGETS["switch_cold_ms"], "fetched")
    warm_page = [v for r in app for v in (r.get("switch_warm_page_ms") or [])]
    if warm_page:
        row("region switch, warm: the page's own measure, key event to frame (reference)", warm_page, "ms")
    cold_page = [r["switch_cold_page_ms"] for r in app if r.get("switch_cold_page_ms") is not None]
    if cold_page:
        row("region switch, cold: the page's own measure, key event to frame (reference)", cold_page, "ms")
    typed = [v for r in many for v in r.get("keystroke_ms", [])]
    if typed:
        row(f"search keystroke with {a.many_keys} keys, key press to the list painted "
            f"({len(SEARCH_KEYS)} per run)", typed, "ms", TARGETS["keystroke_ms"])
    typed_page = [v for r in many for v in r.get("keystroke_page_ms", [])]
    if typed_page:
        row("search keystroke: the page's own measure, input event to frame (reference)", typed_page, "ms")

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

    rows.extend(fault_proxy_rows(a.fault_proxy))

    tauri_version = re.search(r'name = "tauri"\nversion = "([^"]+)"', pathlib.Path("Cargo.lock").read_text())
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    head = (f"# Benchmark results\n\nMachine: {platform.node()}, {cpu}, {os.cpu_count()} cores, "
            f"{platform.system()} {platform.release()}; tauri {tauri_version.group(1) if tauri_version else '?'}; "
            f"{a.runs} runs each, alternating baseline/app, under Xvfb; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
            f"CPU steal during the GUI runs {steal_pct:.0f}% (time the VM's host took away: higher means noisier).\n\n")
    table = "| figure | median | min | max | unit | target | |\n|---|---|---|---|---|---|---|\n"
    table += "\n".join("| " + " | ".join(r) + " |" for r in rows) + "\n"
    table += timeline_table(base, static, app)
    table += fonts_table(base, static, app)
    text = head + table
    print(text)
    pathlib.Path(a.out).write_text(text)
    shutil.rmtree(caches, ignore_errors=True)


if __name__ == "__main__":
    main()
