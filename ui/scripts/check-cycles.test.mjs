// @vitest-environment node
// The positive control of check-cycles.mjs: on a small tree with a cycle it
// fails and names the files, on one without it passes. Run by `npm test`.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const script = join(dirname(fileURLToPath(import.meta.url)), "check-cycles.mjs");
const made = [];

/** A temp source tree of `files` (path -> text); the checker's exit code and output on it. */
function check(files) {
  const root = mkdtempSync(join(tmpdir(), "check-cycles-"));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const run = spawnSync(process.execPath, [script, root], { encoding: "utf8" });
  return { code: run.status, out: run.stdout + run.stderr };
}

afterEach(() => {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe("check-cycles", () => {
  it("fails on a cycle closed by a type-only import, naming its files", () => {
    const { code, out } = check({
      "lib/a.ts": 'import { b } from "./b";\nexport const a = b;\n',
      "lib/b.svelte": '<script lang="ts">\n  import type { A } from "./a";\n  let x: A | null = null;\n</script>\n',
      "lib/c.ts": 'import { a } from "./a";\nexport const c = a;\n',
    });
    expect(code).toBe(1);
    expect(out).toMatch(/2 modules import each other/);
    expect(out).toContain("lib/a.ts");
    expect(out).toContain("lib/b.svelte");
    expect(out).not.toContain("lib/c.ts");
  });

  it("fails on a cycle through a dynamic import, a re-export and index.ts / .svelte.ts resolution", () => {
    expect(
      check({
        "i18n/index.svelte.ts": 'export const load = () => import("./ja");\n',
        "i18n/ja.ts": 'import type { Catalog } from "./index.svelte";\nexport default {} as Catalog;\n',
      }).code,
    ).toBe(1);
    expect(
      check({
        "x.ts": 'export { y } from "./dir";\n',
        "dir/index.ts": 'import {\n  x,\n} from "../x.ts";\nexport const y = x;\n',
      }).code,
    ).toBe(1);
  });

  it("passes an acyclic tree, whatever tests, comments and styles import", () => {
    const { code, out } = check({
      "main.ts": 'import "./app.css";\nimport App from "./App.svelte";\nexport default App;\n',
      "App.svelte": '<script lang="ts">\n  import { t } from "./lib/i18n/index.svelte";\n</script>\n<p>{t()}</p>\n',
      "lib/i18n/index.svelte.ts": '// not an import: import { x } from "../../main";\nexport const t = () => "";\n',
      "lib/i18n/index.test.ts": 'import App from "../../App.svelte";\nimport "../../main";\n',
      "test/setup.ts": 'import "../main";\nimport "../App.svelte";\n',
      "app.css": "p { color: red; }\n",
    });
    expect(code).toBe(0);
    expect(out).toMatch(/ok \(3 modules, 2 relative imports, no cycles\)/);
  });

  it("fails when it finds nothing to check", () => {
    expect(check({ "readme.md": "" }).code).toBe(1);
  });
});
