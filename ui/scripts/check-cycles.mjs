// Checks that the UI's modules import each other without cycles: a cycle
// makes module order depend on who is imported first (a store read before it
// is defined, a chunk pulled onto the first screen), and type-only imports
// count too, since they are how such a cycle usually starts.
// Reads every .ts and .svelte file under src/ (or the directory given as the
// first argument), except tests (*.test.ts, src/test/), collects its relative
// imports (static, type-only, re-exports, side-effect and dynamic), and
// reports every strongly connected component of two or more modules.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";

const root = resolve(process.argv[2] ?? new URL("../src/", import.meta.url).pathname);

/** Source modules: .ts and .svelte, tests and the test helpers left out. */
function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "node_modules") continue;
      if (relative(root, path) === "test") continue;
      walk(path, out);
    } else if (/\.(ts|svelte)$/.test(entry.name) && !entry.name.endsWith(".test.ts") && !entry.name.endsWith(".d.ts")) {
      out.push(path);
    }
  }
  return out;
}

// Comments are dropped first so a mention of an import in prose is not one
// (line comments only where a line starts with one: `//` also occurs in URLs).
const COMMENTS = /\/\*[\s\S]*?\*\/|<!--[\s\S]*?-->|^\s*\/\/.*$/gm;
const IMPORTS = [
  // import x from, import type { x } from, import * as x from, export { x } from, export * from
  /\b(?:import|export)\s+(?:type\s+)?[\w$*{}\s,]*?\bfrom\s*["']([^"']+)["']/g,
  // import "./x" (for its effects)
  /\bimport\s*["']([^"']+)["']/g,
  // import("./x"), in code or in a type position
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
];

function specifiers(text) {
  const code = text.replace(COMMENTS, "");
  const found = new Set();
  for (const re of IMPORTS) for (const m of code.matchAll(re)) found.add(m[1]);
  return [...found].filter((s) => s.startsWith("./") || s.startsWith("../"));
}

/** The module a relative specifier names, as Vite resolves it here; null for assets (CSS) and the unknown. */
function resolveImport(from, spec, modules) {
  const base = resolve(from, "..", spec);
  for (const path of [base, `${base}.ts`, `${base}.svelte`, `${base}.svelte.ts`, join(base, "index.ts")]) {
    if (modules.has(path)) return path;
  }
  return null;
}

if (!existsSync(root) || !statSync(root).isDirectory()) {
  console.error(`check-cycles: ${root} is not a directory`);
  process.exit(1);
}
const files = walk(root).sort();
const modules = new Set(files);
/** @type {Map<string, string[]>} */
const graph = new Map();
let edgeCount = 0;
for (const file of files) {
  const targets = new Set();
  for (const spec of specifiers(readFileSync(file, "utf8"))) {
    const target = resolveImport(file, spec, modules);
    if (target && target !== file) targets.add(target);
  }
  graph.set(file, [...targets].sort());
  edgeCount += targets.size;
}

// Tarjan's strongly connected components, iterative so depth is no limit.
function components() {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const found = [];
  let next = 0;
  for (const start of files) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1];
      const [node, i] = frame;
      const targets = graph.get(node);
      if (i < targets.length) {
        frame[1]++;
        const target = targets[i];
        if (!index.has(target)) {
          index.set(target, next);
          low.set(target, next++);
          stack.push(target);
          onStack.add(target);
          work.push([target, 0]);
        } else if (onStack.has(target)) {
          low.set(node, Math.min(low.get(node), index.get(target)));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) === index.get(node)) {
        const members = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          members.push(member);
        } while (member !== node);
        if (members.length >= 2) found.push(members.sort());
      }
    }
  }
  return found;
}

/** One concrete loop through a component (shortest back to its first file), to show how it closes. */
function loop(members) {
  const inside = new Set(members);
  const start = members[0];
  const cameFrom = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const node = queue.shift();
    for (const target of graph.get(node)) {
      if (!inside.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (let at = node; at !== null; at = cameFrom.get(at)) path.unshift(at);
        return path;
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, node);
        queue.push(target);
      }
    }
  }
  return members;
}

const shown = (path) => {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? path : rel.split(sep).join("/");
};

// An empty tree would pass for the wrong reason (a moved src/, a wrong argument).
if (files.length === 0) {
  console.error(`check-cycles: no .ts or .svelte files under ${root}`);
  process.exit(1);
}
const cycles = components();
if (cycles.length) {
  for (const members of cycles) {
    console.error(`check-cycles: ${members.length} modules import each other: ${members.map(shown).join(", ")}`);
    console.error(`  e.g. ${loop(members).map(shown).join(" -> ")}`);
  }
  process.exit(1);
}
console.log(`check-cycles: ok (${files.length} modules, ${edgeCount} relative imports, no cycles)`);
