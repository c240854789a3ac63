// Design preview only (never shipped): an in-memory stand-in for the generated
// bindings, so the screens can be looked at in a plain browser without Rust.
import { APP_INFO, makeKey } from "../src/test/fixtures";
import type { KeyView, ProfileView, RegionId, Settings } from "../src/lib/ipc";

const params = new URLSearchParams(location.search);
let settings: Settings = {
  lang: (params.get("lang") as Settings["lang"]) ?? "system",
  clipboardClearSeconds: 30,
  theme: (params.get("theme") as Settings["theme"]) ?? "system",
};
const profiles: ProfileView[] = [
  { id: "sandbox", name: "Sandbox", active: true, sandbox: true, lastRegion: "cn-beijing", defaultRegion: "cn-beijing" },
];
if (params.has("account")) profiles.push({ id: "work", name: "Work", active: false, sandbox: false, accessKeyIdMasked: "LTAI****7Qx" });

const store = new Map<RegionId, KeyView[]>();
function keysOf(region: RegionId): KeyView[] {
  if (!store.has(region)) {
    const n = region === "cn-beijing" ? Number(params.get("keys") ?? 4) : 1;
    store.set(
      region,
      Array.from({ length: n }, (_, i) =>
        makeKey({
          description: ["Website chatbot", "", "Nightly reports", "Mobile app (staging)"][i % 4],
          saved: i % 2 === 0,
          legacy: i === 1,
          disabled: i === 3,
          createdBy: i === 2 ? "ram-user-ops" : "root",
          maskedValue: i === 1 ? "sk-7f3c*****a91b" : `sk-ws-H4x.${i}aB*****9Qe${i}`,
          permission:
            i === 2
              ? { type: "Custom", accessIps: ["203.0.113.0/24", "198.51.100.7", "192.0.2.1"], allowAllModels: false, accessibleModels: ["qwen-plus", "qwen-max"] }
              : { type: "All", accessIps: [], allowAllModels: true, accessibleModels: [] },
        }),
      ),
    );
  }
  return store.get(region)!;
}

const delay = <T>(v: T, ms = 150) => new Promise<T>((r) => setTimeout(() => r(v), ms));
const limitOf = (region: RegionId) => (region === "us-east-1" ? 20 : 50);

export const commands = {
  appInfo: () => delay(APP_INFO),
  settingsGet: () => delay(settings),
  settingsSet: (s: Settings) => delay((settings = s)),
  profilesList: () => delay(profiles),
  profileActivate: (id: string) => {
    profiles.forEach((p) => (p.active = p.id === id));
    return delay(profiles.find((p) => p.id === id)!);
  },
  profileImportCandidates: () => delay([{ id: "cli", source: "aliyunCli", label: "default", accessKeyIdMasked: "LTAI****abcd" }]),
  profileSetRegion: () => delay(undefined),
  workspacesList: () =>
    delay([
      { workspaceId: "ws-default", workspaceName: "Default workspace", isDefault: true },
      { workspaceId: "ws-team", workspaceName: "Team B", isDefault: false },
    ]),
  modelsAuthorized: () =>
    delay([
      { model: "qwen-plus", name: "Qwen-Plus" },
      { model: "qwen-max", name: "Qwen-Max" },
      { model: "qwen-turbo", name: "Qwen-Turbo" },
    ]),
  keysList: (region: RegionId) => {
    if (params.get("fail") === region) {
      return Promise.reject({ code: "Network", message: "The server could not be reached. Check the internet connection, then try again.", details: { technical: "connection refused", requestId: null } });
    }
    const keys = keysOf(region);
    const used = params.has("full") ? limitOf(region) : keys.length;
    return delay({ keys, totalCount: keys.length, quota: { used, limit: limitOf(region), scope: region === "us-east-1" ? "Owner" : "Account" } });
  },
  keyCreate: () =>
    delay({ handle: "h", apiKeyId: 1, value: "sk-ws-PREVIEW.ONLY-not-a-real-key-0000000000", savedToKeychain: { saved: !params.has("nokeychain"), error: { code: "KeychainLocked", message: "The keychain is locked. Unlock it and try again.", details: {} } } }),
  keyVerify: () => delay({ outcome: "works", latencyMs: 182 }, 400),
  keySetEnabled: () => delay(undefined),
  keyDelete: () => delay(undefined),
  oneTimeCopy: () => delay({ clearsInSeconds: 30 }),
  oneTimeExport: () => delay("/home/you/Downloads/api-key.env"),
  oneTimeClose: () => delay(undefined),
  clipboardCopyText: () => delay(undefined),
  keyCopySaved: () => delay({ clearsInSeconds: 30 }),
  tempKeyCreate: (_r: RegionId, _id: unknown, ttl: number) => delay({ handle: "t", expiresAt: Date.now() / 1000 + ttl }),
  tempKeyCopy: () => delay({ clearsInSeconds: 30 }),
  keyCopyEnv: () => delay({ clearsInSeconds: 30 }),
  keyForget: () => delay(undefined),
  keySavePasted: () => delay("Workspace"),
  keyExport: () => delay("/home/you/Documents/api-key.env"),
  storageStatus: () =>
    delay({
      keychainError: params.has("nokeychain")
        ? { code: "KeychainUnavailable", message: "No Secret Service answers on this session's D-Bus, so nothing secret can be stored.", details: {} }
        : null,
      settingsMovedAside: params.has("corrupt") ? { path: "/home/you/.config/studio-keys/settings.json.corrupt-20250101T000000Z", problem: "expected value at line 1" } : null,
      configDir: "/home/you/.config/studio-keys",
      dataDir: "/home/you/.local/share/studio-keys",
    }),
  profileSetPreferences: (id: string, preferences: { saveKeysOnCreate: boolean }) =>
    delay({ ...profiles.find((p) => p.id === id)!, preferences }),
  sandboxIdentities: () =>
    delay([
      { name: "root", role: "Root", description: "Root account: sees and manages every key", profileId: "sandbox" },
      { name: "ram-key-admin", role: "RamWithPermission", description: "RAM user with API-Key permission: sees and manages only its own keys", profileId: null },
      { name: "ram-no-permission", role: "RamWithoutPermission", description: "RAM user without permission: may not list or create keys", profileId: null },
    ]),
  profileAddSandboxIdentity: (identity: string) => {
    const id = identity === "root" ? "sandbox" : `sandbox-${identity}`;
    if (!profiles.some((p) => p.id === id))
      profiles.push({ id, name: `Sandbox (${identity})`, active: false, sandbox: true, kind: "Sandbox" });
    return delay(profiles.find((p) => p.id === id)!);
  },
};
