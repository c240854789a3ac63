import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { makeKey } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import { setLang } from "../i18n/index.svelte";
import { keys } from "../stores/keys.svelte";
import TempKeyDialog from "./TempKeyDialog.svelte";

const key = makeKey({ description: "Reporting", saved: "saved" });

beforeEach(() => {
  Object.assign(ipcMock, makeIpcMock());
  setLang("en");
  keys.context = { profileId: "p", region: "cn-beijing", workspaceId: null };
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-06-01T00:00:00Z"));
});
afterEach(() => vi.useRealTimers());

describe("temporary key", () => {
  it("defaults to 60 s, says it inherits permissions and cannot be revoked", () => {
    render(TempKeyDialog, { props: { key } });
    expect((screen.getByTestId("temp-ttl") as HTMLInputElement).value).toBe("60");
    const note = screen.getByTestId("temp-key-note").textContent!;
    expect(note).toContain("same permissions as “Reporting”");
    expect(note).toContain("cannot be revoked");
  });

  it("refuses a TTL outside 1..1800", async () => {
    render(TempKeyDialog, { props: { key } });
    for (const bad of ["0", "1801", "2.5"]) {
      await fireEvent.input(screen.getByTestId("temp-ttl"), { target: { value: bad } });
      expect(screen.getByTestId("temp-ttl-error")).toBeTruthy();
      expect((screen.getByTestId("temp-create") as HTMLButtonElement).disabled).toBe(true);
    }
    await fireEvent.input(screen.getByTestId("temp-ttl"), { target: { value: "1800" } });
    expect(screen.queryByTestId("temp-ttl-error")).toBeNull();
  });

  it("creates one, counts down live, copies it, and shows when it expired", async () => {
    const nowS = Date.now() / 1000;
    ipcMock.tempKeyCreate.mockResolvedValue({ handle: "t-1", expiresAt: nowS + 5 });
    ipcMock.tempKeyCopy.mockResolvedValue({ clearsInSeconds: 30 });
    render(TempKeyDialog, { props: { key } });
    await fireEvent.input(screen.getByTestId("temp-ttl"), { target: { value: "5" } });
    await fireEvent.click(screen.getByTestId("temp-create"));
    await vi.waitFor(() => expect(screen.getByTestId("temp-countdown").textContent).toBe("Expires in 5 s"));
    expect(ipcMock.tempKeyCreate).toHaveBeenCalledWith("cn-beijing", key.apiKeyId, 5);

    await vi.advanceTimersByTimeAsync(2000);
    expect(screen.getByTestId("temp-countdown").textContent).toBe("Expires in 3 s");
    await fireEvent.click(screen.getByTestId("temp-copy"));
    expect(ipcMock.tempKeyCopy).toHaveBeenCalledWith("t-1");

    await vi.advanceTimersByTimeAsync(3000);
    expect(screen.getByTestId("temp-expired")).toBeTruthy();
    expect(screen.queryByTestId("temp-copy")).toBeNull();
  });
});
