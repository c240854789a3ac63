// The saved-copy actions of a key's detail panel (copy as .env, save to file,
// forget, save a pasted key), the review date, and the storage banner,
// against mocked IPC.
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ipcError, makeKey, makePage } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";
import { settle } from "../../test/settle";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import type { KeyView } from "../ipc";
import { setLang } from "../i18n/index.svelte";
import { dialogs } from "../stores/dialogs.svelte";
import { keys } from "../stores/keys.svelte";
import KeyDetail from "./KeyDetail.svelte";
import PasteKeyDialog from "./PasteKeyDialog.svelte";
import StorageBanner from "./StorageBanner.svelte";

/** The key's detail panel, as a row's Enter or click opens it. */
async function showRow(k: KeyView): Promise<HTMLElement> {
  ipcMock.keysList.mockResolvedValue(makePage([k]));
  keys.forget();
  await keys.show({ profileId: "p", region: "cn-beijing", workspaceId: null });
  dialogs.detail = { region: k.region, apiKeyId: String(k.apiKeyId) };
  render(KeyDetail, { props: { detail: dialogs.detail } });
  return screen.getByTestId("detail-dialog");
}

// Built at run time: obviously fake, never a real key.
const fakeKey = (prefix: string) => [prefix, "TEST", "0".repeat(24)].join("");

beforeEach(() => {
  Object.assign(ipcMock, makeIpcMock());
  setLang("en");
  dialogs.current = null;
  dialogs.confirmation = null;
  dialogs.detail = null;
});

afterEach(() => {
  vi.useRealTimers();
});

describe("copy as .env line", () => {
  it("copies through Rust and counts the clipboard down", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const k = makeKey({ saved: "saved" });
    ipcMock.keyCopyEnv.mockResolvedValue({ clearsInSeconds: 30, holdsSecret: true, lastClear: null });
    ipcMock.clipboardStatus.mockResolvedValue({ clearsInSeconds: 27, holdsSecret: true, lastClear: null });
    const row = await showRow(k);
    await fireEvent.click(within(row).getByTestId("action-copy-env"));
    await vi.waitFor(() => within(row).getByTestId("copy-env-status"));
    expect(ipcMock.keyCopyEnv).toHaveBeenCalledWith("cn-beijing", k.apiKeyId);
    expect(within(row).getByTestId("copy-env-status").textContent).toContain("DASHSCOPE_API_KEY=");
    expect(within(row).getByTestId("copy-env-countdown").textContent).toContain("clears in 30 s");
    await vi.advanceTimersByTimeAsync(3000);
    expect(within(row).getByTestId("copy-env-countdown").textContent).toContain("clears in 27 s");
    ipcMock.clipboardStatus.mockResolvedValue({ clearsInSeconds: null, holdsSecret: false, lastClear: "failed" });
    await vi.advanceTimersByTimeAsync(30000);
    expect(within(row).getByTestId("copy-env-countdown").textContent).toContain("could not be cleared");
  });

  it("is absent without a saved copy, which can be pasted instead", async () => {
    const row = await showRow(makeKey({ saved: "notSaved" }));
    expect(within(row).getByTestId("detail-saved-state").textContent).toContain("no copy of this key");
    for (const absent of ["action-copy-saved", "action-copy-env", "action-export", "action-temp-key", "action-forget"])
      expect(within(row).queryByTestId(absent)).toBeNull();
    await fireEvent.click(within(row).getByTestId("action-save-pasted"));
    expect(dialogs.current?.kind).toBe("paste");
  });
});

describe("forget the saved copy", () => {
  it("asks first, does nothing on cancel, and drops the saved badge when confirmed", async () => {
    const k = makeKey({ saved: "saved", description: "Payroll bot" });
    const row = await showRow(k);
    expect(within(row).queryByTestId("action-save-pasted")).toBeNull();
    await fireEvent.click(within(row).getByTestId("action-forget"));
    expect(dialogs.confirmation?.body).toContain("Payroll bot");
    expect(dialogs.confirmation?.body).toContain("keeps working");
    dialogs.answer(false);
    await settle();
    expect(ipcMock.keyForget).not.toHaveBeenCalled();
    expect(within(row).getByTestId("saved-badge")).toBeTruthy();

    await fireEvent.click(within(row).getByTestId("action-forget"));
    dialogs.answer(true);
    await vi.waitFor(() => expect(within(row).queryByTestId("saved-badge")).toBeNull());
    expect(ipcMock.keyForget).toHaveBeenCalledWith("cn-beijing", k.apiKeyId);
    expect(within(row).getByTestId("action-save-pasted")).toBeTruthy();
  });
});

describe("save to file", () => {
  it("warns about plain text, exports through Rust's dialog and shows the path", async () => {
    const k = makeKey({ saved: "saved" });
    ipcMock.keyExport.mockResolvedValue("/home/you/project/.env");
    const row = await showRow(k);
    await fireEvent.click(within(row).getByTestId("action-export"));
    expect(within(row).getByTestId("export-choice").textContent).toContain("plain text");
    await fireEvent.click(within(row).getByTestId("export-env"));
    await vi.waitFor(() => within(row).getByTestId("export-path"));
    expect(ipcMock.keyExport).toHaveBeenCalledWith("cn-beijing", k.apiKeyId, "env");
    const shown = within(row).getByTestId("export-path").textContent!;
    expect(shown).toContain("/home/you/project/.env");
    expect(shown).toContain("plain text");
  });

  it("shows nothing when the save dialog is cancelled", async () => {
    ipcMock.keyExport.mockResolvedValue(null);
    const row = await showRow(makeKey({ saved: "saved" }));
    await fireEvent.click(within(row).getByTestId("action-export"));
    await fireEvent.click(within(row).getByTestId("export-txt"));
    await vi.waitFor(() => expect(ipcMock.keyExport).toHaveBeenCalled());
    expect(within(row).queryByTestId("export-path")).toBeNull();
    expect(within(row).getByTestId("export-choice")).toBeTruthy();
  });
});

describe("save a pasted key", () => {
  async function openPaste(k: KeyView) {
    await showRow(k);
    render(PasteKeyDialog, { props: { key: k } });
    return screen.getByTestId("paste-input") as HTMLInputElement;
  }

  it("sends the value once, then clears it from the input and marks the key saved", async () => {
    const k = makeKey({ saved: "notSaved" });
    ipcMock.keySavePasted.mockResolvedValue("Workspace");
    dialogs.current = { kind: "paste", key: k };
    const input = await openPaste(k);
    expect(input.type).toBe("password");
    const value = fakeKey("sk-ws-");
    await fireEvent.input(input, { target: { value } });
    await fireEvent.click(screen.getByTestId("paste-submit"));
    await vi.waitFor(() => expect(dialogs.current).toBeNull());
    expect(ipcMock.keySavePasted).toHaveBeenCalledTimes(1);
    expect(ipcMock.keySavePasted).toHaveBeenCalledWith("cn-beijing", k.apiKeyId, value);
    expect(input.value).toBe("");
    expect(keys.keys.find((x) => x.apiKeyId === k.apiKeyId)?.saved).toBe("saved");
  });

  it("clears the value even when Rust refuses it, and shows the reason", async () => {
    const k = makeKey({ saved: "notSaved" });
    ipcMock.keySavePasted.mockRejectedValue(ipcError("InvalidInput", "This is not an API key value.", "paste_not_a_key"));
    const input = await openPaste(k);
    await fireEvent.input(input, { target: { value: "not-a-key-value" } });
    await fireEvent.click(screen.getByTestId("paste-submit"));
    await vi.waitFor(() => screen.getByTestId("error-banner"));
    expect(screen.getByTestId("error-banner").textContent).toContain("not an API key");
    expect(input.value).toBe("");
  });

  it.each([
    ["sk-sp-", "paste_plan_key", "Coding Plan"],
    ["st-", "paste_temporary_key", "temporary key"],
  ])("refuses %s keys before sending, saying why", async (prefix, reason, words) => {
    const input = await openPaste(makeKey({ saved: "notSaved" }));
    await fireEvent.input(input, { target: { value: fakeKey(prefix) } });
    const refusal = screen.getByTestId("paste-refusal");
    expect(refusal.dataset.reason).toBe(reason);
    expect(refusal.textContent).toContain(words);
    expect((screen.getByTestId("paste-submit") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.submit(input.form!);
    await settle();
    expect(ipcMock.keySavePasted).not.toHaveBeenCalled();
  });
});

describe("detail panel", () => {
  it("shows every field and the permission block, and runs the check the menu asked for", async () => {
    const k = makeKey({
      saved: "saved",
      createdBy: "root",
      permission: { type: "Custom", accessIps: ["10.0.0.0/24"], allowAllModels: false, accessibleModels: ["qwen-plus"] },
    });
    ipcMock.keyVerify.mockResolvedValue({ outcome: "wrongRegion", latencyMs: 87 });
    ipcMock.keysList.mockResolvedValue(makePage([k]));
    keys.forget();
    await keys.show({ profileId: "p", region: "cn-beijing", workspaceId: null });
    render(KeyDetail, { props: { detail: { region: k.region, apiKeyId: String(k.apiKeyId), task: "verify" } } });
    const panel = screen.getByTestId("detail-dialog");
    expect(within(panel).getByTestId("detail-id").textContent).toBe(String(k.apiKeyId));
    expect(within(panel).getByTestId("detail-masked").textContent).toBe(k.maskedValue);
    expect(within(panel).getByTestId("detail-creator").textContent).toContain("(you)");
    const permission = within(panel).getByTestId("detail-permission").textContent!;
    expect(permission).toContain("10.0.0.0/24");
    expect(permission).toContain("qwen-plus");
    await vi.waitFor(() =>
      expect(within(panel).getByTestId("verify-result").textContent).toBe("This key belongs to another region (87 ms)"),
    );
    expect(ipcMock.keyVerify).toHaveBeenCalledTimes(1);
  });

  it("keeps a review date on this computer, flags the key when it has come, and can remove it", async () => {
    const k = makeKey({ description: "Payroll bot" });
    const panel = await showRow(k);
    expect(within(panel).queryByTestId("review-clear")).toBeNull();
    await fireEvent.input(within(panel).getByTestId("review-date"), { target: { value: "2020-01-31" } });
    await fireEvent.click(within(panel).getByTestId("review-save"));
    await vi.waitFor(() => within(panel).getByTestId("review-due-note"));
    expect(ipcMock.keySetReviewDate).toHaveBeenCalledWith("cn-beijing", k.apiKeyId, "2020-01-31", "Payroll bot");
    expect(keys.find("cn-beijing", String(k.apiKeyId))?.reviewDue).toBe(true);
    expect(ipcMock.reviewsDue).toHaveBeenCalled();
    await fireEvent.click(within(panel).getByTestId("review-clear"));
    await vi.waitFor(() => expect(within(panel).queryByTestId("review-due-note")).toBeNull());
    expect(ipcMock.keySetReviewDate).toHaveBeenLastCalledWith("cn-beijing", k.apiKeyId, null, "Payroll bot");
    expect(keys.find("cn-beijing", String(k.apiKeyId))?.reviewBy).toBeNull();
  });

  it("closes itself when its key is gone", async () => {
    const k = makeKey();
    await showRow(k);
    ipcMock.keysList.mockResolvedValue(makePage([]));
    await keys.refresh();
    await vi.waitFor(() => expect(dialogs.detail).toBeNull());
  });
});

describe("storage banner", () => {
  it("says the keychain is unusable, in Rust's words", async () => {
    ipcMock.storageStatus.mockResolvedValue({
      keychainError: ipcError("KeychainUnavailable", "No Secret Service answers. Start GNOME Keyring."),
      settingsMovedAside: null,
      configDir: "/c",
      dataDir: "/d",
    });
    render(StorageBanner);
    const banner = await vi.waitFor(() => screen.getByTestId("storage-banner"));
    expect(banner.textContent).toContain("cannot be saved on this computer");
    expect(within(banner).getByTestId("storage-keychain").textContent).toContain("Start GNOME Keyring");
    expect(within(banner).queryByTestId("storage-moved-aside")).toBeNull();
  });

  it("says where a corrupt settings file went, until dismissed", async () => {
    ipcMock.storageStatus.mockResolvedValue({
      keychainError: null,
      settingsMovedAside: { path: "/c/settings.json.corrupt-1", problem: "expected value at line 1" },
      configDir: "/c",
      dataDir: "/d",
    });
    render(StorageBanner);
    const part = await vi.waitFor(() => screen.getByTestId("storage-moved-aside"));
    expect(part.textContent).toContain("/c/settings.json.corrupt-1");
    expect(part.textContent).toContain("expected value at line 1");
    await fireEvent.click(within(part).getByRole("button"));
    expect(screen.queryByTestId("storage-banner")).toBeNull();
  });

  it("shows nothing when storage is fine", async () => {
    render(StorageBanner);
    await vi.waitFor(() => expect(ipcMock.storageStatus).toHaveBeenCalled());
    await settle();
    expect(screen.queryByTestId("storage-banner")).toBeNull();
  });
});
