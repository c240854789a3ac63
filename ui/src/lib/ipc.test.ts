// The adaptation layer: Rust's view types (services/views.rs) in, the shapes
// the screens use out, and every rejection normalised to an IpcError once.
// Answers here are typed as the generated bindings say Rust serializes them,
// so they cannot drift from the real serde output.
import { render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { IpcError_Serialize, KeyView_Serialize, OneTimeKey_Serialize, ProfileView_Serialize } from "./bindings";

const commands = vi.hoisted(() => ({}) as Record<string, ReturnType<typeof vi.fn>>);
// Rust's constants stay as generated; only the commands are stand-ins.
vi.mock("./bindings", async (importOriginal) => ({ ...(await importOriginal<object>()), commands }));

import { ipc, type IpcError } from "./ipc";
import { setLang } from "./i18n/index.svelte";
import { app } from "./stores/app.svelte";
import { keys } from "./stores/keys.svelte";
import KeyList from "./components/KeyList.svelte";

const rustKey: KeyView_Serialize = {
  apiKeyId: "9007199254740993",
  region: "cn-beijing",
  maskedValue: "sk-abcd*****wxyz",
  format: "Legacy",
  legacy: true,
  description: "old one",
  workspaceId: "ws-1",
  workspaceName: "Main",
  createdBy: "root",
  createdAt: 1_750_000_000_000,
  enabled: false,
  permission: { type: "Custom", accessIps: ["10.0.0.0/8"], allowAllModels: true, accessibleModels: [] },
  saved: "stale",
  reviewBy: "2026-12-31",
  reviewDue: false,
};

beforeEach(() => {
  for (const k of Object.keys(commands)) delete commands[k];
  setLang("en");
});

describe("ipc adapts Rust's views", () => {
  it("hands a key list over as Rust sends it: legacy and format are Rust's verdict", async () => {
    // Rust's word wins over the masked value: this one looks legacy but is not.
    const current = { ...rustKey, apiKeyId: "1", legacy: false, format: "Workspace" as const };
    const rustPage = { keys: [rustKey, current], totalCount: 2, quota: { used: 2, limit: 50, scope: "Account" as const } };
    commands.keysList = vi.fn(async () => rustPage);
    const page = await ipc.keysList("cn-beijing", null);
    expect(commands.keysList).toHaveBeenCalledWith("cn-beijing", null);
    expect(page).toEqual(rustPage);
    expect(page.keys.map((k) => [k.legacy, k.format])).toEqual([
      [true, "Legacy"],
      [false, "Workspace"],
    ]);
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
      description: null,
      value: "v",
      savedToKeychain,
      recovered: false,
      recoveredNote: null,
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
    expect(commands.keyUpdate).toHaveBeenCalledWith({ region: "us-east-1", apiKeyId: "5", description: "new", permission: {} });
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

  it("passes a command's IpcError on as it is", async () => {
    const refused = { code: "Forbidden", message: "No.", details: { requestId: "r-1" } };
    commands.keyDelete = vi.fn(async () => {
      throw refused;
    });
    await expect(ipc.keyDelete("cn-beijing", "7")).rejects.toEqual(refused);
    expect(commands.keyDelete).toHaveBeenCalledWith("cn-beijing", "7");
  });
});

describe("every rejection arrives as an IpcError", () => {
  const unexpected = "Something unexpected happened. Try again; if it keeps happening, report it with the details.";

  async function rejection(call: Promise<unknown>): Promise<IpcError> {
    return call.then(
      () => expect.fail("the call should have failed"),
      (e: IpcError) => e,
    );
  }

  it("from a bare string, an Error and Rust's IpcError alike", async () => {
    const rust: IpcError_Serialize = {
      code: "NotFound",
      message: "The key does not exist (any more).",
      details: { serverCode: "ApiKey.NotFound", requestId: "r-2", httpStatus: 404, technical: null, reason: null },
    };
    commands.keyDelete = vi.fn().mockRejectedValueOnce("command key_delete not found");
    // A failure before the call is even sent (outside Tauri) is thrown, not rejected.
    commands.keyVerify = vi.fn(() => {
      throw new TypeError("window.__TAURI_INTERNALS__ is undefined");
    });
    commands.keysList = vi.fn().mockRejectedValueOnce(rust);

    expect(await rejection(ipc.keyDelete("cn-beijing", "1"))).toEqual({
      code: "Internal",
      message: unexpected,
      details: { technical: "command key_delete not found" },
    });
    expect(await rejection(ipc.keyVerify("cn-beijing", "1"))).toEqual({
      code: "Internal",
      message: unexpected,
      details: { technical: "window.__TAURI_INTERNALS__ is undefined" },
    });
    expect(await rejection(ipc.keysList("cn-beijing", null))).toEqual(rust);
  });

  it("through an adapted call too, with details always present", async () => {
    commands.profilesList = vi.fn().mockRejectedValueOnce({ code: "KeychainLocked", message: "Locked." });
    expect(await rejection(ipc.profilesList())).toEqual({ code: "KeychainLocked", message: "Locked.", details: {} });
  });

  it("says it in the person's language, and says the app could not start when the start-up call fails", async () => {
    await setLang("zh-CN");
    commands.settingsGet = vi.fn().mockRejectedValueOnce("boom");
    expect((await rejection(ipc.settingsGet())).message).toBe("发生了意外错误。请重试；如果反复出现，请附上详情反馈问题。");
    setLang("en");
    commands.appInfo = vi.fn().mockRejectedValueOnce(new Error("command app_info not found"));
    expect(await rejection(ipc.appInfo())).toEqual({
      code: "Internal",
      message: "Studio Keys could not start.",
      details: { technical: "command app_info not found" },
    });
  });

  it("which a store keeps and the screen shows in its error banner", async () => {
    commands.keysList = vi.fn().mockRejectedValue("command keys_list not found");
    keys.forget();
    render(KeyList);
    await keys.show({ profileId: "p", region: "cn-beijing", workspaceId: null });
    expect(keys.error).toEqual({ code: "Internal", message: unexpected, details: { technical: "command keys_list not found" } });
    const banner = await vi.waitFor(() => screen.getByTestId("error-banner"));
    expect(banner.dataset.code).toBe("Internal");
    expect(banner.textContent).toContain("Something unexpected happened.");
    within(banner).getByTestId("error-details").click();
    await vi.waitFor(() =>
      expect(within(banner).getByTestId("error-details-body").textContent).toContain("command keys_list not found"),
    );
    expect(keys.loading).toBe(false);

    commands.appInfo = vi.fn().mockRejectedValueOnce("command app_info not found");
    expect(await app.load()).toBe(false);
    expect(app.error?.message).toBe("Studio Keys could not start.");
  });
});
