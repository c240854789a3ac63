// What a key table row says about a key, as a person reads it: the masked key
// short but recognisable, the permission in a few words, who made it and when,
// and the badges in their order.
import { beforeEach, describe, expect, it } from "vitest";
import { makeKey } from "../test/fixtures";
import { formatDateTime, formatShortDate, setLang } from "./i18n/index.svelte";
import {
  createdText,
  createdTitle,
  creatorText,
  descriptionText,
  permissionText,
  rowBadges,
  shortMask,
  statusText,
  workspaceText,
} from "./keyRows";

beforeEach(async () => {
  await setLang("en");
});

describe("masked key", () => {
  it("keeps a workspace key's prefix and its last six characters", () => {
    expect(shortMask("sk-ws-abc.1001*****wxyz")).toBe("sk-ws-…**wxyz");
  });

  it("keeps an old-format key's sk- prefix", () => {
    expect(shortMask("sk-abcdef*****9f3c")).toBe("sk-…**9f3c");
  });

  it("leaves a value that already fits as it is", () => {
    expect(shortMask("sk-ws-ab**cd")).toBe("sk-ws-ab**cd");
    expect(shortMask("sk-abc*****de")).toBe("sk-abc*****de");
  });

  it("shortens a value without a known prefix to its end", () => {
    expect(shortMask("ak-0123456789abcdef")).toBe("…abcdef");
  });

  it("keeps the end a person searches by", () => {
    const masked = "sk-ws-0123456789*****q9z8";
    expect(shortMask(masked).endsWith(masked.slice(-6))).toBe(true);
  });
});

describe("permission", () => {
  it("says All for a key with no restriction", () => {
    expect(permissionText(makeKey())).toBe("All");
  });

  it("counts the IP addresses and models a custom permission allows", () => {
    const k = makeKey({
      permission: { type: "Custom", accessIps: ["1.1.1.1", "2.2.2.0/24"], allowAllModels: false, accessibleModels: ["qwen-max"] },
    });
    expect(permissionText(k)).toBe("Custom: 2 IPs, 1 model");
  });

  it("does not count an any-address entry as a restriction", () => {
    const k = makeKey({
      permission: { type: "Custom", accessIps: ["0.0.0.0/0", "::/0"], allowAllModels: true, accessibleModels: [] },
    });
    expect(permissionText(k)).toBe("Custom: all IPs, all models");
  });
});

describe("the other cells", () => {
  it("shows a placeholder for a missing description", () => {
    expect(descriptionText(makeKey({ description: "CI bot" }))).toBe("CI bot");
    expect(descriptionText(makeKey({ description: "" }))).toBe("(no description)");
  });

  it("names the workspace, or gives its ID when the name is unknown", () => {
    expect(workspaceText(makeKey({ workspaceName: "Team A", workspaceId: "ws-1" }))).toBe("Team A");
    expect(workspaceText(makeKey({ workspaceName: null, workspaceId: "ws-1" }))).toBe("ws-1");
  });

  it("says whether the key works", () => {
    expect(statusText(makeKey({ enabled: true }))).toBe("Active");
    expect(statusText(makeKey({ enabled: false }))).toBe("Disabled");
  });

  it("says 'you' for the active account's own keys, and nothing for an unknown creator", () => {
    expect(creatorText(makeKey({ createdBy: "root" }), "root")).toBe("you");
    expect(creatorText(makeKey({ createdBy: "ram-user-7" }), "root")).toBe("ram-user-7");
    expect(creatorText(makeKey({ createdBy: "ram-user-7" }), null)).toBe("ram-user-7");
    expect(creatorText(makeKey({ createdBy: null }), "root")).toBe("");
  });

  it("dates the key in the current language, and leaves an unknown date blank", () => {
    const at = Date.UTC(2026, 2, 14, 12);
    const k = makeKey({ createdAt: at });
    expect(createdText(k)).toBe(formatShortDate(at));
    expect(createdText(k)).toMatch(/2026/);
    expect(createdTitle(k)).toBe(formatDateTime(at));
    expect(createdText(makeKey({ createdAt: null }))).toBe("");
    expect(createdTitle(makeKey({ createdAt: null }))).toBe("");
  });

  it("follows the language", async () => {
    await setLang("zh-CN");
    expect(statusText(makeKey({ enabled: false }))).not.toBe("Disabled");
    expect(descriptionText(makeKey({ description: "" }))).not.toBe("(no description)");
  });
});

describe("badges", () => {
  it("shows none for a plain key", () => {
    expect(rowBadges(makeKey(), false)).toEqual([]);
  });

  it("shows a saved copy, an old format, idleness and a due review, in that order", () => {
    const k = makeKey({ saved: "saved", legacy: true, reviewBy: "2026-01-01", reviewDue: true });
    const badges = rowBadges(k, true);
    expect(badges.map((b) => [b.testid, b.text])).toEqual([
      ["saved-badge", "Saved"],
      ["legacy-badge", "Old format"],
      ["idle-badge", "Idle"],
      ["review-badge", "Review due"],
    ]);
    expect(badges[0].tone).toBe("ok");
    expect(badges.slice(1).every((b) => b.tone === "warn")).toBe(true);
    expect(badges[2].title).toContain("30 days");
    expect(badges[3].title).toMatch(/2026/);
  });

  it("warns about a saved copy that failed a check", () => {
    const [badge] = rowBadges(makeKey({ saved: "stale" }), false);
    expect(badge).toMatchObject({ testid: "saved-badge", tone: "warn", text: "Check copy", stale: true });
  });

  it("shows no review badge without a date, nor before it is due", () => {
    expect(rowBadges(makeKey({ reviewBy: null, reviewDue: true }), false)).toEqual([]);
    expect(rowBadges(makeKey({ reviewBy: "2099-01-01", reviewDue: false }), false)).toEqual([]);
  });
});
