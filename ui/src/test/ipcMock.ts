// A fresh set of mocked IPC commands; tests set the answers they need.
import { vi } from "vitest";
import type { StorageStatus } from "../lib/ipc";

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
    clipboardCopyText: vi.fn(async () => undefined),
    updateCheck: vi.fn(async (): Promise<unknown> => ({ state: "notConfigured" })),
    updateDownload: vi.fn(async (..._args: unknown[]) => null),
    updateInstall: vi.fn(async () => null),
  };
}
