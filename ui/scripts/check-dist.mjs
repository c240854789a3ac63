// Checks the built UI against the CSP and the size budget:
// no inline style attributes or <style> in HTML, no code that writes inline
// styles at run time, and the first screen's JS within 60 KB gzip (what
// index.html loads; dialogs and other chunks load when first opened, and their
// total is reported beside it).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dist = new URL("../dist/", import.meta.url).pathname;
const BUDGET = 60 * 1024;
const problems = [];

const html = readFileSync(join(dist, "index.html"), "utf8");
if (/\sstyle\s*=/.test(html)) problems.push("index.html has an inline style attribute");
if (/<style[\s>]/i.test(html)) problems.push("index.html has a <style> element");
if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) problems.push("index.html has an inline script");

const firstScreen = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]));
let jsBytes = 0;
let totalBytes = 0;
for (const name of readdirSync(join(dist, "assets"))) {
  const text = readFileSync(join(dist, "assets", name), "utf8");
  if (name.endsWith(".js")) {
    const packed = gzipSync(text).length;
    totalBytes += packed;
    if (firstScreen.has(name)) jsBytes += packed;
    for (const [what, re] of [
      ["inline style writes", /\.style\.(cssText|setProperty)|setAttribute\(\s*["']style["']/],
      ["runtime <style> injection", /createElement\(\s*["']style["']\)/],
      ["style attributes in templates", /\sstyle=\\?["']/],
    ]) {
      if (re.test(text)) problems.push(`${name}: ${what}`);
    }
  }
}
if (jsBytes === 0) problems.push("index.html loads no script from assets/");
if (jsBytes > BUDGET)
  problems.push(`first-screen JS is ${(jsBytes / 1024).toFixed(1)} KB gzip, over the ${BUDGET / 1024} KB budget`);

if (problems.length) {
  console.error(problems.map((p) => `check-dist: ${p}`).join("\n"));
  process.exit(1);
}
console.log(
  `check-dist: ok (first-screen JS ${(jsBytes / 1024).toFixed(1)} KB gzip, all chunks ${(totalBytes / 1024).toFixed(1)} KB, no inline styles)`,
);
