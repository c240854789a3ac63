// Costs in the key list: each key's 30-day amount as the bill gives it with a
// sparkline, the idle badge and the banner that disables idle keys after one
// confirmation, and one plain line (no figures, no badge) when the bill cannot
// be read. Against mocked IPC.
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { APP_INFO, makeKey, makePage } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";
import { settle } from "../../test/settle";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import type { KeysCosts, KeyView } from "../ipc";
import { setLang } from "../i18n/index.svelte";
import { app } from "../stores/app.svelte";
import { costs } from "../stores/costs.svelte";
import { dialogs } from "../stores/dialogs.svelte";
import { keys } from "../stores/keys.svelte";
import { DEFAULT_SETTINGS, settings } from "../stores/settings.svelte";
import KeyList from "./KeyList.svelte";

const period = { start: "2026-10-31", end: "2026-11-29", month: null, days: 30, timeZone: "UTC+08:00" };
const day = (i: number) => `2026-11-${String(i + 1).padStart(2, "0")}`;

function billed(over: Partial<KeysCosts> & { keys: KeysCosts["keys"] }): KeysCosts {
  return { region: "cn-beijing", period, currency: "CNY", total: "12.3456", unlisted: [], unavailable: null, ...over };
}

async function show(list: KeyView[], figures: KeysCosts) {
  ipcMock.keysList.mockResolvedValue(makePage(list));
  ipcMock.keysCosts.mockResolvedValue(figures);
  keys.forget();
  costs.clear();
  render(KeyList);
  await keys.show({ profileId: "p", region: "cn-beijing", workspaceId: null });
  await settle();
}

const row = (k: KeyView) => screen.getByTestId(`key-row-${k.apiKeyId}`);

beforeEach(() => {
  Object.assign(ipcMock, makeIpcMock());
  app.info = APP_INFO;
  settings.value = { ...DEFAULT_SETTINGS };
  setLang("en");
  dialogs.confirmation = null;
});

describe("costs in the list", () => {
  it("shows each key's amount as the bill gives it, with its currency and a sparkline, and flags idle keys", async () => {
    const busy = makeKey({ description: "busy" });
    const quiet = makeKey({ description: "quiet" });
    const off = makeKey({ description: "off", enabled: false });
    await show(
      [busy, quiet, off],
      billed({
        keys: [
          { apiKeyId: busy.apiKeyId, total: "12.3456", daily: [0, 1, 2].map((i) => ({ date: day(i), amount: `${i}.5000` })), idle: false },
          { apiKeyId: quiet.apiKeyId, total: null, daily: [], idle: true },
          { apiKeyId: off.apiKeyId, total: null, daily: [], idle: false },
        ],
      }),
    );
    expect(ipcMock.keysCosts).toHaveBeenCalledWith("cn-beijing", 30);
    const cost = within(row(busy)).getByTestId("row-cost");
    expect(cost.textContent).toContain("12.3456");
    expect(cost.textContent).toContain("CNY");
    expect(within(cost).getByTestId("sparkline")).toBeTruthy();
    expect(within(row(quiet)).getByTestId("row-cost").textContent).toContain("No spend");
    expect(within(row(quiet)).getByTestId("idle-badge").textContent).toBe("Idle");
    expect(within(row(busy)).queryByTestId("idle-badge")).toBeNull();
    expect(within(row(off)).queryByTestId("idle-badge")).toBeNull();
    expect(screen.getByTestId("idle-banner").textContent).toContain("1 enabled key had no spend in 30 days");
  });

  it("shows a region's amounts at once when it is shown again, before its fresh figures come", async () => {
    const k = makeKey({ description: "busy" });
    await show([k], billed({ keys: [{ apiKeyId: k.apiKeyId, total: "7.5000", daily: [], idle: false }] }));
    expect(within(row(k)).getByTestId("row-cost").textContent).toContain("7.5000");
    // Another region, then back: its refresh and its bill hang, the amount is there.
    const other = makeKey({ description: "elsewhere", region: "ap-southeast-1" });
    ipcMock.keysList.mockResolvedValue(makePage([other]));
    ipcMock.keysCosts.mockResolvedValue(billed({ region: "ap-southeast-1", currency: "USD", keys: [] }));
    await keys.show({ profileId: "p", region: "ap-southeast-1", workspaceId: null });
    await settle();
    expect(screen.queryByText("7.5000")).toBeNull();
    ipcMock.keysList.mockReturnValue(new Promise(() => {}));
    ipcMock.keysCosts.mockReturnValue(new Promise(() => {}));
    void keys.show({ profileId: "p", region: "cn-beijing", workspaceId: null });
    await settle();
    expect(within(row(k)).getByTestId("row-cost").textContent).toContain("7.5000");
    expect(within(row(k)).getByTestId("row-cost").textContent).toContain("CNY");
  });

  it("asks for the account's rotations once, not again on each region switch; Refresh asks again", async () => {
    const k = makeKey({ description: "one" });
    const { rotations } = await import("../stores/rotations.svelte");
    rotations.forget();
    await show([k], billed({ keys: [] }));
    expect(ipcMock.rotationsList).toHaveBeenCalledTimes(1);
    await keys.show({ profileId: "p", region: "ap-southeast-1", workspaceId: null });
    await keys.show({ profileId: "p", region: "cn-beijing", workspaceId: null });
    await settle();
    expect(ipcMock.rotationsList).toHaveBeenCalledTimes(1);
    await fireEvent.click(screen.getByTestId("refresh"));
    await settle();
    expect(ipcMock.rotationsList).toHaveBeenCalledTimes(2);
  });

  it("disables the idle keys only after one confirmation that names them", async () => {
    const a = makeKey({ description: "old bot" });
    const b = makeKey({ description: "forgotten test" });
    await show(
      [a, b],
      billed({
        keys: [
          { apiKeyId: a.apiKeyId, total: null, daily: [], idle: true },
          { apiKeyId: b.apiKeyId, total: null, daily: [], idle: true },
        ],
      }),
    );
    await fireEvent.click(screen.getByTestId("idle-disable"));
    await settle();
    expect(dialogs.confirmation?.body).toContain("“old bot”");
    expect(dialogs.confirmation?.body).toContain("“forgotten test”");
    dialogs.answer(false);
    await settle();
    expect(ipcMock.keySetEnabled).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId("idle-disable"));
    await settle();
    dialogs.answer(true);
    await vi.waitFor(() => expect(ipcMock.keySetEnabled).toHaveBeenCalledTimes(2));
    expect(ipcMock.keySetEnabled).toHaveBeenCalledWith("cn-beijing", a.apiKeyId, false);
    await vi.waitFor(() => expect(screen.queryByTestId("idle-banner")).toBeNull());
    expect(within(row(a)).queryByTestId("idle-badge")).toBeNull();
  });

  it("shows no badge or banner when the setting is off", async () => {
    settings.value = { ...DEFAULT_SETTINGS, flagIdleKeys: false };
    const a = makeKey();
    await show([a], billed({ keys: [{ apiKeyId: a.apiKeyId, total: null, daily: [], idle: true }] }));
    expect(within(row(a)).queryByTestId("idle-badge")).toBeNull();
    expect(screen.queryByTestId("idle-banner")).toBeNull();
  });

  it("says in one line why there are no figures, and the list still works", async () => {
    const a = makeKey({ description: "still listed" });
    await show(
      [a],
      billed({
        currency: null,
        total: null,
        keys: [],
        unavailable: { reason: "noPermission", message: "This account may not read costs; its keys still work.", error: null },
      }),
    );
    const line = screen.getByTestId("costs-unavailable");
    expect(line.dataset.reason).toBe("noPermission");
    expect(line.textContent).toContain("may not read costs");
    expect(row(a).textContent).toContain("still listed");
    expect(within(row(a)).getByTestId("row-cost").textContent?.trim()).toBe("—");
    expect(screen.queryByTestId("idle-banner")).toBeNull();
  });

  it("names the spend of keys deleted since, as the bill gives it", async () => {
    const a = makeKey();
    await show(
      [a],
      billed({
        keys: [{ apiKeyId: a.apiKeyId, total: "1.0000", daily: [], idle: false }],
        unlisted: [{ key: "9999", name: null, amount: "3.2100", currency: "CNY" }],
      }),
    );
    expect(screen.getByTestId("costs-unlisted").textContent).toContain("9999 (3.2100 CNY)");
  });
});
