// The one door between the UI and Rust. Everything the screens need from the
// app goes through `ipc`, and every call here is the typed generated command
// from bindings.ts (tauri-specta), so a change on the Rust side that the UI
// does not follow fails `npm run check`.
//
// The generated commands invoke Tauri directly: they resolve with the value and
// reject with the command's IpcError (no `{status, data}` wrapper to unwrap).
//
// Types: what Rust sends is the `_Serialize` variant, what it accepts the
// `_Deserialize` one. They are re-exported under the names the screens use;
// only three shapes are adapted for the screens (profiles, keys, keychain
// status), each by a small function whose input is the generated type.
import {
  commands,
  type AppInfo_Serialize,
  type AppSettings_Deserialize,
  type AppSettings_Serialize,
  type BenchMark,
  type ClipboardStatus_Serialize,
  type ConnectionReport_Serialize,
  type CreateKeyInput_Deserialize,
  type ErrorCode,
  type ErrorDetails,
  type ExportFormat,
  type ImportCandidateView_Serialize,
  type IpcError,
  type KeyFormat,
  type KeyPage_Serialize,
  type KeyView_Serialize,
  type OneTimeKey_Serialize,
  type Permission,
  type ProfileInputView_Deserialize,
  type ProfilePreferences_Deserialize,
  type ProfilePreferences_Serialize,
  type ProfileView_Serialize,
  type Region_Serialize,
  type RegionCheck_Serialize,
  type RegionId,
  type SandboxIdentityView_Serialize,
  type SaveStatus_Serialize,
  type StorageStatus_Serialize,
  type VerifyResult_Serialize,
  type WorkspaceView_Serialize,
} from "./bindings";

// ---- Generated types, under the names the screens use ----
export type {
  ErrorCode,
  ErrorDetails,
  ExportFormat,
  IpcError,
  KeyLimitScope,
  Lang,
  ModelView,
  MovedAside,
  Permission,
  PermissionType,
  ProfileKind,
  Quota,
  RegionId,
  SandboxRole,
  TempKeyView,
  Theme as ThemeSetting,
  VerifyOutcome,
} from "./bindings";
export type Region = Region_Serialize;
export type AppInfo = AppInfo_Serialize;
export type Settings = AppSettings_Serialize;
export type ProfilePreferences = ProfilePreferences_Serialize;
export type ProfileInput = ProfileInputView_Deserialize;
export type ImportCandidate = ImportCandidateView_Serialize;
export type RegionCheck = RegionCheck_Serialize;
export type ConnectionReport = ConnectionReport_Serialize;
export type WorkspaceView = WorkspaceView_Serialize;
export type CreateKeyInput = CreateKeyInput_Deserialize;
export type ClipboardStatus = ClipboardStatus_Serialize;
export type VerifyResult = VerifyResult_Serialize;
/** The format of a key a person pasted and saved. */
export type PastedFormat = KeyFormat;
export type StorageStatus = StorageStatus_Serialize;
/** A seeded sandbox identity (never its AccessKey). */
export type SandboxIdentity = SandboxIdentityView_Serialize;

// ---- The shapes the screens use where Rust's differ ----

/** A profile, plus whether it is a sandbox one (badges, first run, labels). */
export type ProfileView = ProfileView_Serialize & { sandbox: boolean };

function profile(p: ProfileView_Serialize): ProfileView {
  return { ...p, sandbox: p.kind === "Sandbox" };
}

/**
 * A list row. Rust's tri-state `saved` becomes `saved` + `stale` because the
 * row actions only ask "is there a copy here"; `disabled` and `gmtCreate`
 * (0 when unknown) are what the list sorts and patches; `legacy` is derived
 * from the masked value.
 */
export type KeyView = Omit<KeyView_Serialize, "enabled" | "createdAt" | "saved"> & {
  disabled: boolean;
  gmtCreate: number;
  saved: boolean;
  /** Saved, but the saved value failed a check (reset elsewhere?). */
  stale: boolean;
  legacy: boolean;
};
export type KeyPage = Omit<KeyPage_Serialize, "keys"> & { keys: KeyView[] };

/** Keys made before the upgrade: `sk-` but neither `sk-ws-` nor `sk-sp-`. */
export function isLegacyKey(masked: string): boolean {
  return masked.startsWith("sk-") && !masked.startsWith("sk-ws-") && !masked.startsWith("sk-sp-");
}

function key(k: KeyView_Serialize): KeyView {
  const { enabled, createdAt, saved, ...rest } = k;
  return {
    ...rest,
    disabled: !enabled,
    gmtCreate: createdAt ?? 0,
    saved: saved !== "notSaved",
    stale: saved === "stale",
    legacy: isLegacyKey(k.maskedValue),
  };
}

function page(p: KeyPage_Serialize): KeyPage {
  return { ...p, keys: p.keys.map(key) };
}

/** `off`: the profile's "save keys on create" preference is off. */
export type SaveStatus = { saved: boolean; off: boolean; error: IpcError | null };
export type OneTimeKey = Omit<OneTimeKey_Serialize, "savedToKeychain"> & { savedToKeychain: SaveStatus };

function saveStatus(s: SaveStatus_Serialize): SaveStatus {
  switch (s.state) {
    case "saved":
      return { saved: true, off: false, error: null };
    case "off":
      return { saved: false, off: true, error: null };
    case "failed":
      return { saved: false, off: false, error: s.error };
  }
}

function oneTime(k: OneTimeKey_Serialize): OneTimeKey {
  return { ...k, savedToKeychain: saveStatus(k.savedToKeychain) };
}

// Commands that answer nothing resolve with `null` (the generated type says so).
export const ipc = {
  appInfo: (): Promise<AppInfo> => commands.appInfo(),
  uiPainted: (region: RegionId, source: "cache" | "network", marks: BenchMark[]) =>
    commands.uiPainted(region, source, marks),
  settingsGet: (): Promise<Settings> => commands.settingsGet(),
  settingsSet: (s: AppSettings_Deserialize): Promise<Settings> => commands.settingsSet(s),
  profilesList: async (): Promise<ProfileView[]> => (await commands.profilesList()).map(profile),
  profileActivate: async (id: string): Promise<ProfileView> => profile(await commands.profileActivate(id)),
  profileAdd: async (p: ProfileInput): Promise<ProfileView> => profile(await commands.profileAdd(p)),
  profileDelete: (id: string) => commands.profileDelete(id),
  /** The importable entries; the skipped ones (RAM roles...) are not offered. */
  profileImportCandidates: async (): Promise<ImportCandidate[]> =>
    (await commands.profileImportCandidates()).candidates,
  profileImport: async (candidateId: string, name: string): Promise<ProfileView> =>
    profile(await commands.profileImport(candidateId, name)),
  profileTest: (id: string): Promise<ConnectionReport> => commands.profileTest(id),
  profileSetRegion: (region: RegionId) => commands.profileSetRegion(region),
  profileSetPreferences: async (id: string, preferences: ProfilePreferences_Deserialize): Promise<ProfileView> =>
    profile(await commands.profileSetPreferences(id, preferences)),
  sandboxIdentities: (): Promise<SandboxIdentity[]> => commands.sandboxIdentities(),
  profileAddSandboxIdentity: async (identity: string): Promise<ProfileView> =>
    profile(await commands.profileAddSandboxIdentity(identity)),
  workspacesList: (region: RegionId): Promise<WorkspaceView[]> => commands.workspacesList(region),
  modelsAuthorized: (region: RegionId, workspaceId: string) => commands.modelsAuthorized(region, workspaceId),
  keysList: async (region: RegionId, workspaceId: string | null): Promise<KeyPage> =>
    page(await commands.keysList(region, workspaceId)),
  keyCreate: async (input: CreateKeyInput): Promise<OneTimeKey> => oneTime(await commands.keyCreate(input)),
  keyReset: async (region: RegionId, id: string): Promise<OneTimeKey> => oneTime(await commands.keyReset(region, id)),
  /** `permission` null leaves it as it is (regions without custom permissions). */
  keyUpdate: async (
    region: RegionId,
    id: string,
    description: string,
    permission: Permission | null,
  ): Promise<KeyView> => key(await commands.keyUpdate({ region, apiKeyId: id, description, permission })),
  keySetEnabled: (region: RegionId, id: string, enabled: boolean) => commands.keySetEnabled(region, id, enabled),
  keyDelete: (region: RegionId, id: string) => commands.keyDelete(region, id),
  keyCopySaved: (region: RegionId, id: string): Promise<ClipboardStatus> => commands.keyCopySaved(region, id),
  keyCopyEnv: (region: RegionId, id: string): Promise<ClipboardStatus> => commands.keyCopyEnv(region, id),
  keyForget: (region: RegionId, id: string) => commands.keyForget(region, id),
  /** The one place a pasted key crosses IPC: straight to the keychain. */
  keySavePasted: (region: RegionId, id: string, value: string): Promise<PastedFormat> =>
    commands.keySavePasted(region, id, value),
  /** The path written, or null when the save dialog was cancelled. */
  keyExport: (region: RegionId, id: string, format: ExportFormat) => commands.keyExport(region, id, format),
  keyVerify: (region: RegionId, id: string): Promise<VerifyResult> => commands.keyVerify(region, id),
  tempKeyCreate: (region: RegionId, id: string, ttlSeconds: number) => commands.tempKeyCreate(region, id, ttlSeconds),
  tempKeyCopy: (handle: string): Promise<ClipboardStatus> => commands.tempKeyCopy(handle),
  oneTimeCopy: (handle: string): Promise<ClipboardStatus> => commands.oneTimeCopy(handle),
  oneTimeExport: (handle: string, format: ExportFormat) => commands.oneTimeExport(handle, format),
  oneTimeClose: (handle: string) => commands.oneTimeClose(handle),
  clipboardCopyText: (text: string) => commands.clipboardCopyText(text),
  storageStatus: (): Promise<StorageStatus> => commands.storageStatus(),
};

/** Anything a command threw, as an IpcError (a bare string from Tauri itself included). */
export function toIpcError(e: unknown, fallbackMessage: string): IpcError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const o = e as { code: unknown; message: unknown; details?: ErrorDetails | null };
    return {
      // Only Rust's IpcError is thrown with a code and a message, and its code is an ErrorCode.
      code: String(o.code) as ErrorCode,
      message: String(o.message),
      details: o.details ?? {},
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
