import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { APP_INFO, ipcError } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";
import { settle } from "../../test/settle";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import { currentLang, setLang } from "../i18n/index.svelte";
import { app } from "../stores/app.svelte";
import { dialogs } from "../stores/dialogs.svelte";
import { settings } from "../stores/settings.svelte";
import ConnectForm from "./ConnectForm.svelte";
import SettingsDialog from "./SettingsDialog.svelte";

beforeEach(() => {
  Object.assign(ipcMock, makeIpcMock());
  setLang("en");
  app.info = APP_INFO;
});

describe("connect an account", () => {
  it("requires a name, id and secret before sending anything", async () => {
    render(ConnectForm, { props: { ondone: () => {} } });
    await fireEvent.click(screen.getByTestId("connect-save"));
    await settle();
    expect(ipcMock.profileAdd).not.toHaveBeenCalled();
    expect(screen.getAllByText("Required.")).toHaveLength(3);
  });

  it("saves the pasted AccessKey, forgets the secret, and shows the test result", async () => {
    const profile = { id: "p1", name: "Work", active: false, sandbox: false };
    ipcMock.profileAdd.mockResolvedValue(profile);
    ipcMock.profilesList.mockResolvedValue([profile]);
    ipcMock.profileTest.mockResolvedValue({
      regions: [
        { region: "cn-beijing", ok: true },
        { region: "us-east-1", ok: false, error: ipcError("Forbidden", "This account may not do this.") },
      ],
      canManageKeys: false,
    });
    const ondone = vi.fn();
    render(ConnectForm, { props: { ondone } });
    const secret = ["fake", "secret", "for", "tests"].join("-");
    await fireEvent.input(screen.getByTestId("connect-name"), { target: { value: "Work" } });
    await fireEvent.input(screen.getByTestId("connect-ak-id"), { target: { value: "LTAI-test-id" } });
    await fireEvent.input(screen.getByTestId("connect-ak-secret"), { target: { value: secret } });
    await fireEvent.click(screen.getByTestId("connect-save"));
    await vi.waitFor(() => screen.getByTestId("connect-report"));
    expect(ipcMock.profileAdd).toHaveBeenCalledWith({
      name: "Work",
      accessKeyId: "LTAI-test-id",
      accessKeySecret: secret,
      securityToken: null,
      defaultRegion: "cn-beijing",
    });
    const report = screen.getByTestId("connect-report").textContent!;
    expect(report).toContain("China (Beijing): working");
    expect(report).toContain("US (Virginia): This account may not do this.");
    expect(report).toContain("may not manage API keys");
    await fireEvent.click(screen.getByTestId("connect-done"));
    expect(ondone).toHaveBeenCalledWith(profile);
  });

  it("offers credentials found on this computer without showing secrets", async () => {
    ipcMock.profileImportCandidates.mockResolvedValue([
      { id: "c1", source: "aliyunCli", label: "default", accessKeyIdMasked: "LTAI****abcd" },
    ]);
    render(ConnectForm, { props: { ondone: () => {} } });
    await fireEvent.click(screen.getByTestId("connect-tab-import"));
    const row = await vi.waitFor(() => screen.getByTestId("import-candidate-c1"));
    expect(row.textContent).toContain("aliyun CLI");
    expect(row.textContent).toContain("LTAI****abcd");
  });
});

describe("settings", () => {
  it("saves through Rust and switches the language at once", async () => {
    const storage = vi.spyOn(Storage.prototype, "setItem");
    settings.value = { lang: "system", clipboardClearSeconds: 30, theme: "system", welcomeDone: false, flagIdleKeys: true, closeToTray: false };
    ipcMock.settingsSet.mockImplementation(async (s: unknown) => s);
    dialogs.current = { kind: "settings" };
    render(SettingsDialog);
    await fireEvent.change(screen.getByTestId("lang-select"), { target: { value: "zh-CN" } });
    await fireEvent.change(screen.getByTestId("theme-select"), { target: { value: "light" } });
    await fireEvent.click(screen.getByTestId("settings-save"));
    await vi.waitFor(() => expect(currentLang()).toBe("zh-CN"));
    expect(ipcMock.settingsSet).toHaveBeenCalledWith({ lang: "zh-CN", clipboardClearSeconds: 30, theme: "light", welcomeDone: false, flagIdleKeys: true, closeToTray: false });
    expect(document.documentElement.dataset.theme).toBe("light");
    expect(storage).not.toHaveBeenCalled();
  });

  it("says which version is running", () => {
    dialogs.current = { kind: "settings" };
    render(SettingsDialog);
    expect(screen.getByTestId("about-version").textContent).toBe(`Studio Keys ${APP_INFO.version}`);
  });
});
