// The create/edit rules as data, mirroring the Rust rules module and the
// region table from app_info. They give instant feedback while typing; the
// server (through Rust) stays the authority and its answer wins. Reasons are
// Rust's own (`RuleReason` in the bindings), and an entry is refused and
// written in canonical form exactly as Rust's `parse_ip_entry` does it
// (checked against the same cases: src-tauri/tests/fixtures/ip_rule_cases.json).
import { KEY_PREFIXES, RULE_LIMITS, RULE_REASON_FIELDS, type Region, type RuleReason } from "./ipc";

// The numbers and key prefixes are Rust's (`RULE_LIMITS`, `KEY_PREFIXES` in
// the bindings); this module only matches against them.
export const MAX_IPS = RULE_LIMITS.maxAccessIps;
export const TEMP_TTL = {
  min: RULE_LIMITS.ttlMinSecs,
  max: RULE_LIMITS.ttlMaxSecs,
  default: RULE_LIMITS.ttlDefaultSecs,
} as const;

export type KeyPrefix = (typeof KEY_PREFIXES)[number];

/** The prefix entry a key value (or a masked one) starts with: Rust's table
 * is ordered longest first, so `sk-ws-` wins over `sk-`. */
export function keyPrefixOf(value: string): KeyPrefix | null {
  return KEY_PREFIXES.find((p) => value.startsWith(p.prefix)) ?? null;
}

/** The reasons an IP whitelist entry is refused for: a subset of Rust's. */
export const IP_REASONS = [
  "ip_empty",
  "ip_invalid",
  "cidr_invalid",
  "cidr_host_bits",
  "ipv6_not_in_region",
  "ip_duplicate",
  "ip_too_many",
] as const satisfies readonly RuleReason[];
export type IpReason = (typeof IP_REASONS)[number];

export type IpCheck =
  | { ok: true; normalized: string; family: 4 | 6 }
  | { ok: false; reason: IpReason; params: Record<string, string | number> };

/** The 4 bytes of a dotted IPv4 address, or null. */
function v4Bytes(s: string): number[] | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  // Leading zeros are refused, as Rust's parser does (they read as octal elsewhere).
  if (!parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

/** The 16 bytes of an IPv6 address (an IPv4 tail allowed), or null. */
function v6Bytes(s: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return null;
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string): number[] | null => {
    if (h === "") return [];
    const out: number[] = [];
    const parts = h.split(":");
    for (let i = 0; i < parts.length; i++) {
      const g = parts[i];
      if (i === parts.length - 1 && g.includes(".")) {
        const v4 = v4Bytes(g);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
        out.push(parseInt(g, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  // An IPv4 tail may only end the address.
  if (halves.length === 2 && halves[0].includes(".")) return null;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return null;
  const all = [...head, ...Array(8 - count).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** An address as Rust writes it: dotted IPv4, or IPv6 in lower-case hex with
 * the first longest run of two or more zero groups as `::`, and
 * `::ffff:a.b.c.d` for an IPv4-mapped address. */
function formatAddress(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join(".");
  const g = Array.from({ length: 8 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1]);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return `::ffff:${bytes.slice(12).join(".")}`;
  }
  let best = { start: 0, len: 0 };
  let cur = { start: 0, len: 0 };
  g.forEach((x, i) => {
    if (x === 0) {
      if (cur.len === 0) cur.start = i;
      cur.len += 1;
      if (cur.len > best.len) best = { ...cur };
    } else {
      cur = { start: 0, len: 0 };
    }
  });
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(":");
  if (best.len < 2) return hex(g);
  return `${hex(g.slice(0, best.start))}::${hex(g.slice(best.start + best.len))}`;
}

function hostBitsSet(bytes: number[], prefix: number): boolean {
  return bytes.some((b, i) => {
    const keep = Math.min(8, Math.max(0, prefix - 8 * i));
    return (b & (0xff >> keep)) !== 0;
  });
}

function truncate(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.min(8, Math.max(0, prefix - 8 * i));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
}

type Parsed = { ok: true; bytes: number[]; prefix: number | null; family: 4 | 6 };
type Refused = { ok: false; reason: IpReason; params: Record<string, string | number> };

function parseParts(value: string): Parsed | Refused {
  const slash = value.indexOf("/");
  if (slash >= 0) {
    const [addr, prefix] = [value.slice(0, slash), value.slice(slash + 1)];
    const bytes = v4Bytes(addr) ?? v6Bytes(addr);
    const max = bytes?.length === 4 ? 32 : 128;
    if (!bytes || !/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
      return { ok: false, reason: "cidr_invalid", params: { value } };
    }
    return { ok: true, bytes, prefix: Number(prefix), family: bytes.length === 4 ? 4 : 6 };
  }
  const bytes = v4Bytes(value) ?? v6Bytes(value);
  if (!bytes) return { ok: false, reason: "ip_invalid", params: { value } };
  return { ok: true, bytes, prefix: null, family: bytes.length === 4 ? 4 : 6 };
}

/** One whitelist entry on its own, in `region`: an IPv4/IPv6 address or CIDR
 * block, refused or written in canonical form as Rust does. */
export function parseIpEntry(raw: string, region: Region): IpCheck {
  const value = raw.trim();
  if (value === "") return { ok: false, reason: "ip_empty", params: {} };
  const p = parseParts(value);
  if (!p.ok) return p;
  const max = p.family === 4 ? 32 : 128;
  if (p.prefix !== null && hostBitsSet(p.bytes, p.prefix)) {
    // `10.1.2.3/8` is almost always a typo: say which block was meant.
    const suggestion = `${formatAddress(truncate(p.bytes, p.prefix))}/${p.prefix}`;
    return { ok: false, reason: "cidr_host_bits", params: { value, suggestion } };
  }
  if (p.family === 6 && !region.ipv6Whitelist) {
    return { ok: false, reason: "ipv6_not_in_region", params: { value, region: region.nameEn } };
  }
  const address = formatAddress(p.bytes);
  const normalized = p.prefix === null || p.prefix === max ? address : `${address}/${p.prefix}`;
  return { ok: true, normalized, family: p.family };
}

/** An entry about to join `existing` (canonical entries) in `region`'s whitelist. */
export function checkNewIp(raw: string, existing: string[], region: Region): IpCheck {
  if (existing.length >= MAX_IPS) {
    return { ok: false, reason: "ip_too_many", params: { max: MAX_IPS } };
  }
  const parsed = parseIpEntry(raw, region);
  if (!parsed.ok) return parsed;
  if (existing.includes(parsed.normalized)) {
    return { ok: false, reason: "ip_duplicate", params: { value: parsed.normalized } };
  }
  return parsed;
}

/** Problems with a whole list, e.g. after switching to a region without IPv6. */
export function checkIpList(list: string[], region: Region): IpCheck[] {
  return list.map((ip, i) => {
    if (i >= MAX_IPS) return { ok: false, reason: "ip_too_many", params: { max: MAX_IPS } };
    return checkNewIp(ip, list.slice(0, i), region);
  });
}

export function ttlValid(ttl: number): boolean {
  return Number.isInteger(ttl) && ttl >= TEMP_TTL.min && ttl <= TEMP_TTL.max;
}

/** The form fields a server verdict can be shown next to. */
export type FormField = "ips" | "models" | "description" | "permission" | "ttl" | "workspace";

/** Rust's request fields (`RULE_REASON_FIELDS` values) as the form's fields. */
const FORM_FIELD: Record<(typeof RULE_REASON_FIELDS)[RuleReason], FormField> = {
  accessIps: "ips",
  accessibleModels: "models",
  description: "description",
  "auth.type": "permission",
  expireInSeconds: "ttl",
};

/**
 * Which form field a server reason belongs to, so its message appears next to
 * that field rather than in a banner: every rule reason Rust sends (from the
 * bindings), and a workspace that no longer exists. Others stay in the banner.
 */
export function fieldForReason(reason: string | null | undefined): FormField | null {
  if (!reason) return null;
  if (reason === "workspace_not_found") return "workspace";
  return Object.hasOwn(RULE_REASON_FIELDS, reason)
    ? FORM_FIELD[RULE_REASON_FIELDS[reason as RuleReason]]
    : null;
}

/** The entries that mean "any address": a whitelist of only these is no restriction. */
const OPEN_IPS = ["0.0.0.0/0", "::/0"];

/** A whitelist's real restrictions (the "any address" entries left out). */
export function restrictedIps(accessIps: string[]): string[] {
  return accessIps.filter((ip) => !OPEN_IPS.includes(ip));
}
