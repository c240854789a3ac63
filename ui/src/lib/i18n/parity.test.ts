// The four UI catalogs against the English one: the same keys, no empty
// message, the same placeholders, and no English left in a translation beyond
// the glossary's terms (tests/i18n/glossary.json, shared with the Rust catalog
// check).
import { describe, expect, it } from "vitest";
import glossaryDoc from "../../../../tests/i18n/glossary.json";
import en from "./en";
import ja from "./ja";
import zhCN from "./zh-CN";
import zhTW from "./zh-TW";

function flatten(node: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const glossary: string[] = glossaryDoc.terms;
// Longest first, so "API Key" goes before "API".
const ALLOWED = [...glossary].sort((a, b) => b.length - a.length);

function leftoverEnglish(text: string): string[] {
  let rest = text.replace(/\{\w+\}/g, " ");
  for (const word of ALLOWED) rest = rest.split(word).join(" ");
  return rest.match(/[A-Za-z]{2,}/g) ?? [];
}

const enKeys = flatten(en);
const translations = { "zh-CN": flatten(zhCN), "zh-TW": flatten(zhTW), ja: flatten(ja) };

describe.each(Object.entries(translations))("the %s catalog", (lang, keys) => {
  it("has exactly the English catalog's keys", () => {
    expect([...keys.keys()].sort()).toEqual([...enKeys.keys()].sort());
  });

  it("has no empty message", () => {
    for (const [key, text] of keys) expect(text.trim(), `${lang} ${key}`).not.toBe("");
  });

  it("keeps the English placeholders", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of enKeys) expect(names(keys.get(key) ?? ""), `${lang} ${key}`).toEqual(names(text));
  });

  it("leaves no English beyond the glossary", () => {
    const offenders = [...keys]
      .map(([key, text]) => [key, leftoverEnglish(text)] as const)
      .filter(([, words]) => words.length > 0);
    expect(offenders).toEqual([]);
  });
});

describe("the glossary check", () => {
  it("detects English that slipped into a translation", () => {
    expect(leftoverEnglish("已复制 Copied")).toEqual(["Copied"]);
    expect(leftoverEnglish("复制 API Key {name}")).toEqual([]);
    expect(leftoverEnglish("コピーしました Copied")).toEqual(["Copied"]);
  });
});
