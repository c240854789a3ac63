// The key table: quota and Create, search and order, the columns and badges,
// drawing only the rows in view, the keyboard, the row menu and its actions,
// and the all-regions list with a region that failed. Against mocked IPC.
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ipcError, makeKey, makePage } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";
import { settle } from "../../test/settle";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import type { KeyPage, KeyView } from "../ipc";
import { setLang } from "../i18n/index.svelte";
import { app } from "../stores/app.svelte";
import { dialogs } from "../stores/dialogs.svelte";
import { keys } from "../stores/keys.svelte";
import { APP_INFO } from "../../test/fixtures";
import KeyList from "./KeyList.svelte";

async function showList(page: KeyPage, region: "cn-beijing" | "us-east-1" = "cn-beijing") {
  ipcMock.keysList.mockResolvedValue(page);
  keys.forget();
  render(KeyList);
  await keys.show({ profileId: "p", region, workspaceId: null });
}

const row = (k: KeyView) => screen.getByTestId(`key-row-${k.apiKeyId}`);
const descriptions = () =>
  screen.queryAllByTestId(/^key-row-/).map((r) => r.querySelector("td")?.textContent?.trim());

async function openMenu(k: KeyView): Promise<HTMLElement> {
  await fireEvent.click(within(row(k)).getByTestId("row-menu"));
  return within(row(k)).getByTestId("key-menu");
}

beforeEach(() => {
  Object.assign(ipcMock, makeIpcMock());
  app.info = APP_INFO;
  setLang("en");
  dialogs.current = null;
  dialogs.confirmation = null;
  dialogs.detail = null;
});

afterEach(() => {
  vi.restoreAllMocks();
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
    expect(row(k).textContent).toContain("still here");
    expect(screen.getByTestId("error-banner").textContent).toContain("last list");
  });

  it("is a table with column headers that knows how many rows it has", async () => {
    const list = Array.from({ length: 3 }, () => makeKey());
    await showList(makePage(list));
    const table = screen.getByRole("table");
    const headers = within(table).getAllByRole("columnheader").map((h) => h.textContent?.trim());
    expect(headers.slice(0, 6)).toEqual(["Description", "Key", "Workspace", "Permission", "Status", "Created"]);
    expect(table.getAttribute("aria-rowcount")).toBe("4");
    expect(row(list[0]).getAttribute("aria-rowindex")).not.toBeNull();
  });

  it("searches by description, ID or key ending, and sorts", async () => {
    const a = makeKey({ description: "Website bot", createdAt: 1 });
    const b = makeKey({ description: "Batch jobs", createdAt: 3, maskedValue: "sk-ws-abc*****zzq9" });
    const c = makeKey({ description: "website staging", createdAt: 2 });
    await showList(makePage([a, b, c]));
    expect(descriptions()).toEqual(["Batch jobs", "website staging", "Website bot"]);
    await fireEvent.input(screen.getByTestId("key-search"), { target: { value: "WEBSITE" } });
    expect(descriptions()).toEqual(["website staging", "Website bot"]);
    await fireEvent.change(screen.getByTestId("key-sort"), { target: { value: "oldest" } });
    expect(descriptions()).toEqual(["Website bot", "website staging"]);
    await fireEvent.input(screen.getByTestId("key-search"), { target: { value: "zzq9" } });
    expect(descriptions()).toEqual(["Batch jobs"]);
    await fireEvent.input(screen.getByTestId("key-search"), { target: { value: String(c.apiKeyId) } });
    expect(descriptions()).toEqual(["website staging"]);
    await fireEvent.input(screen.getByTestId("key-search"), { target: { value: "nothing" } });
    expect(screen.getByTestId("no-match").textContent).toContain("nothing");
  });

  it("goes to the search box with Ctrl+F, its text selected", async () => {
    await showList(makePage([makeKey({ description: "one" })]));
    const box = screen.getByTestId("key-search") as HTMLInputElement;
    await fireEvent.input(box, { target: { value: "old search" } });
    box.blur();
    await fireEvent.keyDown(window, { key: "f", code: "KeyF", ctrlKey: true });
    expect(document.activeElement).toBe(box);
    expect([box.selectionStart, box.selectionEnd]).toEqual([0, "old search".length]);
  });

  it("summarizes permissions, shows the badges and says 'you' for your own keys", async () => {
    const custom = makeKey({
      saved: "saved",
      createdBy: "root",
      permission: { type: "Custom", accessIps: ["1.1.1.1", "2.2.2.0/24", "3.3.3.3"], allowAllModels: false, accessibleModels: ["a", "b"] },
    });
    const legacy = makeKey({ format: "Legacy", legacy: true, maskedValue: "sk-abc*****def", createdBy: "ram-user-7" });
    const due = makeKey({ reviewBy: "2026-01-01", reviewDue: true });
    await showList(makePage([custom, legacy, due]));
    expect(within(row(custom)).getByTestId("permission-summary").textContent).toBe("Custom: 3 IPs, 2 models");
    expect(within(row(custom)).getByTestId("saved-badge").textContent).toBe("Saved");
    expect(within(row(custom)).queryByTestId("legacy-badge")).toBeNull();
    expect(within(row(custom)).getByTestId("row-creator").textContent).toContain("you");
    expect(within(row(legacy)).getByTestId("row-creator").textContent).toContain("ram-user-7");
    expect(within(row(legacy)).getByTestId("permission-summary").textContent).toBe("All");
    expect(within(row(legacy)).getByTestId("legacy-badge").textContent).toBe("Old format");
    expect(within(row(due)).getByTestId("review-badge").textContent).toBe("Review due");
    // One primary action, only where it applies: Copy needs a saved copy.
    expect(within(row(custom)).getByTestId("action-copy-saved")).toBeTruthy();
    expect(within(row(legacy)).queryByTestId("action-copy-saved")).toBeNull();
  });
});

describe("rows in view", () => {
  // jsdom has no layout: give the scroller and the rows the sizes a window would.
  function layout(viewport: number, rowPx: number) {
    vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockImplementation(function (this: HTMLElement) {
      return this.classList.contains("scroller") ? viewport : 0;
    });
    vi.spyOn(HTMLElement.prototype, "offsetHeight", "get").mockImplementation(function (this: HTMLElement) {
      return this.dataset.row !== undefined ? rowPx : 0;
    });
  }

  it("draws only the rows in view, and the others as the table scrolls", async () => {
    layout(480, 40);
    const many = Array.from({ length: 500 }, (_, i) => makeKey({ createdAt: 10_000 - i }));
    await showList(makePage(many, 50, 50));
    await settle();
    const drawn = () => screen.queryAllByTestId(/^key-row-/);
    expect(drawn().length).toBeGreaterThanOrEqual(12);
    expect(drawn().length).toBeLessThan(30);
    expect(screen.getByRole("table").getAttribute("aria-rowcount")).toBe("501");
    const scroller = screen.getByRole("table").parentElement!;
    scroller.scrollTop = 300 * 40;
    await fireEvent.scroll(scroller);
    const ids = drawn().map((r) => r.dataset.testid);
    expect(ids).toContain(`key-row-${many[300].apiKeyId}`);
    expect(ids).not.toContain(`key-row-${many[0].apiKeyId}`);
    expect(drawn().length).toBeLessThan(30);
  });

  it("before the table is measured, draws as many rows as the window could show", async () => {
    // No layout (jsdom): the table has no height yet, as in the launch's first frame.
    const height = Object.getOwnPropertyDescriptor(window, "innerHeight");
    Object.defineProperty(window, "innerHeight", { value: 360, configurable: true });
    try {
      const many = Array.from({ length: 500 }, (_, i) => makeKey({ createdAt: 10_000 - i }));
      await showList(makePage(many, 50, 50));
      await settle();
      // 360 px at 36 px a row, and one more for a row cut by the bottom edge.
      expect(screen.queryAllByTestId(/^key-row-/).length).toBe(11);
    } finally {
      if (height) Object.defineProperty(window, "innerHeight", height);
    }
  });
});

describe("keyboard", () => {
  it("moves between rows with the arrows, opens the detail with Enter and the menu with Shift+F10", async () => {
    const [a, b] = [makeKey({ createdAt: 2 }), makeKey({ createdAt: 1 })];
    await showList(makePage([a, b]));
    expect(row(a).tabIndex).toBe(0);
    expect(row(b).tabIndex).toBe(-1);
    row(a).focus();
    await fireEvent.keyDown(row(a), { key: "ArrowDown" });
    await settle();
    expect(document.activeElement).toBe(row(b));
    expect(row(b).tabIndex).toBe(0);
    await fireEvent.keyDown(row(b), { key: "Enter" });
    expect(dialogs.detail).toEqual({ region: "cn-beijing", apiKeyId: String(b.apiKeyId), task: undefined });
    dialogs.detail = null;
    await fireEvent.keyDown(row(b), { key: "F10", shiftKey: true });
    await settle();
    const menu = within(row(b)).getByTestId("key-menu");
    expect(menu.getAttribute("role")).toBe("menu");
    expect(document.activeElement).toBe(within(menu).getAllByRole("menuitem")[0]);
    await fireEvent.keyDown(document.activeElement!, { key: "ArrowDown" });
    expect(document.activeElement).toBe(within(menu).getAllByRole("menuitem")[1]);
    await fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(within(row(b)).queryByTestId("key-menu")).toBeNull();
    expect(document.activeElement).toBe(within(row(b)).getByTestId("row-menu"));
  });
});

describe("row menu", () => {
  it("offers only what applies: no saved-copy actions without a saved copy", async () => {
    const unsaved = makeKey({ saved: "notSaved" });
    const stale = makeKey({ saved: "stale", enabled: false });
    await showList(makePage([unsaved, stale]));
    const items = async (k: KeyView) =>
      within(await openMenu(k)).getAllByRole("menuitem").map((i) => i.dataset.testid);
    const forUnsaved = await items(unsaved);
    expect(forUnsaved).toContain("action-save-pasted");
    expect(forUnsaved).toContain("action-disable");
    for (const absent of ["action-copy-env", "action-export", "action-temp-key", "action-forget", "action-enable"])
      expect(forUnsaved).not.toContain(absent);
    await fireEvent.click(within(row(unsaved)).getByTestId("row-menu"));
    const forStale = await items(stale);
    for (const present of ["action-save-pasted", "action-forget", "action-copy-env", "action-enable"])
      expect(forStale).toContain(present);
    expect(forStale).not.toContain("action-disable");
  });

  it("asks before deleting, naming the key, and removes it when confirmed", async () => {
    const k = makeKey({ description: "Payroll bot" });
    await showList(makePage([k], 1));
    await fireEvent.click(within(await openMenu(k)).getByTestId("action-delete"));
    await settle();
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
    await fireEvent.click(within(await openMenu(k)).getByTestId("action-reset"));
    await settle();
    expect(dialogs.confirmation?.body).toContain("stops working at once");
    dialogs.answer(false);
    await settle();
    expect(ipcMock.keyReset).not.toHaveBeenCalled();
    expect(dialogs.oneTime).toBeNull();

    ipcMock.keyReset.mockResolvedValue({ handle: "h-9", apiKeyId: k.apiKeyId, value: "x", savedToKeychain: { saved: true } });
    await fireEvent.click(within(await openMenu(k)).getByTestId("action-reset"));
    await settle();
    dialogs.answer(true);
    await vi.waitFor(() => expect(dialogs.oneTime?.reset).toBe(true));
    expect(dialogs.oneTime?.key.handle).toBe("h-9");
  });

  it("opens the detail to verify, where the outcome shows", async () => {
    const k = makeKey({ saved: "saved" });
    await showList(makePage([k]));
    await fireEvent.click(within(await openMenu(k)).getByTestId("action-verify"));
    expect(dialogs.detail).toEqual({ region: "cn-beijing", apiKeyId: String(k.apiKeyId), task: "verify" });
  });

  it("shows a failed action's error above the table instead of failing silently", async () => {
    const k = makeKey({ enabled: false });
    ipcMock.keySetEnabled.mockRejectedValue(ipcError("Conflict", "The key is already enabled."));
    await showList(makePage([k]));
    await fireEvent.click(within(await openMenu(k)).getByTestId("action-enable"));
    await vi.waitFor(() => expect(screen.getByTestId("error-banner").textContent).toContain("already enabled"));
    expect(row(k).textContent).toContain("Disabled");
  });
});

describe("all regions", () => {
  it("lists every region's keys with a region column, each quota, and a row for a region that failed", async () => {
    const bj = makeKey({ region: "cn-beijing", description: "beijing key" });
    const sg = makeKey({ region: "ap-southeast-1", description: "singapore key" });
    ipcMock.keysListAllRegions.mockResolvedValue([
      { region: "cn-beijing", page: makePage([bj], 1, 50), error: null },
      { region: "ap-southeast-1", page: makePage([sg], 1, 50), error: null },
      { region: "ap-northeast-1", page: null, error: ipcError("Server", "The service had a problem. Try again later.") },
    ]);
    keys.forget();
    render(KeyList);
    await keys.show({ profileId: "p", region: "all", workspaceId: null });
    expect(descriptions().sort()).toEqual(["beijing key", "singapore key"]);
    expect(within(row(sg)).getByTestId("row-region").textContent).toBe("Singapore");
    const failed = screen.getByTestId("region-error-ap-northeast-1");
    expect(failed.textContent).toContain("Japan (Tokyo)");
    expect(failed.textContent).toContain("had a problem");
    expect(screen.getByTestId("region-quota-ap-southeast-1").textContent).toContain("1/50");
    expect(screen.queryByTestId("region-quota-ap-northeast-1")).toBeNull();
    // Create needs one region; the list says so instead of a button that cannot work.
    expect(screen.queryByTestId("create-key")).toBeNull();
    expect(screen.getByTestId("create-pick-region")).toBeTruthy();
    // Actions act on the key's own region.
    await fireEvent.click(within(await openMenu(sg)).getByTestId("action-disable"));
    await settle();
    dialogs.answer(true);
    await vi.waitFor(() => expect(ipcMock.keySetEnabled).toHaveBeenCalledWith("ap-southeast-1", sg.apiKeyId, false));
  });

  it("keeps a region's last good keys beside its error when a refresh fails there", async () => {
    const sg = makeKey({ region: "ap-southeast-1", description: "singapore key" });
    ipcMock.keysListAllRegions.mockResolvedValue([{ region: "ap-southeast-1", page: makePage([sg]), error: null }]);
    keys.forget();
    render(KeyList);
    await keys.show({ profileId: "p", region: "all", workspaceId: null });
    ipcMock.keysListAllRegions.mockResolvedValue([
      { region: "ap-southeast-1", page: null, error: ipcError("Network", "The server could not be reached.") },
    ]);
    await keys.refresh();
    await vi.waitFor(() => screen.getByTestId("region-error-ap-southeast-1"));
    expect(row(sg).textContent).toContain("singapore key");
  });

  it("closes a row's menu when the table scrolls away from it", async () => {
    const k = makeKey();
    await showList(makePage([k]));
    await openMenu(k);
    await fireEvent.scroll(screen.getByRole("table").parentElement!);
    expect(screen.queryByTestId("key-menu")).toBeNull();
  });
});
