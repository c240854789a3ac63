// The launch reminder of keys whose review date has come: it names them,
// opens one in its region's list, and changes nothing.
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { APP_INFO, makeKey, makePage } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import { setLang } from "../i18n/index.svelte";
import { app } from "../stores/app.svelte";
import { dialogs } from "../stores/dialogs.svelte";
import { keys } from "../stores/keys.svelte";
import { notices } from "../stores/notices.svelte";
import { reviews } from "../stores/reviews.svelte";
import { session } from "../stores/session.svelte";
import ReviewBanner from "./ReviewBanner.svelte";

beforeEach(() => {
  Object.assign(ipcMock, makeIpcMock());
  app.info = APP_INFO;
  setLang("en");
  dialogs.detail = null;
  reviews.dismissed = false;
  reviews.due = [];
  session.region = "cn-beijing";
  keys.forget();
});

describe("review reminder", () => {
  it("says nothing when no review date has come", async () => {
    await reviews.load();
    render(ReviewBanner);
    expect(screen.queryByTestId("review-banner")).toBeNull();
  });

  it("names the due keys and opens one in its own region, changing nothing", async () => {
    const sg = makeKey({ region: "ap-southeast-1", description: "CI bot", reviewBy: "2026-11-01", reviewDue: true });
    ipcMock.reviewsDue.mockResolvedValue([
      { region: "ap-southeast-1", apiKeyId: sg.apiKeyId, label: "CI bot", reviewBy: "2026-11-01" },
      { region: "cn-beijing", apiKeyId: "77", label: "", reviewBy: "2026-10-01" },
    ]);
    ipcMock.keysList.mockResolvedValue(makePage([sg]));
    await reviews.load();
    render(ReviewBanner);
    const banner = screen.getByTestId("review-banner");
    expect(banner.textContent).toContain("2 keys are due for review");
    expect(banner.textContent).toContain("“CI bot” (Singapore");
    expect(banner.textContent).toContain("Key 77 (China (Beijing)");
    await fireEvent.click(within(banner).getByTestId(`review-open-${sg.apiKeyId}`));
    await vi.waitFor(() => expect(dialogs.detail?.apiKeyId).toBe(String(sg.apiKeyId)));
    expect(session.region).toBe("ap-southeast-1");
    for (const change of [ipcMock.keySetEnabled, ipcMock.keyDelete, ipcMock.keySetReviewDate])
      expect(change).not.toHaveBeenCalled();
    await fireEvent.click(within(banner).getByTestId("review-later"));
    expect(screen.queryByTestId("review-banner")).toBeNull();
  });

  it("says when the key is not in the list, and can drop its reminder", async () => {
    const due = { region: "cn-beijing" as const, apiKeyId: "404", label: "gone bot", reviewBy: "2026-11-01" };
    ipcMock.reviewsDue.mockResolvedValue([due]);
    ipcMock.keysList.mockResolvedValue(makePage([]));
    await reviews.load();
    render(ReviewBanner);
    await fireEvent.click(screen.getByTestId("review-open-404"));
    await vi.waitFor(() => expect(notices.items.some((n) => n.text.includes("not in the list"))).toBe(true));
    expect(dialogs.detail).toBeNull();
    await fireEvent.click(screen.getByTestId("review-remove-404"));
    await vi.waitFor(() => expect(screen.queryByTestId("review-banner")).toBeNull());
    expect(ipcMock.keySetReviewDate).toHaveBeenCalledWith("cn-beijing", "404", null, "gone bot");
  });
});
