// Test data shaped like the IPC answers. The region table mirrors
// src-tauri/src/regions.rs (what app_info sends).
import type { IpcError_Serialize } from "../lib/bindings";
import type { AppInfo, ErrorCode, KeyPage, KeyView, OneTimeKey, ProfileView, Region } from "../lib/ipc";

const base = {
  dashscopeHost: null,
  customPermissions: true,
  ipv6Whitelist: false,
  keyLimit: 50,
  keyLimitScope: "Account" as const,
  newKeyPrefix: "sk-ws-",
};

export const REGIONS: Region[] = [
  { ...base, id: "cn-beijing", nameEn: "China (Beijing)", nameZh: "华北2（北京）", nameZhTw: "華北2（北京）", nameJa: "中国 (北京)", openapiHost: "modelstudio.cn-beijing.aliyuncs.com", ipv6Whitelist: true, workspaceHostSuffix: "cn-beijing.maas.aliyuncs.com" },
  { ...base, id: "ap-southeast-1", nameEn: "Singapore", nameZh: "新加坡", nameZhTw: "新加坡", nameJa: "シンガポール", openapiHost: "modelstudio.ap-southeast-1.aliyuncs.com", workspaceHostSuffix: "ap-southeast-1.maas.aliyuncs.com" },
  { ...base, id: "ap-northeast-1", nameEn: "Japan (Tokyo)", nameZh: "日本（东京）", nameZhTw: "日本（東京）", nameJa: "日本 (東京)", openapiHost: "modelstudio.ap-northeast-1.aliyuncs.com", workspaceHostSuffix: "ap-northeast-1.maas.aliyuncs.com" },
  { ...base, id: "cn-hongkong", nameEn: "China (Hong Kong)", nameZh: "中国香港", nameZhTw: "中國香港", nameJa: "中国 (香港)", openapiHost: "modelstudio.cn-hongkong.aliyuncs.com", workspaceHostSuffix: "cn-hongkong.maas.aliyuncs.com" },
  { ...base, id: "eu-central-1", nameEn: "Germany (Frankfurt)", nameZh: "德国（法兰克福）", nameZhTw: "德國（法蘭克福）", nameJa: "ドイツ (フランクフルト)", openapiHost: "modelstudio.eu-central-1.aliyuncs.com", workspaceHostSuffix: "eu-central-1.maas.aliyuncs.com" },
  { ...base, id: "us-east-1", nameEn: "US (Virginia)", nameZh: "美国（弗吉尼亚）", nameZhTw: "美國（維吉尼亞）", nameJa: "米国 (バージニア)", openapiHost: "modelstudio.us-east-1.aliyuncs.com", customPermissions: false, keyLimit: 20, keyLimitScope: "Owner", newKeyPrefix: "sk-", workspaceHostSuffix: "us-east-1.maas.aliyuncs.com" },
];

export const APP_INFO: AppInfo = { name: "Studio Keys", version: "0.1.0", regions: REGIONS, lang: "en", benchMode: false, trayUnavailable: null };

export function region(id: Region["id"]): Region {
  return REGIONS.find((r) => r.id === id)!;
}

let nextId = 1000;

export function makeKey(over: Partial<KeyView> = {}): KeyView {
  const id = nextId++;
  return {
    apiKeyId: String(id),
    region: "cn-beijing",
    maskedValue: `sk-ws-abc.${id}*****xyz`,
    description: `key ${id}`,
    format: "Workspace",
    legacy: false,
    workspaceId: "ws-default",
    workspaceName: "Default workspace",
    createdBy: "root",
    createdAt: 1_750_000_000_000 + id * 1000,
    enabled: true,
    permission: { type: "All", accessIps: [], allowAllModels: true, accessibleModels: [] },
    saved: "notSaved",
    reviewBy: null,
    reviewDue: false,
    ...over,
  };
}

export function makePage(keys: KeyView[], used = keys.length, limit = 50, scope: "Account" | "Owner" = "Account"): KeyPage {
  return { keys, totalCount: keys.length, quota: { used, limit, scope }, you: "root" };
}

export function oneTime(over: Partial<OneTimeKey> = {}): OneTimeKey {
  return {
    handle: "h-1",
    apiKeyId: "42",
    region: "cn-beijing",
    workspaceId: null,
    description: null,
    recovered: false,
    // Built at run time: obviously fake, never a real key.
    value: ["sk-ws", "TEST", "0".repeat(24)].join("-"),
    savedToKeychain: { saved: true, off: false, error: null },
    recoveredNote: null,
    ...over,
  };
}

/** An error as Rust throws it (and `ipc` passes it on): every detail field present. */
export function ipcError(code: ErrorCode, message: string, reason?: string): IpcError_Serialize {
  return {
    code,
    message,
    details: { reason: reason ?? null, requestId: "req-123", serverCode: null, httpStatus: null, technical: null },
  };
}

/** A profile as `ipc` hands it to the screens (Rust's view plus the sandbox flag). */
export function makeProfile(over: Partial<ProfileView> & Pick<ProfileView, "id" | "name">): ProfileView {
  const sandbox = over.sandbox ?? over.kind === "Sandbox";
  return {
    kind: sandbox ? "Sandbox" : "AlibabaCloud",
    accessKeyIdMasked: sandbox ? null : "LTAI****abcd",
    hasStsToken: false,
    defaultRegion: "cn-beijing",
    currentRegion: over.defaultRegion ?? "cn-beijing",
    defaultWorkspaces: [],
    preferences: { saveKeysOnCreate: true },
    active: false,
    sandbox,
    ...over,
  };
}
