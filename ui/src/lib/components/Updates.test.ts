import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { APP_INFO, ipcError } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import { setLang } from "../i18n/index.svelte";
import { app } from "../stores/app.svelte";
import { dialogs } from "../stores/dialogs.svelte";
import { updates } from "../stores/updates.svelte";
import SettingsDialog from "./SettingsDialog.svelte";
import UpdateBanner from "./UpdateBanner.svelte";
import UpdateDialog from "./UpdateDialog.svelte";

const AVAILABLE = {
  state: "available",
  currentVersion: "0.1.0",
  version: "0.2.0",
  notes: "Faster lists.",
  date: "2026-12-01T00:00:00Z",
  install: "automatic",
};

beforeEach(() => {
  Object.assign(ipcMock, makeIpcMock());
  setLang("en");
  app.info = APP_INFO;
  Object.assign(updates, { state: "unknown", info: null, progress: null, checkError: null, bannerDismissed: false });
  updates.action.error = null;
  dialogs.current = null;
});

describe("updates", () => {
  it("an unreachable server is quiet: no banner, a note in Settings", async () => {
    ipcMock.updateCheck.mockRejectedValue(ipcError("Network", "The update server could not be reached."));
    await updates.check();
    render(UpdateBanner);
    expect(screen.queryByTestId("update-banner")).toBeNull();
    dialogs.current = { kind: "settings" };
    render(SettingsDialog);
    expect(screen.getByTestId("update-status").textContent).toBe("The update server could not be reached.");
  });

  it("a build without an update server says so in Settings", async () => {
    await updates.check();
    render(SettingsDialog);
    expect(screen.getByTestId("update-status").textContent).toContain("does not check for updates");
  });

  it("shows the new version and its notes, downloads with progress, then offers to install", async () => {
    ipcMock.updateCheck.mockResolvedValue(AVAILABLE);
    let finish: (v: null) => void = () => {};
    ipcMock.updateDownload.mockImplementation(async (...args: unknown[]) => {
      const onProgress = args[0] as (p: { received: number; total: number }) => void;
      onProgress({ received: 500_000, total: 1_000_000 });
      return new Promise<null>((r) => (finish = r));
    });
    await updates.check();
    render(UpdateBanner);
    expect(screen.getByTestId("update-banner").textContent).toContain("Studio Keys 0.2.0 is available.");
    await fireEvent.click(screen.getByTestId("update-open"));
    render(UpdateDialog);
    expect(screen.getByTestId("update-notes").textContent).toContain("Faster lists.");
    await fireEvent.click(screen.getByTestId("update-download"));
    await vi.waitFor(() => expect(screen.getByTestId("update-progress").textContent).toContain("0.5 MB of 1.0 MB"));
    expect(screen.queryByTestId("update-install")).toBeNull();
    finish(null);
    await vi.waitFor(() => expect(screen.getByTestId("update-verified")).toBeTruthy());
    await fireEvent.click(screen.getByTestId("update-install"));
    expect(ipcMock.updateInstall).toHaveBeenCalledOnce();
  });

  it("a refused download says why and offers to try again; nothing is installed", async () => {
    ipcMock.updateCheck.mockResolvedValue(AVAILABLE);
    ipcMock.updateDownload.mockRejectedValue(
      ipcError("BadResponse", "The downloaded update does not match its signature."),
    );
    await updates.check();
    dialogs.current = { kind: "update" };
    render(UpdateDialog);
    await fireEvent.click(screen.getByTestId("update-download"));
    await vi.waitFor(() => expect(screen.getByTestId("error-banner").textContent).toContain("does not match its signature"));
    expect(screen.getByTestId("update-download")).toBeTruthy();
    expect(screen.queryByTestId("update-install")).toBeNull();
    expect(ipcMock.updateInstall).not.toHaveBeenCalled();
  });
});

describe("updates, again", () => {
  beforeEach(() => {
    Object.assign(updates, { state: "unknown", info: null, progress: null, checkError: null, bannerDismissed: false });
  });

  it("a failed re-check keeps the update already downloaded and verified", async () => {
    ipcMock.updateCheck.mockResolvedValueOnce(AVAILABLE);
    await updates.check();
    await updates.download();
    expect(updates.state).toBe("ready");
    ipcMock.updateCheck.mockRejectedValueOnce(ipcError("Network", "The update server could not be reached."));
    await updates.check();
    expect(updates.state).toBe("ready");
    expect(updates.info?.version).toBe("0.2.0");
  });
});
