import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { APP_INFO, ipcError, makeKey, makePage, makeProfile } from "./test/fixtures";
import { makeIpcMock } from "./test/ipcMock";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("./lib/ipc", async (orig) => ({ ...(await orig<typeof import("./lib/ipc")>()), ipc: ipcMock }));

import type { KeyPage, ProfileView } from "./lib/ipc";
import App from "./App.svelte";
import { keys } from "./lib/stores/keys.svelte";

const sandbox: ProfileView = makeProfile({ id: "sandbox", name: "Sandbox", active: true, sandbox: true, currentRegion: "cn-beijing", defaultRegion: "cn-beijing" });
const work: ProfileView = makeProfile({ id: "p-work", name: "Work", active: false, sandbox: false, currentRegion: "ap-southeast-1", defaultRegion: "cn-beijing" });

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

beforeEach(() => {
  Object.assign(ipcMock, makeIpcMock());
  keys.forget();
  ipcMock.appInfo.mockResolvedValue(APP_INFO);
  ipcMock.settingsGet.mockResolvedValue({ lang: "en", clipboardClearSeconds: 30, theme: "system", welcomeDone: false, flagIdleKeys: true, closeToTray: false });
  ipcMock.workspacesList.mockResolvedValue([{ workspaceId: "ws-default", workspaceName: "Main", isDefault: true }]);
});

describe("app", () => {
  it("opens on the sandbox with the first-run screen, then shows the list", async () => {
    ipcMock.profilesList.mockResolvedValue([sandbox]);
    ipcMock.profileActivate.mockResolvedValue(sandbox);
    ipcMock.keysList.mockResolvedValue(makePage([]));
    render(App);
    await vi.waitFor(() => expect(screen.getByTestId("first-run")).toBeTruthy());
    expect(screen.getByTestId("sandbox-badge").textContent).toBe("Sandbox");
    expect(screen.getByTestId("first-run-connect").textContent).toBe("Connect your Alibaba Cloud account");
    await fireEvent.click(screen.getByTestId("first-run-sandbox"));
    expect(screen.getByTestId("empty-state")).toBeTruthy();
    // The choice is recorded in Rust, so the next launch opens on the list.
    expect(ipcMock.profileActivate).toHaveBeenCalledWith("sandbox");
  });

  it("opens on the list once the welcome screen has been answered", async () => {
    ipcMock.settingsGet.mockResolvedValue({ lang: "en", clipboardClearSeconds: 30, theme: "system", welcomeDone: true, flagIdleKeys: true, closeToTray: false });
    ipcMock.profilesList.mockResolvedValue([sandbox]);
    ipcMock.keysList.mockResolvedValue(makePage([]));
    render(App);
    await vi.waitFor(() => expect(screen.getByTestId("empty-state")).toBeTruthy());
    expect(screen.queryByTestId("first-run")).toBeNull();
  });

  it("names all six regions in the current language", async () => {
    ipcMock.settingsGet.mockResolvedValue({ lang: "zh-CN", clipboardClearSeconds: 30, theme: "dark", welcomeDone: false, flagIdleKeys: true, closeToTray: false });
    ipcMock.profilesList.mockResolvedValue([{ ...work, active: true }, sandbox]);
    ipcMock.keysList.mockResolvedValue(makePage([]));
    render(App);
    const select = await vi.waitFor(() => screen.getByTestId("region-switcher") as HTMLSelectElement);
    const names = within(select).getAllByRole("option").map((o) => o.textContent);
    expect(names).toEqual(["全部地域", "华北2（北京）", "新加坡", "日本（东京）", "中国香港", "德国（法兰克福）", "美国（弗吉尼亚）"]);
    // Opens on the profile's last region.
    expect(select.value).toBe("ap-southeast-1");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(screen.queryByTestId("sandbox-badge")).toBeNull();
  });

  it("switches region with Ctrl+digit, remembers it, and shows the cached list at once on the way back", async () => {
    const beijingKey = makeKey({ description: "beijing key" });
    const tokyoKey = makeKey({ description: "tokyo key" });
    ipcMock.profilesList.mockResolvedValue([{ ...work, active: true, currentRegion: "cn-beijing" }]);
    ipcMock.keysList.mockImplementation(async (region: string) =>
      makePage(region === "cn-beijing" ? [beijingKey] : [tokyoKey]),
    );
    render(App);
    await vi.waitFor(() => screen.getByTestId(`key-row-${beijingKey.apiKeyId}`));

    await fireEvent.keyDown(window, { key: "3", code: "Digit3", ctrlKey: true });
    await vi.waitFor(() => screen.getByTestId(`key-row-${tokyoKey.apiKeyId}`));
    expect(ipcMock.profileSetRegion).toHaveBeenCalledWith("ap-northeast-1");
    expect((screen.getByTestId("region-switcher") as HTMLSelectElement).value).toBe("ap-northeast-1");

    // On the way back the cached Beijing list is there at once, and its
    // refresh is asked for only after that paint (it hangs here: the list stays).
    const pending = deferred<KeyPage>();
    ipcMock.keysList.mockReturnValue(pending.promise);
    const asked = ipcMock.keysList.mock.calls.length;
    await fireEvent.keyDown(window, { key: "1", code: "Digit1", metaKey: true });
    expect(screen.getByTestId(`key-row-${beijingKey.apiKeyId}`)).toBeTruthy();
    expect(ipcMock.keysList.mock.calls.length).toBe(asked);
    await vi.waitFor(() => expect(screen.getByTestId("refresh").textContent).toContain("Refreshing"));
    expect(ipcMock.keysList).toHaveBeenLastCalledWith("cn-beijing", null);
    expect(screen.getByTestId(`key-row-${beijingKey.apiKeyId}`)).toBeTruthy();
    pending.resolve(makePage([beijingKey]));
  });

  it("keeps the screen when a region's refresh fails with a network error", async () => {
    const k = makeKey({ description: "kept" });
    ipcMock.profilesList.mockResolvedValue([{ ...work, active: true, currentRegion: "cn-beijing" }]);
    ipcMock.keysList.mockResolvedValueOnce(makePage([k]));
    render(App);
    await vi.waitFor(() => screen.getByTestId(`key-row-${k.apiKeyId}`));
    ipcMock.keysList.mockRejectedValue(ipcError("Network", "The server could not be reached."));
    await fireEvent.click(screen.getByTestId("refresh"));
    await vi.waitFor(() => screen.getByTestId("error-banner"));
    expect(screen.getByTestId(`key-row-${k.apiKeyId}`)).toBeTruthy();
  });

  it("says so when the app cannot start, and can try again", async () => {
    // What `ipc` throws when Tauri itself fails the call (ipc.test.ts covers the normalising).
    ipcMock.appInfo.mockRejectedValueOnce({
      code: "Internal",
      message: "Studio Keys could not start.",
      details: { technical: "command app_info not found" },
    });
    ipcMock.profilesList.mockResolvedValue([sandbox]);
    ipcMock.keysList.mockResolvedValue(makePage([]));
    render(App);
    await vi.waitFor(() => screen.getByTestId("error-banner"));
    expect(screen.getByTestId("error-banner").textContent).toContain("Studio Keys could not start.");
    await fireEvent.click(screen.getByTestId("error-details"));
    expect(screen.getByTestId("error-details-body").textContent).toContain("command app_info not found");
    await fireEvent.click(screen.getByText("Try again"));
    await vi.waitFor(() => screen.getByTestId("first-run"));
  });
});
