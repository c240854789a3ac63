// The one door between the UI and Rust. Everything the screens need from the
// app goes through `ipc`, and every call here is the typed generated command
// from bindings.ts (tauri-specta), so a change on the Rust side that the UI
// does not follow fails `npm run check`.
//
// The generated commands invoke Tauri directly: they resolve with the value and
// reject with the command's IpcError, or with a bare string or Error when Tauri
// itself fails (unknown command, denied permission). Every `ipc.*` call goes
// through `normalised`, so whatever the caller catches is an IpcError and no
// store or screen converts errors again.
//
// Types: what Rust sends is the `_Serialize` variant, what it accepts the
// `_Deserialize` one. They are re-exported under the names the screens use;
// only two shapes are adapted for the screens (profiles, keychain status),
// each by a small function whose input is the generated type.
import {
  commands,
  type AppInfo_Serialize,
  type AppSettings_Deserialize,
  type AppSettings_Serialize,
  type AuditFilter_Deserialize,
  type AuditRecordView_Serialize,
  type AuditReport,
  type BenchMark,
  type ClipboardStatus_Serialize,
  type ConnectionReport_Serialize,
  type CreateKeyInput_Deserialize,
  type ExportFormat,
  type ImportCandidateView_Serialize,
  type IntentNotice_Serialize,
  type IpcError,
  type LimitRate,
  type KeyFormat,
  type KeyPage_Serialize,
  type KeyView_Serialize,
  type SpendAlertView_Serialize,
  type LimitView_Serialize,
  type ModelLimitView_Serialize,
  type WorkspaceLimitsView_Serialize,
  type OneTimeKey_Serialize,
  type PaintSource,
  type Permission,
  type ProfileInputView_Deserialize,
  type ProfilePreferences_Deserialize,
  type ProfilePreferences_Serialize,
  type ProfileView_Serialize,
  type Region_Serialize,
  type RegionCheck_Serialize,
  type RegionKeys_Serialize,
  type ReviewDue,
  type RotationStarted_Serialize,
  type RotationsReport_Serialize,
  type RotationView_Serialize,
  type KeysCosts_Serialize,
  type KeyCost_Serialize,
  type DailyCost_Serialize,
  type CostsUnavailable_Serialize,
  type RegionId,
  type SandboxIdentityView_Serialize,
  type SaveStatus_Serialize,
  type StorageStatus_Serialize,
  type VerifyResult_Serialize,
  type WorkspaceView_Serialize,
  type DownloadProgress_Deserialize,
  type UpdateCheck_Serialize,
  type UpdateInfo_Serialize,
} from "./bindings";
import { Channel } from "@tauri-apps/api/core";
import { t, type MessageKey } from "./i18n/index.svelte";

// ---- Generated types, under the names the screens use ----
export type {
  AuditReport,
  AuditVerdict,
  ErrorCode,
  ErrorDetails,
  ExportFormat,
  IpcError,
  KeyFormat,
  KeyLimitScope,
  Lang,
  LimitPeriod,
  LimitRate,
  LimitsReadOnly,
  ModelView,
  MovedAside,
  Permission,
  PermissionType,
  ProfileKind,
  Quota,
  RegionId,
  RuleReason,
  SavedState,
  SandboxRole,
  TempKeyView,
  Theme as ThemeSetting,
  VerifyOutcome,
} from "./bindings";
/** Each rule reason Rust sends with the request field it concerns. */
export {
  AUDIT_ACTIONS,
  GRACE_DEFAULT,
  GRACE_MAX_DAYS,
  KEY_PREFIXES,
  RULE_LIMITS,
  RULE_REASON_FIELDS,
} from "./bindings";
export type Region = Region_Serialize;
export type AppInfo = AppInfo_Serialize;
export type Settings = AppSettings_Serialize;
export type ProfilePreferences = ProfilePreferences_Serialize;
export type ProfileInput = ProfileInputView_Deserialize;
export type ImportCandidate = ImportCandidateView_Serialize;
export type RegionCheck = RegionCheck_Serialize;
export type ConnectionReport = ConnectionReport_Serialize;
/** One region's keys in the all-regions list, or why they could not be listed. */
export type RegionKeys = RegionKeys_Serialize;
export type { ReviewDue };
export type KeysCosts = KeysCosts_Serialize;
export type KeyCost = KeyCost_Serialize;
export type DailyCost = DailyCost_Serialize;
export type CostsUnavailable = CostsUnavailable_Serialize;
export type WorkspaceView = WorkspaceView_Serialize;
export type LimitView = LimitView_Serialize;
/** A workspace's monthly spend alert against this bill month's spend. */
export type SpendAlertView = SpendAlertView_Serialize;
export type ModelLimitView = ModelLimitView_Serialize;
/** A workspace's limits per model, and why (if so) this account may not change them. */
export type WorkspaceLimitsView = WorkspaceLimitsView_Serialize;
export type CreateKeyInput = CreateKeyInput_Deserialize;
export type ClipboardStatus = ClipboardStatus_Serialize;
export type VerifyResult = VerifyResult_Serialize;
/** A list row: Rust's view as it is, `legacy` and `format` included. */
export type KeyView = KeyView_Serialize;
export type KeyPage = KeyPage_Serialize;
/** The format of a key a person pasted and saved. */
export type PastedFormat = KeyFormat;
export type StorageStatus = StorageStatus_Serialize;
/** What became of a Create or Reset an earlier, killed run left unfinished. */
export type IntentNotice = IntentNotice_Serialize;
export type UpdateCheck = UpdateCheck_Serialize;
export type UpdateInfo = UpdateInfo_Serialize;
/** Bytes received of the announced total (null when the server did not say). */
export type DownloadProgress = { received: number | null; total: number | null };
/** A seeded sandbox identity (never its AccessKey). */
export type SandboxIdentity = SandboxIdentityView_Serialize;
/** Which audit records to list or export: one key's, one action's, since a time (RFC 3339). */
export type AuditFilter = AuditFilter_Deserialize;
/** One audit record (never a key value or secret: masks and ids). */
export type AuditRecord = AuditRecordView_Serialize;
/** A rotation in progress (ids, masks, dates, step; never a value). */
export type RotationView = RotationView_Serialize;
/** The active profile's rotations, and the records refused (never acted on). */
export type RotationsReport = RotationsReport_Serialize;

// ---- The shapes the screens use where Rust's differ ----

/** A profile, plus whether it is a sandbox one (badges, first run, labels). */
export type ProfileView = ProfileView_Serialize & { sandbox: boolean };

function profile(p: ProfileView_Serialize): ProfileView {
  return { ...p, sandbox: p.kind === "Sandbox" };
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

/** Step 1's answer: the twin, when made now, in the one-time display's shape. */
export type RotationStarted = { rotation: RotationView; twin: OneTimeKey | null };

function rotationStarted(r: RotationStarted_Serialize): RotationStarted {
  return { rotation: r.rotation, twin: r.twin ? oneTime(r.twin) : null };
}

/** An Internal error with the localised "unexpected" message: what a failure the UI cannot explain shows. */
export function unexpectedError(technical: string | null = null, message = t("common.unexpected")): IpcError {
  return { code: "Internal", message, details: { technical } };
}

/** Whatever a command threw, as an IpcError. Rust's arrive as they are; anything else is Tauri's own failure. */
function toIpcError(e: unknown, fallback: MessageKey): IpcError {
  if (e && typeof e === "object" && !(e instanceof Error)) {
    const o = e as { code?: unknown; message?: unknown; details?: IpcError["details"] | null };
    // Only Rust's IpcError is thrown as a plain object with a code and a message, and its code is an ErrorCode.
    if (typeof o.code === "string" && typeof o.message === "string") {
      return { code: o.code as IpcError["code"], message: o.message, details: o.details ?? {} };
    }
  }
  const technical = e instanceof Error ? e.message : typeof e === "string" ? e : null;
  return unexpectedError(technical, t(fallback));
}

type Command = (...args: never[]) => Promise<unknown>;

/**
 * The one wrapper every call goes through: a rejection is re-thrown as an
 * IpcError, once, here. `fallbacks` names the message a call shows when the
 * failure is Tauri's own (the start-up call says the app could not start).
 */
function normalised<C extends Record<string, Command>>(calls: C, fallbacks: { [K in keyof C]?: MessageKey } = {}): C {
  const wrapped: Record<string, Command> = {};
  for (const [name, call] of Object.entries(calls)) {
    const fallback = (fallbacks as Record<string, MessageKey | undefined>)[name] ?? "common.unexpected";
    wrapped[name] = async (...args) => {
      try {
        return await call(...args);
      } catch (e) {
        throw toIpcError(e, fallback);
      }
    };
  }
  return wrapped as C;
}

// Commands that answer nothing resolve with `null` (the generated type says so).
export const ipc = normalised(
  {
    appInfo: (): Promise<AppInfo> => commands.appInfo(),
    uiPainted: (region: RegionId, source: PaintSource, seq: number, marks: BenchMark[]) =>
      commands.uiPainted(region, source, seq, marks),
    benchSnapshot: (html: string) => commands.benchSnapshot(html),
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
    workspaceLimits: (region: RegionId, workspaceId: string): Promise<WorkspaceLimitsView> =>
      commands.workspaceLimits(region, workspaceId),
    modelLimitSet: (
      region: RegionId,
      workspaceId: string,
      model: string,
      requests: LimitRate | null,
      tokens: LimitRate | null,
    ): Promise<ModelLimitView[]> => commands.modelLimitSet(region, workspaceId, model, requests, tokens),
    modelLimitClear: (region: RegionId, workspaceId: string, model: string): Promise<ModelLimitView[]> =>
      commands.modelLimitClear(region, workspaceId, model),
    spendAlerts: (): Promise<SpendAlertView[]> => commands.spendAlerts(),
    spendAlertSet: (region: RegionId, workspaceId: string, amount: string, currency: string): Promise<SpendAlertView> =>
      commands.spendAlertSet(region, workspaceId, amount, currency),
    spendAlertClear: (region: RegionId, workspaceId: string): Promise<null> => commands.spendAlertClear(region, workspaceId),
    keysList: (region: RegionId, workspaceId: string | null): Promise<KeyPage> => commands.keysList(region, workspaceId),
    keysListAllRegions: (): Promise<RegionKeys[]> => commands.keysListAllRegions(),
    /** `date`: YYYY-MM-DD, or null to clear it. */
    keySetReviewDate: (region: RegionId, id: string, date: string | null, label: string) =>
      commands.keySetReviewDate(region, id, date, label),
    reviewsDue: (): Promise<ReviewDue[]> => commands.reviewsDue(),
    keysCosts: (region: RegionId, days: number): Promise<KeysCosts> => commands.keysCosts(region, days),
    keysCostsAllRegions: (days: number): Promise<KeysCosts[]> => commands.keysCostsAllRegions(days),
    keyCreate: async (input: CreateKeyInput): Promise<OneTimeKey> => oneTime(await commands.keyCreate(input)),
    keyReset: async (region: RegionId, id: string): Promise<OneTimeKey> => oneTime(await commands.keyReset(region, id)),
    /** The dialog's whole state; `permission` null leaves it as it is (regions
     * without custom permissions). */
    keyUpdate: (region: RegionId, id: string, description: string, permission: Permission | null): Promise<KeyView> =>
      commands.keyUpdate({ region, apiKeyId: id, description, permission: permission ? { whole: permission } : {} }),
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
    /** Oldest first; a key's records include the `started` record of each of its actions. */
    auditList: (filter: AuditFilter): Promise<AuditRecord[]> => commands.auditList(filter),
    auditVerify: (): Promise<AuditReport> => commands.auditVerify(),
    /** CSV through Rust's save dialog: the path written, or null when cancelled. */
    auditExport: (filter: AuditFilter) => commands.auditExport(filter),
    /** Step 1: the twin (shown once, saved first), or the state of a rotation already under way.
     * `grace`: now, 1h, 24h, 7d or YYYY-MM-DD (up to 90 days ahead). */
    rotationStart: async (region: RegionId, id: string, grace: string): Promise<RotationStarted> =>
      rotationStarted(await commands.rotationStart(region, id, grace)),
    /** Disables the old key (the grace period starts); deletes it once that ended, or with `deleteNow`. */
    rotationFinish: (region: RegionId, id: string, deleteNow: boolean): Promise<RotationView> =>
      commands.rotationFinish(region, id, deleteNow),
    /** During the grace period: the old key works again (back to the hand-over). */
    rotationEnableAgain: (region: RegionId, id: string): Promise<RotationView> => commands.rotationEnableAgain(region, id),
    /** The active profile's rotations, each held against the cloud. */
    rotationsList: (): Promise<RotationsReport> => commands.rotationsList(),
    /** Rust's view of the last secret copied: the countdown and how its clear went. */
    clipboardStatus: (): Promise<ClipboardStatus> => commands.clipboardStatus(),
    storageStatus: (): Promise<StorageStatus> => commands.storageStatus(),
    intentsResume: (): Promise<IntentNotice[]> => commands.intentsResume(),
    updateCheck: (): Promise<UpdateCheck> => commands.updateCheck(),
    /** Resolves once the update is downloaded and its signature verified. */
    updateDownload: (onProgress: (p: DownloadProgress) => void) => {
      // The generated type of a channel's messages is the Deserialize phase.
      const channel = new Channel<DownloadProgress_Deserialize>();
      channel.onmessage = (p) => onProgress({ received: p.received, total: p.total ?? null });
      return commands.updateDownload(channel);
    },
    updateInstall: () => commands.updateInstall(),
  },
  { appInfo: "app.startFailed" },
);

/**
 * Hide the window instead of closing it while `keep` says so (the app stays
 * in the tray; the tray's Open shows it again). Returns an unsubscribe.
 */
export async function keepInTrayOnClose(keep: () => boolean): Promise<() => void> {
  if (!("__TAURI_INTERNALS__" in window)) return () => {};
  const { getCurrentWindow } = await import("@tauri-apps/api/window");
  const current = getCurrentWindow();
  return current.onCloseRequested(async (event) => {
    if (!keep()) return;
    event.preventDefault();
    await current.hide();
  });
}

/**
 * Tell the tray which region the window shows ("all" for every region), so
 * its region switcher checks it (`WINDOW_SHOWS` in src-tauri/src/tray.rs).
 */
export function tellRegionShown(region: RegionId | "all"): void {
  if (!("__TAURI_INTERNALS__" in window)) return;
  void import("@tauri-apps/api/event")
    .then(({ emit }) => emit("region-shown", region))
    .catch(() => {});
}

/**
 * The tray's region switcher asks the window to show a region
 * (`SHOW_REGION` in src-tauri/src/tray.rs). Returns an unsubscribe.
 */
export async function onTrayShowRegion(show: (region: string) => void): Promise<() => void> {
  if (!("__TAURI_INTERNALS__" in window)) return () => {};
  const { listen } = await import("@tauri-apps/api/event");
  return listen<string>("tray-show-region", (event) => show(event.payload));
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
