// What the audit view says about a record, on its own.
import { beforeEach, describe, expect, it } from "vitest";
import type { AuditRecord } from "./ipc";
import en from "./i18n/en";
import { setLang } from "./i18n/index.svelte";
import { AUDIT_ACTIONS, actionLabel, localMidnight, newestFirst, outcomeLabel, verdictText } from "./auditRows";

function record(seq: number, over: Partial<AuditRecord> = {}): AuditRecord {
  return {
    seq,
    time: "2026-12-05T09:30:00Z",
    action: "create",
    outcome: "started",
    of: null,
    profile: "Sandbox",
    profileKind: "sandbox",
    region: "cn-beijing",
    apiKeyId: null,
    masked: null,
    requestId: null,
    note: null,
    ...over,
  };
}

beforeEach(() => setLang("en"));

describe("newestFirst", () => {
  it("reverses Rust's order and gives a start the key its conclusion names", () => {
    const rows = newestFirst([
      record(1),
      record(2, { action: "copy", apiKeyId: "7", masked: "sk-ws-a***z" }),
      record(3, { outcome: "ok", of: 1, apiKeyId: "42", masked: "sk-ws-b***y" }),
    ]);
    expect(rows.map((r) => [r.seq, r.keyId, r.keyMasked])).toEqual([
      [3, "42", "sk-ws-b***y"],
      [2, "7", "sk-ws-a***z"],
      [1, "42", "sk-ws-b***y"],
    ]);
  });

  it("leaves a record without a key (an account's) without one", () => {
    const rows = newestFirst([record(1, { action: "profile_add" }), record(2, { action: "profile_add", outcome: "ok", of: 1 })]);
    expect(rows.map((r) => r.keyId)).toEqual([null, null]);
  });
});

describe("localMidnight", () => {
  it("is the day's local midnight with this computer's offset", () => {
    const sent = localMidnight("2026-03-29")!;
    expect(sent).toMatch(/^2026-03-29T00:00:00[+-]\d{2}:\d{2}$/);
    expect(Date.parse(sent)).toBe(new Date(2026, 2, 29).getTime());
  });

  it("is null for an empty or unreadable day", () => {
    expect(localMidnight("")).toBeNull();
    expect(localMidnight("29/03/2026")).toBeNull();
  });
});

describe("labels", () => {
  it("names every action the log records, and shows an unknown one by name", () => {
    for (const a of AUDIT_ACTIONS) expect(en.audit.action[a], a).toBeTruthy();
    expect(Object.keys(en.audit.action).sort()).toEqual([...AUDIT_ACTIONS].sort());
    expect(actionLabel("copy_env")).toBe("Copy as .env line");
    expect(actionLabel("tray_copy")).toBe("tray_copy");
    expect(outcomeLabel("unknown")).toBe("Outcome unknown");
    expect(outcomeLabel("later")).toBe("later");
  });

  it("says each verdict, naming how, where and which record", () => {
    expect(verdictText({ state: "intact", records: 1 })).toBe("Intact: 1 record, and it matches its anchors.");
    expect(verdictText({ state: "tampered", how: "cut", seq: 9, file: "a.jsonl", line: 8 })).toBe(
      "Tampered with: records from 9 on were cut from the end (the log ends at a.jsonl, line 8, before its anchor).",
    );
    expect(verdictText({ state: "tampered", how: "swapped", seq: 9, file: "a.jsonl", line: 8 })).toBe(
      "Tampered with at record 9 (a.jsonl, line 8): swapped.",
    );
  });
});
