import { describe, expect, it } from "vitest";
import { checkNewIp, fieldForReason, MAX_IPS, parseIpEntry, ttlValid } from "./rules";
import { region } from "../test/fixtures";

const beijing = region("cn-beijing");
const singapore = region("ap-southeast-1");

function reason(raw: string, existing: string[] = [], r = singapore) {
  const c = checkNewIp(raw, existing, r);
  return c.ok ? "ok" : c.reason;
}

describe("IP whitelist rules", () => {
  it("accepts IPv4 addresses and CIDR blocks", () => {
    for (const ok of ["203.0.113.7", "10.0.0.0/8", "0.0.0.0/0", "255.255.255.255/32", " 192.168.1.1 "]) {
      expect(reason(ok), ok).toBe("ok");
    }
  });

  it("refuses malformed addresses with the reason", () => {
    for (const bad of ["10.0.0.300", "10.0.0", "10.0.0.1.2", "01.2.3.4", "abc", "10.0.0.1/24/3", "1.2.3.4 5"]) {
      expect(reason(bad), bad).toBe("ip_invalid");
    }
    expect(reason("10.0.0.0/33")).toBe("ip_prefix_invalid");
    expect(reason("10.0.0.0/")).toBe("ip_prefix_invalid");
    expect(reason("")).toBe("ip_empty");
  });

  it("accepts IPv6 only in Beijing", () => {
    for (const v6 of ["2001:db8::1", "::/0", "2001:db8::/32", "::ffff:10.0.0.1", "fe80:0:0:0:0:0:0:1"]) {
      expect(reason(v6, [], beijing), v6).toBe("ok");
      expect(reason(v6, [], singapore), v6).toBe("ipv6_not_allowed");
    }
    expect(reason("2001:db8::/129", [], beijing)).toBe("ip_prefix_invalid");
    expect(reason("2001:db8:::1", [], beijing)).toBe("ip_invalid");
    expect(reason("1:2:3:4:5:6:7:8:9", [], beijing)).toBe("ip_invalid");
  });

  it("refuses duplicates, whatever the case", () => {
    expect(reason("10.0.0.1", ["10.0.0.1"])).toBe("ip_duplicate");
    expect(reason("2001:DB8::1", ["2001:db8::1"], beijing)).toBe("ip_duplicate");
  });

  it(`caps the list at ${MAX_IPS} entries`, () => {
    const full = Array.from({ length: MAX_IPS }, (_, i) => `10.0.0.${i}`);
    expect(reason("10.0.1.1", full.slice(0, MAX_IPS - 1))).toBe("ok");
    expect(reason("10.0.1.1", full)).toBe("ip_too_many");
  });

  it("normalizes IPv6 to lower case", () => {
    const c = parseIpEntry("2001:DB8::AB");
    expect(c.ok && c.normalized).toBe("2001:db8::ab");
  });
});

describe("temporary key TTL", () => {
  it("allows whole seconds from 1 to 1800", () => {
    expect([0, 1, 60, 1800, 1801, 1.5, NaN].map(ttlValid)).toEqual([false, true, true, true, false, false, false]);
  });
});

describe("server reasons", () => {
  it("map to the form field they concern", () => {
    expect(fieldForReason("ipv6_outside_beijing")).toBe("ips");
    expect(fieldForReason("ip_invalid")).toBe("ips");
    expect(fieldForReason("model_not_authorized")).toBe("models");
    expect(fieldForReason("description_too_long")).toBe("description");
    expect(fieldForReason("quota")).toBeNull();
    expect(fieldForReason(null)).toBeNull();
  });
});
