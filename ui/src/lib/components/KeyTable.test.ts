// The key table at a narrow width (issue 27): the lower columns hide, a badge
// set that does not fit shows its most important badge and "+N" (the others
// in its title, and still there for screen readers), and what must not be cut
// is marked for the e2e check. jsdom has no layout: the ruler's widths are
// given here, as a window would measure them.
import { render, screen, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { APP_INFO, makeKey, makePage } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";
import { settle } from "../../test/settle";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import type { KeysCosts, KeyView } from "../ipc";
import { setLang } from "../i18n/index.svelte";
import { app } from "../stores/app.svelte";
import { costs } from "../stores/costs.svelte";
import { keys } from "../stores/keys.svelte";
import { DEFAULT_SETTINGS, settings } from "../stores/settings.svelte";
import KeyList from "./KeyList.svelte";

/** Widths as a window would measure them: the table `table` px wide, text about 7 px a character. */
function layout(table: number) {
  vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockImplementation(function (this: HTMLElement) {
    let width = 0;
    if (this.classList.contains("ruler")) width = table;
    else if (this.classList.contains("rem")) width = 150;
    else if (this.closest(".ruler")) width = (this.textContent ?? "").length * 7 + (this.classList.contains("chip") ? 14 : 0);
    return { width, height: 0, top: 0, left: 0, right: width, bottom: 0, x: 0, y: 0, toJSON: () => ({}) } as DOMRect;
  });
}

async function show(list: KeyView[], idle: KeyView[] = []) {
  const figures: KeysCosts = {
    region: "cn-beijing",
    period: { start: "2026-10-31", end: "2026-11-29", month: null, days: 30, timeZone: "UTC+08:00" },
    currency: "CNY",
    total: "1.0000",
    unlisted: [],
    unavailable: null,
    keys: list.map((k) => ({ apiKeyId: k.apiKeyId, total: idle.includes(k) ? null : "987654.3210", daily: [], idle: idle.includes(k) })),
  };
  ipcMock.keysList.mockResolvedValue(makePage(list));
  ipcMock.keysCosts.mockResolvedValue(figures);
  keys.forget();
  costs.clear();
  render(KeyList);
  await keys.show({ profileId: "p", region: "cn-beijing", workspaceId: null });
  await settle();
}

const row = (k: KeyView) => screen.getByTestId(`key-row-${k.apiKeyId}`);
const headers = () => within(screen.getByRole("table")).getAllByRole("columnheader").map((h) => h.textContent?.trim());

beforeEach(() => {
  Object.assign(ipcMock, makeIpcMock());
  app.info = APP_INFO;
  settings.value = { ...DEFAULT_SETTINGS };
  setLang("en");
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the key table at a narrow width", () => {
  const flagged = makeKey({ description: "flagged", saved: "saved", legacy: true, format: "Legacy", maskedValue: "sk-abcd*****9f3c", reviewBy: "2026-01-01", reviewDue: true });
  const plain = makeKey({ description: "plain" });

  it("keeps description, key, status, cost and buttons, and hides the lower columns", async () => {
    layout(680);
    await show([flagged, plain], [flagged]);
    expect(headers()).toEqual(["Description", "Key", "Status", "Cost (30 days)", "Actions"]);
    expect(within(row(plain)).queryByTestId("permission-summary")).toBeNull();
    // Every row has as many cells as the header.
    expect(row(plain).querySelectorAll("td")).toHaveLength(5);
  });

  it("collapses a badge set that does not fit to its most important badge and '+N', naming the others", async () => {
    layout(680);
    await show([flagged, plain], [flagged]);
    const more = within(row(flagged)).getByTestId("badges-more");
    expect(more.textContent).toBe("+3");
    for (const name of ["Saved", "Old format", "Idle"]) expect(more.getAttribute("title")).toContain(name);
    const review = within(row(flagged)).getByTestId("review-badge");
    expect(review.dataset.collapsed).toBeUndefined();
    for (const id of ["saved-badge", "legacy-badge", "idle-badge"]) {
      const badge = within(row(flagged)).getByTestId(id);
      // Out of sight, not out of the page: screen readers still read it.
      expect(badge.dataset.collapsed).toBe("true");
      expect(badge.classList.contains("visually-hidden")).toBe(true);
    }
    expect(within(row(plain)).queryByTestId("badges-more")).toBeNull();
  });

  it("shows every column and every badge on a wide table", async () => {
    layout(1800);
    await show([flagged, plain], [flagged]);
    expect(headers()).toEqual(["Description", "Key", "Workspace", "Permission", "Status", "Created", "Cost (30 days)", "Actions"]);
    expect(within(row(flagged)).queryByTestId("badges-more")).toBeNull();
    expect(row(flagged).querySelectorAll("[data-collapsed]")).toHaveLength(0);
  });

  it("marks what must not be cut, and puts the whole value of what may be in a title", async () => {
    layout(1800);
    const long = makeKey({ description: "W".repeat(100), workspaceName: "W".repeat(64), workspaceId: "llm-w" });
    await show([long]);
    const marked = [...row(long).querySelectorAll<HTMLElement>("[data-nocut]")].map((e) => e.dataset.nocut);
    expect(marked).toEqual(expect.arrayContaining(["key", "status", "date", "amount", "action"]));
    expect(row(long).querySelector("td.description")?.getAttribute("title")).toBe("W".repeat(100));
    expect(row(long).querySelector(`td[title^="${"W".repeat(64)}"]`)).not.toBeNull();
    expect(within(row(long)).getByTestId("row-cost").textContent).toContain("987654.3210");
  });
});
