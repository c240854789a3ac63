import { describe, expect, it } from "vitest";
import en from "./en";
import zhCN from "./zh-CN";

function flatten(node: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

// Proper nouns and technical tokens that stay as they are in Chinese text.
const ALLOWED = [
  "Studio Keys",
  "API Key",
  "AccessKey Secret",
  "AccessKey ID",
  "AccessKey",
  "Model Studio",
  "DashScope",
  "aliyun CLI",
  "IPv4",
  "IPv6",
  "CIDR",
  "HTTP",
  "RAM",
  "STS",
  "IP",
  "ID",
  ".txt",
  ".env",
  "Ctrl",
  "Shift+F10",
  "Enter",
  "sk-ws-",
  "sk-",
];

function leftoverEnglish(text: string): string[] {
  let rest = text.replace(/\{\w+\}/g, " ");
  for (const word of ALLOWED) rest = rest.split(word).join(" ");
  return rest.match(/[A-Za-z]{2,}/g) ?? [];
}

const enKeys = flatten(en);
const zhKeys = flatten(zhCN);

describe("locale catalogs", () => {
  it("have exactly the same keys in English and Chinese", () => {
    expect([...zhKeys.keys()].sort()).toEqual([...enKeys.keys()].sort());
  });

  it("have no empty message", () => {
    for (const [key, text] of [...enKeys, ...zhKeys]) expect(text.trim(), key).not.toBe("");
  });

  it("keep the same placeholders in both languages", () => {
    for (const [key, text] of enKeys) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(zhKeys.get(key) ?? ""), key).toEqual(names(text));
    }
  });

  it("leave no English in zh-CN beyond proper nouns", () => {
    const offenders = [...zhKeys]
      .map(([key, text]) => [key, leftoverEnglish(text)] as const)
      .filter(([, words]) => words.length > 0);
    expect(offenders).toEqual([]);
  });

  it("detects English that slipped into a Chinese string", () => {
    expect(leftoverEnglish("已复制 Copied")).toEqual(["Copied"]);
    expect(leftoverEnglish("复制 API Key {name}")).toEqual([]);
  });
});
