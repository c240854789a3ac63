// The adaptation layer: Rust's view types (services/views.rs) in, the shapes
// the screens use out. Answers here are typed as the generated bindings say
// Rust serializes them, so they cannot drift from the real serde output.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { IpcError_Serialize, KeyView_Serialize, OneTimeKey_Serialize, ProfileView_Serialize } from "./bindings";

const commands = vi.hoisted(() => ({}) as Record<string, ReturnType<typeof vi.fn>>);
vi.mock("./bindings", () => ({ commands }));

import { ipc, isLegacyKey, toIpcError } from "./ipc";

const rustKey: KeyView_Serialize = {
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
    const failed: IpcError_Serialize = {
      code: "KeychainLocked",
      message: "Locked.",
      details: { serverCode: null, requestId: null, httpStatus: null, technical: null, reason: null },
    };
    const shown = (savedToKeychain: OneTimeKey_Serialize["savedToKeychain"]): OneTimeKey_Serialize => ({
      handle: "h",
      apiKeyId: "1",
      region: "cn-beijing",
      workspaceId: null,
      value: "v",
      savedToKeychain,
    });
    commands.keyCreate = vi
      .fn()
      .mockResolvedValueOnce(shown({ state: "saved" }))
      .mockResolvedValueOnce(shown({ state: "off" }))
      .mockResolvedValueOnce(shown({ state: "failed", error: failed }));
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
    const rustProfile = (id: string, kind: ProfileView_Serialize["kind"], currentRegion: ProfileView_Serialize["currentRegion"]) =>
      ({
        id,
        name: id,
        kind,
        accessKeyIdMasked: null,
        hasStsToken: false,
        defaultRegion: "cn-beijing",
        currentRegion,
        defaultWorkspaces: [],
        preferences: { saveKeysOnCreate: true },
        active: kind === "Sandbox",
      }) satisfies ProfileView_Serialize;
    commands.profilesList = vi.fn(async () => [
      rustProfile("sandbox", "Sandbox", "ap-southeast-1"),
      rustProfile("p", "AlibabaCloud", "cn-beijing"),
    ]);
    const [s, w] = await ipc.profilesList();
    expect(s).toMatchObject({ sandbox: true, currentRegion: "ap-southeast-1", active: true });
    expect(w).toMatchObject({ sandbox: false, currentRegion: "cn-beijing", active: false });
  });

  it("unwraps import candidates and verify outcomes", async () => {
    commands.profileImportCandidates = vi.fn(async () => ({ candidates: [{ id: "c", source: "env", label: "env", accessKeyIdMasked: "LT**" }], skipped: [] }));
    expect((await ipc.profileImportCandidates()).map((c) => c.id)).toEqual(["c"]);
    commands.keyVerify = vi.fn(async () => ({ outcome: "wrongRegion", latencyMs: 12, error: null }));
    expect((await ipc.keyVerify("cn-beijing", "1")).outcome).toBe("wrongRegion");
  });

  it("reads a saved key that is not stale, a never-saved one, and a missing creation time", async () => {
    commands.keysList = vi.fn(async () => ({
      keys: [
        { ...rustKey, apiKeyId: "1", maskedValue: "sk-ws-abc*****xyz", saved: "saved", enabled: true },
        { ...rustKey, apiKeyId: "2", saved: "notSaved", createdAt: null },
      ],
      totalCount: 2,
      quota: { used: 2, limit: 20, scope: "Owner" },
    }));
    const { keys, quota } = await ipc.keysList("us-east-1", "ws-1");
    expect(keys[0]).toMatchObject({ saved: true, stale: false, disabled: false, legacy: false });
    expect(keys[1]).toMatchObject({ saved: false, stale: false, gmtCreate: 0 });
    // Rust's names that the row shape replaces are not carried along.
    expect(keys[0]).not.toHaveProperty("enabled");
    expect(keys[0]).not.toHaveProperty("createdAt");
    expect(quota).toEqual({ used: 2, limit: 20, scope: "Owner" });
  });

  it("passes a command's IpcError through untouched (the bindings throw it)", async () => {
    const refused = { code: "Forbidden", message: "No.", details: { requestId: "r-1" } };
    commands.keyDelete = vi.fn(async () => {
      throw refused;
    });
    await expect(ipc.keyDelete("cn-beijing", "7")).rejects.toBe(refused);
    expect(commands.keyDelete).toHaveBeenCalledWith("cn-beijing", "7");
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
