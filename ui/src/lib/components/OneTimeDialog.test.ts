import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ipcError, oneTime } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";
import { settle } from "../../test/settle";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import { setLang } from "../i18n/index.svelte";
import { dialogs } from "../stores/dialogs.svelte";
import OneTimeDialog from "./OneTimeDialog.svelte";

function show(key = oneTime()) {
  dialogs.showOneTime(key, false);
  return render(OneTimeDialog, { props: { shown: dialogs.oneTime! } });
}

const closeButton = () => screen.getByTestId("one-time-close") as HTMLButtonElement;

beforeEach(() => {
  Object.assign(ipcMock, makeIpcMock());
  setLang("en");
});

describe("one-time display", () => {
  it("shows the full key once, with the warning", () => {
    const key = oneTime();
    show(key);
    expect(screen.getByTestId("one-time-value").textContent).toBe(key.value);
    expect(screen.getByTestId("one-time-dialog").textContent).toContain("will not be shown again");
    expect(screen.getByTestId("keychain-status").textContent).toContain("Saved in this computer's keychain");
  });

  it("says so when the value came from a second try after a lost answer", () => {
    show(oneTime({ recoveredNote: "The answer to the create was lost on the way." }));
    expect(screen.getByTestId("one-time-recovered").textContent).toContain("was lost on the way");
  });

  it("says nothing of the kind for an ordinary value", () => {
    show();
    expect(screen.queryByTestId("one-time-recovered")).toBeNull();
  });

  it("cannot be closed before the person confirms storing the key", async () => {
    show();
    expect(closeButton().disabled).toBe(true);
    await fireEvent.click(closeButton());
    await settle();
    expect(dialogs.oneTime).not.toBeNull();
    expect(ipcMock.oneTimeClose).not.toHaveBeenCalled();

    await fireEvent.click(screen.getByTestId("one-time-confirm"));
    expect(closeButton().disabled).toBe(false);
    await fireEvent.click(closeButton());
    expect(dialogs.oneTime).toBeNull();
    expect(ipcMock.oneTimeClose).toHaveBeenCalledWith("h-1");
  });

  it("asks before Esc closes it, and stays when the person goes back", async () => {
    show();
    await fireEvent.keyDown(window, { key: "Escape" });
    expect(screen.getByTestId("one-time-ask")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("one-time-ask-back"));
    expect(screen.queryByTestId("one-time-ask")).toBeNull();
    expect(dialogs.oneTime).not.toBeNull();

    await fireEvent.keyDown(window, { key: "Escape" });
    await fireEvent.click(screen.getByTestId("one-time-ask-close"));
    await vi.waitFor(() => expect(dialogs.oneTime).toBeNull());
    expect(ipcMock.oneTimeClose).toHaveBeenCalledWith("h-1");
  });

  it("copies through Rust, and says the clipboard was cleared only when Rust cleared it", async () => {
    vi.useFakeTimers();
    try {
      const pending = (seconds: number) => ({ clearsInSeconds: seconds, holdsSecret: true, lastClear: null });
      ipcMock.oneTimeCopy.mockResolvedValue(pending(3));
      ipcMock.clipboardStatus.mockResolvedValue(pending(2));
      show();
      await fireEvent.click(screen.getByTestId("one-time-copy"));
      await vi.waitFor(() => expect(screen.getByTestId("one-time-copied").textContent).toContain("clears in 3 s"));
      await vi.advanceTimersByTimeAsync(1000);
      expect(screen.getByTestId("one-time-copied").textContent).toContain("clears in 2 s");
      // Time is up on this side, but Rust has not cleared yet: no claim that it did.
      ipcMock.clipboardStatus.mockResolvedValue(pending(0));
      await vi.advanceTimersByTimeAsync(3000);
      expect(screen.getByTestId("one-time-copied").textContent).not.toContain("was cleared");
      ipcMock.clipboardStatus.mockResolvedValue({ clearsInSeconds: null, holdsSecret: false, lastClear: "cleared" });
      await vi.advanceTimersByTimeAsync(1000);
      expect(screen.getByTestId("one-time-copied").textContent).toContain("was cleared");
      expect(ipcMock.oneTimeCopy).toHaveBeenCalledWith("h-1");
    } finally {
      vi.useRealTimers();
    }
  });

  it("says when the person copied something else, so the clipboard was left alone", async () => {
    vi.useFakeTimers();
    try {
      ipcMock.oneTimeCopy.mockResolvedValue({ clearsInSeconds: 1, holdsSecret: true, lastClear: null });
      ipcMock.clipboardStatus.mockResolvedValue({ clearsInSeconds: null, holdsSecret: false, lastClear: "leftAlone" });
      show();
      await fireEvent.click(screen.getByTestId("one-time-copy"));
      await vi.advanceTimersByTimeAsync(1000);
      expect(screen.getByTestId("one-time-copied").textContent).toContain("left as it is");
    } finally {
      vi.useRealTimers();
    }
  });

  it("downloads through the save dialog and says where", async () => {
    ipcMock.oneTimeExport.mockResolvedValue("/home/me/key.env");
    show();
    await fireEvent.click(screen.getByTestId("one-time-download-env"));
    await vi.waitFor(() => expect(screen.getByTestId("one-time-saved-path").textContent).toContain("/home/me/key.env"));
    expect(ipcMock.oneTimeExport).toHaveBeenCalledWith("h-1", "env");
  });

  it("says plainly when the keychain could not keep the key", () => {
    show(oneTime({ savedToKeychain: { saved: false, off: false, error: ipcError("KeychainLocked", "The keychain is locked.") } }));
    const status = screen.getByTestId("keychain-status");
    expect(status.dataset.saved).toBe("false");
    expect(status.textContent).toContain("The keychain is locked.");
    expect(status.textContent).toContain("Store it yourself");
  });
});
