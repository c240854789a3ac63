// The adaptation layer: Rust's view types (services/views.rs) in, the shapes
// the screens use out. Answers here are shaped exactly like the Rust serde output.
import { beforeEach, describe, expect, it, vi } from "vitest";

const commands = vi.hoisted(() => ({}) as Record<string, ReturnType<typeof vi.fn>>);
vi.mock("./bindings", () => ({ commands }));

import { ipc, isLegacyKey, toIpcError } from "./ipc";

const rustKey = {
  apiKeyId: "9007199254740993",
  region: "cn-beijing",
  maskedValue: "sk-abcd*****wxyz",
  description: "old one",
  workspaceId: "ws-1",
  workspaceName: "Main",
  createdBy: "root",
  createdAt: 1_750_000_000_000,
  enabled: false,
  permission: { type: "Custom", accessIps: ["10.0.0.0/8"], allowAllModels: true, accessibleModels: [] },
  saved: "stale",
};

beforeEach(() => {
  for (const k of Object.keys(commands)) delete commands[k];
});

describe("ipc adapts Rust's views", () => {
  it("turns a KeyView into a list row: id as string, status, saved state, legacy format", async () => {
    commands.keysList = vi.fn(async () => ({ keys: [rustKey], totalCount: 1, quota: { used: 1, limit: 50, scope: "Account" } }));
    const page = await ipc.keysList("cn-beijing", null);
    expect(commands.keysList).toHaveBeenCalledWith("cn-beijing", null);
    expect(page.keys[0]).toMatchObject({
      apiKeyId: "9007199254740993",
      gmtCreate: 1_750_000_000_000,
      disabled: true,
      saved: true,
      stale: true,
      legacy: true,
    });
  });

  it("reads the keychain status of a one-time key", async () => {
    const failed = { code: "KeychainLocked", message: "Locked.", details: {} };
    commands.keyCreate = vi
      .fn()
      .mockResolvedValueOnce({ handle: "h", apiKeyId: "1", region: "cn-beijing", workspaceId: null, value: "v", savedToKeychain: { state: "saved" } })
      .mockResolvedValueOnce({ handle: "h", apiKeyId: "1", region: "cn-beijing", workspaceId: null, value: "v", savedToKeychain: { state: "off" } })
      .mockResolvedValueOnce({ handle: "h", apiKeyId: "1", region: "cn-beijing", workspaceId: null, value: "v", savedToKeychain: { state: "failed", error: failed } });
    const input = { region: "cn-beijing" as const, workspaceId: null, description: "", permission: { type: "All" as const, accessIps: [], allowAllModels: true, accessibleModels: [] } };
    expect((await ipc.keyCreate(input)).savedToKeychain).toEqual({ saved: true, off: false, error: null });
    expect((await ipc.keyCreate(input)).savedToKeychain).toEqual({ saved: false, off: true, error: null });
    expect((await ipc.keyCreate(input)).savedToKeychain).toEqual({ saved: false, off: false, error: failed });
  });

  it("sends an update as one input object", async () => {
    commands.keyUpdate = vi.fn(async () => ({ ...rustKey, description: "new" }));
    const k = await ipc.keyUpdate("us-east-1", "5", "new", null);
    expect(commands.keyUpdate).toHaveBeenCalledWith({ region: "us-east-1", apiKeyId: "5", description: "new", permission: null });
    expect(k.description).toBe("new");
  });

  it("reads profiles: sandbox from kind, region to open from currentRegion", async () => {
    commands.profilesList = vi.fn(async () => [
      { id: "sandbox", name: "Sandbox", kind: "Sandbox", currentRegion: "ap-southeast-1", defaultRegion: "cn-beijing", active: true },
      { id: "p", name: "Work", kind: "AlibabaCloud", currentRegion: "cn-beijing", defaultRegion: "cn-beijing", active: false },
    ]);
    const [s, w] = await ipc.profilesList();
    expect(s).toMatchObject({ sandbox: true, lastRegion: "ap-southeast-1" });
    expect(w).toMatchObject({ sandbox: false, lastRegion: "cn-beijing" });
  });

  it("unwraps import candidates and verify outcomes", async () => {
    commands.profileImportCandidates = vi.fn(async () => ({ candidates: [{ id: "c", source: "env", label: "env", accessKeyIdMasked: "LT**" }], skipped: [] }));
    expect((await ipc.profileImportCandidates()).map((c) => c.id)).toEqual(["c"]);
    commands.keyVerify = vi.fn(async () => ({ outcome: "wrongRegion", latencyMs: 12, error: null }));
    expect((await ipc.keyVerify("cn-beijing", "1")).outcome).toBe("wrongRegion");
  });
});

describe("helpers", () => {
  it("tell legacy keys from current and plan keys", () => {
    expect(isLegacyKey("sk-abcd*****wxyz")).toBe(true);
    expect(isLegacyKey("sk-ws-abc*****xyz")).toBe(false);
    expect(isLegacyKey("sk-sp-abc*****xyz")).toBe(false);
  });

  it("turn anything thrown into an IpcError without losing the technical text", () => {
    expect(toIpcError("command not found", "Oops.")).toEqual({ code: "Internal", message: "Oops.", details: { technical: "command not found" } });
    const e = { code: "Forbidden", message: "No.", details: { requestId: "r" } };
    expect(toIpcError(e, "Oops.")).toEqual(e);
  });
});
