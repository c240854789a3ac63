import { describe, expect, it } from "vitest";
import ipCases from "../../../src-tauri/tests/fixtures/ip_rule_cases.json";
import { RULE_REASON_FIELDS, type RuleReason } from "./ipc";
import { checkNewIp, fieldForReason, IP_REASONS, keyPrefixOf, MAX_IPS, parseIpEntry, ttlValid } from "./rules";
import { LANGS, loadLang } from "./i18n/index.svelte";
import { region } from "../test/fixtures";
import type { RegionId } from "./ipc";

const beijing = region("cn-beijing");
const singapore = region("ap-southeast-1");

function reason(raw: string, existing: string[] = [], r = singapore) {
  const c = checkNewIp(raw, existing, r);
  return c.ok ? "ok" : c.reason;
}

describe("IP whitelist rules, as Rust has them", () => {
  // The same cases Rust's rules tests run (src-tauri/tests/fixtures/ip_rule_cases.json).
  it.each(ipCases.cases.map((c) => [c.entry, c.region, c] as const))(
    "%j in %s: refused or written as Rust does",
    (entry, regionId, c) => {
      const got = parseIpEntry(entry, region(regionId as RegionId));
      if ("canonical" in c) {
        expect(got).toMatchObject({ ok: true, normalized: c.canonical });
      } else {
        expect(got.ok).toBe(false);
        if (got.ok) return;
        expect(got.reason).toBe(c.reason);
        expect(got.params.suggestion).toBe("suggestion" in c ? c.suggestion : undefined);
      }
    },
  );

  it("refuses 10.1.2.3/8 and names the block, as Rust does", () => {
    const c = checkNewIp("10.1.2.3/8", [], singapore);
    expect(c).toEqual({ ok: false, reason: "cidr_host_bits", params: { value: "10.1.2.3/8", suggestion: "10.0.0.0/8" } });
  });

  it("refuses duplicates after writing both in canonical form", () => {
    expect(reason("10.0.0.1", ["10.0.0.1"])).toBe("ip_duplicate");
    expect(reason("10.0.0.1/32", ["10.0.0.1"])).toBe("ip_duplicate");
    expect(reason("2001:DB8:0::1", ["2001:db8::1"], beijing)).toBe("ip_duplicate");
  });

  it(`caps the list at ${MAX_IPS} entries`, () => {
    const full = Array.from({ length: MAX_IPS }, (_, i) => `10.0.0.${i}`);
    expect(reason("10.0.1.1", full.slice(0, MAX_IPS - 1))).toBe("ok");
    expect(reason("10.0.1.1", full)).toBe("ip_too_many");
  });

  it("says every reason it gives in every language", async () => {
    for (const lang of LANGS) {
      const catalog = await loadLang(lang);
      for (const r of IP_REASONS) expect(catalog.ip.errors[r], `${lang} ${r}`).toBeTruthy();
    }
  });
});

describe("temporary key TTL", () => {
  it("allows whole seconds from 1 to 1800", () => {
    expect([0, 1, 60, 1800, 1801, 1.5, NaN].map(ttlValid)).toEqual([false, true, true, true, false, false, false]);
  });
});

describe("server reasons", () => {
  it("map every rule reason Rust sends to the form field it concerns", () => {
    const fields = Object.fromEntries(
      (Object.keys(RULE_REASON_FIELDS) as RuleReason[]).map((r) => [r, fieldForReason(r)]),
    );
    expect(fields).toEqual({
      ip_empty: "ips",
      cidr_invalid: "ips",
      cidr_host_bits: "ips",
      ip_invalid: "ips",
      ipv6_not_in_region: "ips",
      ip_too_many: "ips",
      ip_duplicate: "ips",
      model_invalid: "models",
      model_duplicate: "models",
      models_too_many: "models",
      models_required: "models",
      description_control_char: "description",
      description_too_long: "description",
      custom_not_in_region: "permission",
      ttl_out_of_range: "ttl",
    } satisfies Record<RuleReason, string>);
  });

  it("leave other reasons to the banner", () => {
    expect(fieldForReason("workspace_not_found")).toBe("workspace");
    expect(fieldForReason("quota")).toBeNull();
    expect(fieldForReason("toString")).toBeNull();
    expect(fieldForReason(null)).toBeNull();
  });
});

describe("key prefixes from Rust's table", () => {
  it("name the longest prefix a value starts with, and what pasting it means", () => {
    const fake = (prefix: string) => prefix + "x".repeat(24);
    expect(keyPrefixOf(fake("sk-ws-"))?.format).toBe("Workspace");
    expect(keyPrefixOf(fake("sk-sp-"))).toMatchObject({ format: "Plan", pasteReason: "paste_plan_key" });
    expect(keyPrefixOf(fake("st-"))).toMatchObject({ format: "Temporary", pasteReason: "paste_temporary_key" });
    expect(keyPrefixOf(fake("sk-"))).toMatchObject({ format: "Legacy", pasteReason: null });
    expect(keyPrefixOf("hello")).toBeNull();
  });

  it("bound the whitelist and the temporary key's lifetime by Rust's numbers", () => {
    expect(MAX_IPS).toBe(20);
    expect(ttlValid(1800)).toBe(true);
    expect(ttlValid(1801)).toBe(false);
  });
});
