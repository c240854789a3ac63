// The create/edit rules as data, mirroring the Rust rules module and the
// region table from app_info. They give instant feedback while typing; the
// server (through Rust) stays the authority and its answer wins.
import type { Region } from "./ipc";

export const MAX_IPS = 20;
export const TEMP_TTL = { min: 1, max: 1800, default: 60 } as const;

export type IpReason =
  | "ip_empty"
  | "ip_invalid"
  | "ip_prefix_invalid"
  | "ipv6_not_allowed"
  | "ip_duplicate"
  | "ip_too_many";

export type IpCheck =
  | { ok: true; normalized: string; family: 4 | 6 }
  | { ok: false; reason: IpReason; params: Record<string, string | number> };

function isIpv4(s: string): boolean {
  const parts = s.split(".");
  if (parts.length !== 4) return false;
  // Leading zeros are refused, as Rust's parser does (they read as octal elsewhere).
  return parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

function isIpv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return false;
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i];
    const last = i === all.length - 1;
    if (last && g.includes(".")) {
      if (!isIpv4(g)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

/** One whitelist entry on its own: an IPv4/IPv6 address or CIDR block. */
export function parseIpEntry(raw: string): IpCheck {
  const value = raw.trim();
  if (value === "") return { ok: false, reason: "ip_empty", params: {} };
  const [addr, prefix, extra] = value.split("/");
  if (extra !== undefined) return { ok: false, reason: "ip_invalid", params: { value } };
  const family = isIpv4(addr) ? 4 : isIpv6(addr) ? 6 : 0;
  if (family === 0) return { ok: false, reason: "ip_invalid", params: { value } };
  const max = family === 4 ? 32 : 128;
  if (prefix !== undefined) {
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
      return { ok: false, reason: "ip_prefix_invalid", params: { value, max } };
    }
  }
  const normalized = family === 6 ? value.toLowerCase() : value;
  return { ok: true, normalized, family };
}

/** An entry about to join `existing` in `region`'s whitelist. */
export function checkNewIp(raw: string, existing: string[], region: Region): IpCheck {
  if (existing.length >= MAX_IPS) {
    return { ok: false, reason: "ip_too_many", params: { max: MAX_IPS } };
  }
  const parsed = parseIpEntry(raw);
  if (!parsed.ok) return parsed;
  if (parsed.family === 6 && !region.ipv6Whitelist) {
    return { ok: false, reason: "ipv6_not_allowed", params: { value: parsed.normalized } };
  }
  if (existing.some((e) => e.toLowerCase() === parsed.normalized.toLowerCase())) {
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

/**
 * Which form field a server reason belongs to, so its message appears next to
 * that field rather than in a banner. Unknown reasons stay in the banner.
 */
export function fieldForReason(reason: string | null | undefined): "ips" | "models" | "description" | "workspace" | null {
  if (!reason) return null;
  if (reason.startsWith("ip") || reason.includes("access_ip") || reason.includes("whitelist")) {
    return "ips";
  }
  if (reason.startsWith("model")) return "models";
  if (reason.startsWith("description")) return "description";
  if (reason.startsWith("workspace")) return "workspace";
  return null;
}
