import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { makeIpcMock } from "../../test/ipcMock";
import { settle } from "../../test/settle";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import { setLang } from "../i18n/index.svelte";
import InterruptedBanner from "./InterruptedBanner.svelte";

beforeEach(() => {
  Object.assign(ipcMock, makeIpcMock());
  setLang("en");
});

const recovered = {
  region: "cn-beijing" as const,
  apiKeyId: "7",
  reason: "intent_create_recovered",
  message: "An earlier run stopped while creating the key “ci”. The key was made (ID 7); its value is saved in your keychain.",
  saved: true,
};

describe("what an interrupted run left behind", () => {
  it("says nothing when nothing was left", async () => {
    const settled = vi.fn();
    render(InterruptedBanner, { props: { onsettled: settled } });
    await vi.waitFor(() => expect(ipcMock.intentsResume).toHaveBeenCalled());
    await settle();
    expect(screen.queryByTestId("interrupted-banner")).toBeNull();
    expect(settled).not.toHaveBeenCalled();
  });

  it("shows Rust's message until dismissed, and refreshes the list for a recovered value", async () => {
    ipcMock.intentsResume.mockResolvedValue([recovered]);
    const settled = vi.fn();
    render(InterruptedBanner, { props: { onsettled: settled } });
    const notice = await screen.findByTestId("interrupted-notice");
    expect(notice.dataset.reason).toBe("intent_create_recovered");
    expect(notice.textContent).toContain("saved in your keychain");
    expect(settled).toHaveBeenCalledOnce();
    await fireEvent.click(screen.getByText("Dismiss"));
    expect(screen.queryByTestId("interrupted-banner")).toBeNull();
  });

  it("does not refresh when nothing was saved", async () => {
    ipcMock.intentsResume.mockResolvedValue([{ ...recovered, reason: "intent_create_none", saved: false, apiKeyId: null }]);
    const settled = vi.fn();
    render(InterruptedBanner, { props: { onsettled: settled } });
    await screen.findByTestId("interrupted-notice");
    await settle();
    expect(settled).not.toHaveBeenCalled();
  });
});
