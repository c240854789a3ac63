import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ipcError, makeKey, makePage } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";
import { settle } from "../../test/settle";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import type { KeyPage } from "../ipc";
import { setLang } from "../i18n/index.svelte";
import { dialogs } from "../stores/dialogs.svelte";
import { keys } from "../stores/keys.svelte";
import KeyList from "./KeyList.svelte";

async function showList(page: KeyPage, region: "cn-beijing" | "us-east-1" = "cn-beijing") {
  ipcMock.keysList.mockResolvedValue(page);
  keys.forget();
  render(KeyList);
  await keys.show({ profileId: "p", region, workspaceId: null });
}

beforeEach(() => {
  Object.assign(ipcMock, makeIpcMock());
  setLang("en");
  dialogs.current = null;
  dialogs.confirmation = null;
});

describe("key list", () => {
  it("shows the quota and disables Create at the limit, saying why", async () => {
    await showList(makePage([makeKey()], 50, 50));
    expect(screen.getByTestId("quota-meter").textContent).toContain("50 / 50");
    expect((screen.getByTestId("create-key") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("quota-full").textContent).toContain("limit of 50 keys is reached");
  });

  it("keeps Create available below the limit", async () => {
    await showList(makePage([makeKey()], 12, 50));
    expect(screen.getByTestId("quota-meter").textContent).toContain("12 / 50");
    expect((screen.getByTestId("create-key") as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByTestId("quota-full")).toBeNull();
  });

  it("counts per owner in Virginia", async () => {
    await showList(makePage([makeKey()], 3, 20, "Owner"), "us-east-1");
    expect(screen.getByTestId("quota-meter").textContent).toContain("3 / 20 keys created by you");
  });

  it("shows an empty state", async () => {
    await showList(makePage([]));
    expect(screen.getByTestId("empty-state").textContent).toContain("No API keys here yet");
  });

  it("keeps the last good list on screen when a refresh fails", async () => {
    const k = makeKey({ description: "still here" });
    await showList(makePage([k]));
    ipcMock.keysList.mockRejectedValue(ipcError("Network", "The server could not be reached. Check the connection."));
    await keys.refresh();
    await vi.waitFor(() => expect(screen.getByTestId("error-banner").textContent).toContain("could not be reached"));
    expect(screen.getByTestId(`key-row-${k.apiKeyId}`).textContent).toContain("still here");
    expect(screen.getByTestId("error-banner").textContent).toContain("last list");
  });

  it("pages beyond 50 keys", async () => {
    const many = Array.from({ length: 120 }, () => makeKey());
    await showList(makePage(many, 50, 50));
    const rows = () => within(screen.getByTestId("key-list")).getAllByRole("listitem").filter((li) => li.dataset.testid?.startsWith("key-row-"));
    // The rows that fill the window come first, the rest a frame later.
    expect(rows()).toHaveLength(12);
    await vi.waitFor(() => expect(rows()).toHaveLength(50));
    // A search over the same list keeps every row at once: only a new list is staged.
    await fireEvent.input(screen.getByTestId("key-search"), { target: { value: " " } });
    await fireEvent.input(screen.getByTestId("key-search"), { target: { value: "" } });
    expect(rows()).toHaveLength(50);
    expect(screen.getByTestId("page-status").textContent).toBe("1–50 of 120");
    await fireEvent.click(screen.getByTestId("page-next"));
    await fireEvent.click(screen.getByTestId("page-next"));
    await vi.waitFor(() => expect(rows()).toHaveLength(20));
    expect(screen.getByTestId("page-status").textContent).toBe("101–120 of 120");
  });

  it("searches by description and sorts", async () => {
    const a = makeKey({ description: "Website bot", createdAt: 1 });
    const b = makeKey({ description: "Batch jobs", createdAt: 3 });
    const c = makeKey({ description: "website staging", createdAt: 2 });
    await showList(makePage([a, b, c]));
    const ids = () => within(screen.getByTestId("key-list")).getAllByRole("heading").map((h) => h.textContent);
    expect(ids()).toEqual(["Batch jobs", "website staging", "Website bot"]);
    await fireEvent.input(screen.getByTestId("key-search"), { target: { value: "WEBSITE" } });
    expect(ids()).toEqual(["website staging", "Website bot"]);
    await fireEvent.change(screen.getByTestId("key-sort"), { target: { value: "oldest" } });
    expect(ids()).toEqual(["Website bot", "website staging"]);
    await fireEvent.input(screen.getByTestId("key-search"), { target: { value: "nothing" } });
    expect(screen.getByTestId("no-match").textContent).toContain("nothing");
  });

  it("summarizes permissions and shows the badges", async () => {
    const custom = makeKey({
      saved: "saved",
      permission: { type: "Custom", accessIps: ["1.1.1.1", "2.2.2.0/24", "3.3.3.3"], allowAllModels: false, accessibleModels: ["a", "b"] },
    });
    const legacy = makeKey({ format: "Legacy", legacy: true, maskedValue: "sk-abc*****def" });
    await showList(makePage([custom, legacy]));
    const row = screen.getByTestId(`key-row-${custom.apiKeyId}`);
    expect(within(row).getByTestId("permission-summary").textContent).toBe("Custom: 3 IPs, 2 models");
    expect(within(row).getByTestId("saved-badge").textContent).toBe("saved on this computer");
    expect(within(row).queryByTestId("legacy-badge")).toBeNull();
    const old = screen.getByTestId(`key-row-${legacy.apiKeyId}`);
    expect(within(old).getByTestId("permission-summary").textContent).toBe("All");
    expect(within(old).getByTestId("legacy-badge").textContent).toContain("replacing it is recommended");
    expect((within(old).getByTestId("action-copy-saved") as HTMLButtonElement).disabled).toBe(true);
  });

  it("flags a saved copy that failed its check, and offers to paste it again", async () => {
    const k = makeKey({ saved: "stale" });
    await showList(makePage([k]));
    const row = screen.getByTestId(`key-row-${k.apiKeyId}`);
    expect(within(row).getByTestId("saved-badge").dataset.stale).toBe("true");
    expect(within(row).getByTestId("action-save-pasted")).toBeTruthy();
    expect(within(row).getByTestId("action-forget")).toBeTruthy();
    expect((within(row).getByTestId("action-copy-saved") as HTMLButtonElement).disabled).toBe(false);
  });
});

describe("row actions", () => {
  it("asks before deleting, naming the key, and removes it when confirmed", async () => {
    const k = makeKey({ description: "Payroll bot" });
    await showList(makePage([k], 1));
    await fireEvent.click(within(screen.getByTestId(`key-row-${k.apiKeyId}`)).getByTestId("action-delete"));
    expect(dialogs.confirmation?.body).toContain("Payroll bot");
    expect(dialogs.confirmation?.body).toContain("stop working");
    expect(ipcMock.keyDelete).not.toHaveBeenCalled();
    ipcMock.keysList.mockResolvedValue(makePage([], 0));
    dialogs.answer(true);
    await vi.waitFor(() => expect(screen.queryByTestId(`key-row-${k.apiKeyId}`)).toBeNull());
    expect(ipcMock.keyDelete).toHaveBeenCalledWith("cn-beijing", k.apiKeyId);
  });

  it("does nothing when a reset is cancelled, and shows the new value when confirmed", async () => {
    const k = makeKey();
    await showList(makePage([k]));
    const row = screen.getByTestId(`key-row-${k.apiKeyId}`);
    await fireEvent.click(within(row).getByTestId("action-reset"));
    expect(dialogs.confirmation?.body).toContain("stops working at once");
    dialogs.answer(false);
    await settle();
    expect(ipcMock.keyReset).not.toHaveBeenCalled();
    expect(dialogs.oneTime).toBeNull();

    ipcMock.keyReset.mockResolvedValue({ handle: "h-9", apiKeyId: k.apiKeyId, value: "x", savedToKeychain: { saved: true } });
    await fireEvent.click(within(row).getByTestId("action-reset"));
    dialogs.answer(true);
    await vi.waitFor(() => expect(dialogs.oneTime?.reset).toBe(true));
    expect(dialogs.oneTime?.key.handle).toBe("h-9");
  });

  it("shows the verify outcome with its latency", async () => {
    const k = makeKey({ saved: "saved" });
    ipcMock.keyVerify.mockResolvedValue({ outcome: "wrongRegion", latencyMs: 87 });
    await showList(makePage([k]));
    const row = screen.getByTestId(`key-row-${k.apiKeyId}`);
    await fireEvent.click(within(row).getByTestId("action-verify"));
    await vi.waitFor(() => expect(within(row).getByTestId("verify-result").textContent).toBe("This key belongs to another region (87 ms)"));
  });

  it("shows a failed action's error in the row instead of failing silently", async () => {
    const k = makeKey({ enabled: false });
    ipcMock.keySetEnabled.mockRejectedValue(ipcError("Conflict", "The key is already enabled."));
    await showList(makePage([k]));
    const row = screen.getByTestId(`key-row-${k.apiKeyId}`);
    await fireEvent.click(within(row).getByTestId("action-enable"));
    await vi.waitFor(() => expect(within(row).getByTestId("error-banner").textContent).toContain("already enabled"));
    expect(within(row).getByTestId("action-enable")).toBeTruthy();
  });
});
