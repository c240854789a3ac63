// A fresh set of mocked IPC commands; tests set the answers they need.
import { vi } from "vitest";
import type {
  AuditFilter,
  AuditRecord,
  AuditReport,
  KeysCosts,
  RegionId,
  RotationStarted,
  RotationView,
  RotationsReport,
  StorageStatus,
} from "../lib/ipc";

export function makeIpcMock() {
  return {
    appInfo: vi.fn(),
    settingsGet: vi.fn(),
    settingsSet: vi.fn(),
    profilesList: vi.fn(),
    profileActivate: vi.fn(),
    profileAdd: vi.fn(),
    profileDelete: vi.fn(),
    profileImportCandidates: vi.fn(async (): Promise<unknown[]> => []),
    profileImport: vi.fn(),
    profileTest: vi.fn(),
    profileSetRegion: vi.fn(async () => undefined),
    workspacesList: vi.fn(async (): Promise<unknown[]> => []),
    modelsAuthorized: vi.fn(async (..._args: unknown[]): Promise<unknown[]> => []),
    keysList: vi.fn(),
    keysListAllRegions: vi.fn(),
    keySetReviewDate: vi.fn(async () => {}),
    reviewsDue: vi.fn(async (): Promise<unknown[]> => []),
    keysCosts: vi.fn(async (region: RegionId): Promise<KeysCosts> => ({
      region,
      period: { start: "2026-11-01", end: "2026-11-30", month: null, days: 30, timeZone: "UTC+08:00" },
      currency: null,
      total: null,
      keys: [],
      unlisted: [],
      unavailable: { reason: "noData", message: "No costs yet.", error: null },
    })),
    keysCostsAllRegions: vi.fn(async (): Promise<KeysCosts[]> => []),
    keyCreate: vi.fn(),
    keyReset: vi.fn(),
    keyUpdate: vi.fn(),
    keySetEnabled: vi.fn(async () => undefined),
    keyDelete: vi.fn(async () => undefined),
    keyCopySaved: vi.fn(),
    keyVerify: vi.fn(),
    keyCopyEnv: vi.fn(),
    keyForget: vi.fn(async () => undefined),
    keySavePasted: vi.fn(),
    keyExport: vi.fn(),
    storageStatus: vi.fn(
      async (): Promise<StorageStatus> => ({ keychainError: null, settingsMovedAside: null, configDir: "/c", dataDir: "/d" }),
    ),
    intentsResume: vi.fn(async (): Promise<unknown[]> => []),
    profileSetPreferences: vi.fn(),
    sandboxIdentities: vi.fn(async (): Promise<unknown[]> => []),
    profileAddSandboxIdentity: vi.fn(),
    tempKeyCreate: vi.fn(),
    tempKeyCopy: vi.fn(),
    oneTimeCopy: vi.fn(),
    oneTimeExport: vi.fn(),
    oneTimeClose: vi.fn(async () => undefined),
    clipboardCopyText: vi.fn(async (_text: string) => undefined),
    auditList: vi.fn(async (_filter: AuditFilter): Promise<AuditRecord[]> => []),
    auditVerify: vi.fn(
      async (): Promise<AuditReport> => ({ verdict: { state: "intact", records: 0 }, keychainAnchorChecked: true, folder: "/d/audit" }),
    ),
    auditExport: vi.fn(async (_filter: AuditFilter): Promise<string | null> => null),
    rotationStart: vi.fn(async (_region: RegionId, _id: string, _grace: string): Promise<RotationStarted> => {
      throw new Error("rotationStart: no answer set");
    }),
    rotationFinish: vi.fn(async (_region: RegionId, _id: string, _deleteNow: boolean): Promise<RotationView> => {
      throw new Error("rotationFinish: no answer set");
    }),
    rotationEnableAgain: vi.fn(async (_region: RegionId, _id: string): Promise<RotationView> => {
      throw new Error("rotationEnableAgain: no answer set");
    }),
    rotationsList: vi.fn(async (): Promise<RotationsReport> => ({ rotations: [], refused: [] })),
    clipboardStatus: vi.fn(async (): Promise<unknown> => ({ clearsInSeconds: null, holdsSecret: false, lastClear: null })),
    updateCheck: vi.fn(async (): Promise<unknown> => ({ state: "notConfigured" })),
    updateDownload: vi.fn(async (..._args: unknown[]) => null),
    updateInstall: vi.fn(async () => null),
  };
}
