// The one door between the UI and Rust. Everything the screens need from the
// app goes through `ipc`; when the generated bindings change shape, this is the
// only file to adapt. Types mirror docs/ipc.md until bindings.ts carries them.
import { commands } from "./bindings";

export type RegionId =
  | "cn-beijing"
  | "ap-southeast-1"
  | "ap-northeast-1"
  | "cn-hongkong"
  | "eu-central-1"
  | "us-east-1";
export type Lang = "en" | "zh-CN";
export type KeyLimitScope = "Account" | "Owner";

export type Region = {
  id: RegionId;
  nameEn: string;
  nameZh: string;
  openapiHost: string;
  dashscopeHost: string | null;
  customPermissions: boolean;
  ipv6Whitelist: boolean;
  keyLimit: number;
  keyLimitScope: KeyLimitScope;
  newKeyPrefix: string;
  workspaceHostSuffix: string;
};

export type AppInfo = {
  name: string;
  version: string;
  regions: Region[];
  lang: Lang;
  sandbox?: boolean;
  benchMode?: boolean;
};

export type ThemeSetting = "system" | "light" | "dark";
export type Settings = {
  lang: "system" | Lang;
  clipboardClearSeconds: number;
  theme: ThemeSetting;
};

export type ErrorDetails = {
  serverCode?: string | null;
  requestId?: string | null;
  httpStatus?: number | null;
  technical?: string | null;
  reason?: string | null;
};
export type IpcError = { code: string; message: string; details: ErrorDetails };

export type ProfilePreferences = { saveKeysOnCreate: boolean };
export type ProfileView = {
  id: string;
  name: string;
  preferences?: ProfilePreferences;
  accessKeyIdMasked?: string | null;
  defaultRegion?: RegionId | null;
  lastRegion?: RegionId | null;
  active: boolean;
  /** Filled in by `ipc` from `kind` when the bindings send that instead. */
  sandbox?: boolean;
  kind?: "Sandbox" | "AlibabaCloud";
};
export type ProfileInput = {
  name: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string | null;
  defaultRegion: RegionId;
};
export type ImportCandidate = {
  id: string;
  source: "env" | "aliyunCli" | "credentialsFile";
  label: string;
  accessKeyIdMasked: string;
};
export type RegionCheck = { region: RegionId; ok: boolean; error?: IpcError | null };
export type ConnectionReport = { regions: RegionCheck[]; canManageKeys: boolean };

export type WorkspaceView = {
  workspaceId: string;
  workspaceName: string;
  isDefault: boolean;
  apiHost?: string | null;
};
export type ModelView = { model: string; name: string };

export type Permission = {
  type: "All" | "Custom";
  accessIps: string[];
  allowAllModels: boolean;
  accessibleModels: string[];
};
export type KeyView = {
  apiKeyId: string;
  maskedValue: string;
  description: string;
  workspaceId: string;
  workspaceName?: string | null;
  createdBy?: string | null;
  gmtCreate: number;
  disabled: boolean;
  permission: Permission;
  saved: boolean;
  /** Saved, but the saved value failed a check (reset elsewhere?). */
  stale?: boolean;
  legacy: boolean;
};
export type Quota = { used: number; limit: number; scope: KeyLimitScope };
export type KeyPage = { keys: KeyView[]; totalCount: number; quota: Quota };
export type CreateKeyInput = {
  region: RegionId;
  workspaceId: string | null;
  description: string;
  permission: Permission;
};
/** `off`: the profile's "save keys on create" preference is off. */
export type SaveStatus = { saved: boolean; off?: boolean; error?: IpcError | null };
export type OneTimeKey = {
  handle: string;
  apiKeyId: string;
  value: string;
  savedToKeychain: SaveStatus;
};
export type ClipboardStatus = { clearsInSeconds?: number | null };
export type VerifyOutcome = "works" | "invalid" | "wrongRegion" | "disabled" | "notSaved" | "unknown";
export type VerifyResult = { outcome: VerifyOutcome; latencyMs?: number | null; error?: IpcError | null };
export type TempKeyView = { handle: string; expiresAt: number };
export type ExportFormat = "txt" | "env";
/** The format of a key a person pasted and saved. */
export type PastedFormat = "Workspace" | "Legacy";
export type MovedAside = { path: string; problem: string };
export type StorageStatus = {
  keychainError?: IpcError | null;
  settingsMovedAside?: MovedAside | null;
  configDir: string;
  dataDir: string;
};
export type SandboxRole = "Root" | "RamWithPermission" | "RamWithoutPermission";
/** A seeded sandbox identity (never its AccessKey). */
export type SandboxIdentity = { name: string; role: SandboxRole; description: string; profileId?: string | null };

// ---- Adapting what Rust sends (services/views.rs) to what the screens use ----
// Kept tolerant on purpose: one place absorbs renames in the generated bindings.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Raw = any;

function profile(p: Raw): ProfileView {
  return {
    ...p,
    sandbox: p.sandbox ?? (p.kind ? p.kind === "Sandbox" : p.id === "sandbox"),
    lastRegion: p.lastRegion ?? p.currentRegion ?? null,
  };
}

/** Keys made before the upgrade: `sk-` but neither `sk-ws-` nor `sk-sp-`. */
export function isLegacyKey(masked: string): boolean {
  return masked.startsWith("sk-") && !masked.startsWith("sk-ws-") && !masked.startsWith("sk-sp-");
}

function key(k: Raw): KeyView {
  const saved = k.saved === true || k.saved === "saved" || k.saved === "stale";
  return {
    apiKeyId: String(k.apiKeyId),
    maskedValue: k.maskedValue ?? "",
    description: k.description ?? "",
    workspaceId: k.workspaceId ?? "",
    workspaceName: k.workspaceName ?? null,
    createdBy: k.createdBy ?? null,
    gmtCreate: k.gmtCreate ?? k.createdAt ?? 0,
    disabled: k.disabled ?? k.enabled === false,
    permission: k.permission ?? { type: "All", accessIps: [], allowAllModels: true, accessibleModels: [] },
    saved,
    stale: k.saved === "stale",
    legacy: k.legacy ?? isLegacyKey(k.maskedValue ?? ""),
  };
}

function page(p: Raw): KeyPage {
  return { keys: (p.keys ?? []).map(key), totalCount: p.totalCount ?? (p.keys ?? []).length, quota: p.quota };
}

function saveStatus(s: Raw): SaveStatus {
  if (s && typeof s === "object" && "state" in s) {
    const state = String(s.state).toLowerCase();
    return { saved: state === "saved", off: state === "off", error: s.error ?? null };
  }
  return { saved: !!s?.saved, error: s?.error ?? null };
}

function oneTime(k: Raw): OneTimeKey {
  return { handle: k.handle, apiKeyId: String(k.apiKeyId), value: k.value, savedToKeychain: saveStatus(k.savedToKeychain) };
}

function verify(v: Raw): VerifyResult {
  const outcome = String(v.outcome);
  return { ...v, outcome: (outcome.charAt(0).toLowerCase() + outcome.slice(1)) as VerifyOutcome };
}

// The placeholder bindings are untyped; the generated ones are checked here.
const c = commands as Raw;
/* eslint-enable @typescript-eslint/no-explicit-any */

export const ipc = {
  appInfo: (): Promise<AppInfo> => c.appInfo(),
  uiPainted: (region: RegionId, source: "cache" | "network"): Promise<void> => c.uiPainted(region, source),
  settingsGet: (): Promise<Settings> => c.settingsGet(),
  settingsSet: (s: Settings): Promise<Settings> => c.settingsSet(s),
  profilesList: async (): Promise<ProfileView[]> => ((await c.profilesList()) as Raw[]).map(profile),
  profileActivate: async (id: string): Promise<ProfileView> => profile(await c.profileActivate(id)),
  profileAdd: async (p: ProfileInput): Promise<ProfileView> => profile(await c.profileAdd(p)),
  profileDelete: (id: string): Promise<void> => c.profileDelete(id),
  profileImportCandidates: async (): Promise<ImportCandidate[]> => {
    const r = await c.profileImportCandidates();
    return Array.isArray(r) ? r : (r?.candidates ?? []);
  },
  profileImport: async (candidateId: string, name: string): Promise<ProfileView> =>
    profile(await c.profileImport(candidateId, name)),
  profileTest: (id: string): Promise<ConnectionReport> => c.profileTest(id),
  profileSetRegion: (region: RegionId): Promise<void> => c.profileSetRegion(region),
  workspacesList: (region: RegionId): Promise<WorkspaceView[]> => c.workspacesList(region),
  modelsAuthorized: (region: RegionId, workspaceId: string): Promise<ModelView[]> =>
    c.modelsAuthorized(region, workspaceId),
  keysList: async (region: RegionId, workspaceId: string | null): Promise<KeyPage> =>
    page(await c.keysList(region, workspaceId)),
  keyCreate: async (input: CreateKeyInput): Promise<OneTimeKey> => oneTime(await c.keyCreate(input)),
  keyReset: async (region: RegionId, id: string): Promise<OneTimeKey> => oneTime(await c.keyReset(region, id)),
  /** `permission` null leaves it as it is (regions without custom permissions). */
  keyUpdate: async (region: RegionId, id: string, description: string, permission: Permission | null): Promise<KeyView> =>
    key(await c.keyUpdate({ region, apiKeyId: id, description, permission })),
  keySetEnabled: (region: RegionId, id: string, enabled: boolean): Promise<void> => c.keySetEnabled(region, id, enabled),
  keyDelete: (region: RegionId, id: string): Promise<void> => c.keyDelete(region, id),
  keyCopySaved: (region: RegionId, id: string): Promise<ClipboardStatus> => c.keyCopySaved(region, id),
  keyCopyEnv: (region: RegionId, id: string): Promise<ClipboardStatus> => c.keyCopyEnv(region, id),
  keyForget: (region: RegionId, id: string): Promise<void> => c.keyForget(region, id),
  /** The one place a pasted key crosses IPC: straight to the keychain. */
  keySavePasted: (region: RegionId, id: string, value: string): Promise<PastedFormat> =>
    c.keySavePasted(region, id, value),
  keyExport: (region: RegionId, id: string, format: ExportFormat): Promise<string | null> =>
    c.keyExport(region, id, format),
  storageStatus: (): Promise<StorageStatus> => c.storageStatus(),
  profileSetPreferences: async (id: string, preferences: ProfilePreferences): Promise<ProfileView> =>
    profile(await c.profileSetPreferences(id, preferences)),
  sandboxIdentities: (): Promise<SandboxIdentity[]> => c.sandboxIdentities(),
  profileAddSandboxIdentity: async (identity: string): Promise<ProfileView> =>
    profile(await c.profileAddSandboxIdentity(identity)),
  keyVerify: async (region: RegionId, id: string): Promise<VerifyResult> => verify(await c.keyVerify(region, id)),
  tempKeyCreate: (region: RegionId, id: string, ttlSeconds: number): Promise<TempKeyView> =>
    c.tempKeyCreate(region, id, ttlSeconds),
  tempKeyCopy: (handle: string): Promise<ClipboardStatus> => c.tempKeyCopy(handle),
  oneTimeCopy: (handle: string): Promise<ClipboardStatus> => c.oneTimeCopy(handle),
  oneTimeExport: (handle: string, format: ExportFormat): Promise<string | null> => c.oneTimeExport(handle, format),
  oneTimeClose: (handle: string): Promise<void> => c.oneTimeClose(handle),
  clipboardCopyText: (text: string): Promise<void> => c.clipboardCopyText(text),
};

/** Anything a command threw, as an IpcError (a bare string from Tauri itself included). */
export function toIpcError(e: unknown, fallbackMessage: string): IpcError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const o = e as Partial<IpcError>;
    return {
      code: String(o.code),
      message: String(o.message),
      details: (o.details as ErrorDetails) ?? {},
    };
  }
  const technical = e instanceof Error ? e.message : typeof e === "string" ? e : null;
  return { code: "Internal", message: fallbackMessage, details: { technical } };
}

/**
 * Ask before the window closes while `guard` says so. Returns an unsubscribe.
 * Outside Tauri (tests, plain browser) there is no window to guard.
 */
export async function guardWindowClose(guard: () => Promise<boolean>): Promise<() => void> {
  if (!("__TAURI_INTERNALS__" in window)) return () => {};
  const { getCurrentWindow } = await import("@tauri-apps/api/window");
  return getCurrentWindow().onCloseRequested(async (event) => {
    if (!(await guard())) event.preventDefault();
  });
}
