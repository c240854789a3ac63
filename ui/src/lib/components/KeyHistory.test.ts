// A key's detail panel and the audit log: its History (that key's records,
// newest first, reloaded after an action from the panel), the way to the
// audit view filtered to it, and the `skm exec` line that names the key but
// never its value; against mocked IPC.
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { APP_INFO, makeKey, makePage, makeProfile } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";
import { settle } from "../../test/settle";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import type { AuditRecord, KeyView } from "../ipc";
import { setLang } from "../i18n/index.svelte";
import { app } from "../stores/app.svelte";
import { dialogs } from "../stores/dialogs.svelte";
import { keys } from "../stores/keys.svelte";
import { notices } from "../stores/notices.svelte";
import { profiles } from "../stores/profiles.svelte";
import Dialogs from "./Dialogs.svelte";
import KeyDetail from "./KeyDetail.svelte";

function record(seq: number, action: string, outcome: string, over: Partial<AuditRecord> = {}): AuditRecord {
  return {
    seq,
    time: `2026-12-05T09:${String(seq).padStart(2, "0")}:00Z`,
    action,
    outcome,
    of: outcome === "started" ? null : seq - 1,
    profile: "Sandbox",
    profileKind: "sandbox",
    region: "ap-southeast-1",
    apiKeyId: "42",
    masked: "sk-ws-abc*****xyz",
    requestId: null,
    note: null,
    ...over,
  };
}

async function showKey(k: KeyView): Promise<HTMLElement> {
  ipcMock.keysList.mockResolvedValue(makePage([k]));
  keys.forget();
  await keys.show({ profileId: "p-work1", region: k.region, workspaceId: null });
  dialogs.detail = { region: k.region, apiKeyId: String(k.apiKeyId) };
  render(KeyDetail, { props: { detail: dialogs.detail } });
  return screen.getByTestId("detail-dialog");
}

beforeEach(async () => {
  Object.assign(ipcMock, makeIpcMock());
  await setLang("en");
  app.info = APP_INFO;
  dialogs.current = null;
  dialogs.confirmation = null;
  dialogs.detail = null;
  notices.items = [];
  profiles.list = [
    makeProfile({ id: "sandbox", name: "Sandbox", sandbox: true }),
    makeProfile({ id: "p-work1", name: "Work", active: true }),
  ];
});

describe("a key's history", () => {
  it("lists that key's records, newest first and compact", async () => {
    const k = makeKey({ apiKeyId: "42", region: "ap-southeast-1", saved: "saved" });
    ipcMock.auditList.mockResolvedValue([
      record(1, "create", "started", { apiKeyId: null }),
      record(2, "create", "ok"),
      record(3, "copy", "started"),
      record(4, "copy", "ok"),
    ]);
    const panel = await showKey(k);
    const history = within(panel).getByTestId("key-history");
    const items = await vi.waitFor(() => {
      const found = within(history).getAllByTestId("key-history-item");
      expect(found).toHaveLength(4);
      return found;
    });
    expect(ipcMock.auditList).toHaveBeenCalledWith({ apiKeyId: "42" });
    expect(items.map((i) => [i.dataset.action, i.dataset.outcome])).toEqual([
      ["copy", "ok"],
      ["copy", "started"],
      ["create", "ok"],
      ["create", "started"],
    ]);
    expect(items[0].textContent).toContain("Copy key");
    expect(items[0].textContent).toContain("Done");
    expect(items[0].querySelector("time")?.getAttribute("datetime")).toBe("2026-12-05T09:04:00Z");
  });

  it("says when nothing is recorded, and keeps to the latest few", async () => {
    const k = makeKey({ saved: "saved" });
    const panel = await showKey(k);
    await vi.waitFor(() => within(panel).getByTestId("key-history-empty"));

    const many = Array.from({ length: 11 }, (_, i) => record(i + 1, "copy", i % 2 ? "ok" : "started"));
    ipcMock.auditList.mockResolvedValue(many);
    // An action from the panel reloads the history.
    ipcMock.keyCopySaved.mockResolvedValue({ clearsInSeconds: 30, holdsSecret: true, lastClear: null });
    await fireEvent.click(within(panel).getByTestId("action-copy-saved"));
    await vi.waitFor(() => expect(within(panel).getAllByTestId("key-history-item")).toHaveLength(8));
    expect(within(panel).getByTestId("key-history").textContent).toContain("3 older records are in the audit log.");
  });

  it("shows the copy it just made", async () => {
    const k = makeKey({ apiKeyId: "42", region: "ap-southeast-1", saved: "saved" });
    const panel = await showKey(k);
    await vi.waitFor(() => within(panel).getByTestId("key-history-empty"));
    ipcMock.keyCopySaved.mockResolvedValue({ clearsInSeconds: 30, holdsSecret: true, lastClear: null });
    ipcMock.auditList.mockResolvedValue([record(1, "copy", "started"), record(2, "copy", "ok")]);
    await fireEvent.click(within(panel).getByTestId("action-copy-saved"));
    await vi.waitFor(() => expect(within(panel).getAllByTestId("key-history-item")).toHaveLength(2));
    expect(ipcMock.auditList).toHaveBeenLastCalledWith({ apiKeyId: "42" });
  });

  it("opens the audit view filtered to the key", async () => {
    const k = makeKey({ apiKeyId: "42", region: "ap-southeast-1", saved: "saved" });
    ipcMock.keysList.mockResolvedValue(makePage([k]));
    keys.forget();
    await keys.show({ profileId: "p-work1", region: k.region, workspaceId: null });
    ipcMock.auditList.mockResolvedValue([record(1, "copy", "started"), record(2, "copy", "ok")]);
    render(Dialogs);
    dialogs.openDetail(k);
    const open = await vi.waitFor(() => screen.getByTestId("key-history-open"));
    expect(open.textContent).toBe("Open in the audit log");
    await fireEvent.click(open);
    expect(dialogs.current).toEqual({ kind: "audit", apiKeyId: "42" });
    const view = await vi.waitFor(() => screen.getByTestId("audit-dialog"));
    await vi.waitFor(() => expect(within(view).getAllByTestId("audit-row")).toHaveLength(2));
    expect(ipcMock.auditList).toHaveBeenLastCalledWith({ apiKeyId: "42", action: null, since: null });
    expect((within(view).getByTestId("audit-key") as HTMLInputElement).value).toBe("42");
    // The panel stays under it: Esc on the view goes back to the key.
    await fireEvent.keyDown(window, { key: "Escape" });
    expect(dialogs.current).toBeNull();
    expect(screen.getByTestId("detail-dialog")).toBeTruthy();
  });
});

describe("run a command with this key", () => {
  it("shows an skm exec line naming the profile, region and key, and copies it as text", async () => {
    const k = makeKey({ apiKeyId: "42", region: "ap-southeast-1", saved: "saved" });
    const panel = await showKey(k);
    expect(within(panel).queryByTestId("exec-line")).toBeNull();
    const show = within(panel).getByTestId("exec-line-show");
    expect(show.textContent).toBe("Run a command with this key…");
    await fireEvent.click(show);
    expect(show.getAttribute("aria-expanded")).toBe("true");
    const line = within(panel).getByTestId("exec-line") as HTMLInputElement;
    expect(line.readOnly).toBe(true);
    expect(line.value).toBe("skm --profile p-work1 --region ap-southeast-1 exec --key 42 -- <command>");
    const hint = within(panel).getByTestId("exec-line-hint").textContent!;
    for (const name of ["DASHSCOPE_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL", "<command>"]) expect(hint).toContain(name);

    await fireEvent.click(within(panel).getByTestId("exec-line-copy"));
    await vi.waitFor(() => expect(ipcMock.clipboardCopyText).toHaveBeenCalledTimes(1));
    expect(ipcMock.clipboardCopyText).toHaveBeenCalledWith(line.value);
    // Never the value: no secret copy command runs, and the line holds no part of the key.
    expect(ipcMock.keyCopySaved).not.toHaveBeenCalled();
    expect(ipcMock.keyCopyEnv).not.toHaveBeenCalled();
    expect(line.value).not.toContain(k.maskedValue);
    expect(notices.items.map((n) => n.text)).toEqual(["Copied."]);
  });

  it("keeps the command literal in another language, with a translated placeholder", async () => {
    await setLang("ja");
    const k = makeKey({ apiKeyId: "77", region: "cn-beijing", saved: "saved" });
    const panel = await showKey(k);
    await fireEvent.click(within(panel).getByTestId("exec-line-show"));
    expect((within(panel).getByTestId("exec-line") as HTMLInputElement).value).toBe(
      "skm --profile p-work1 --region cn-beijing exec --key 77 -- <コマンド>",
    );
  });

  it("is offered only for a key saved on this computer (skm exec reads that copy)", async () => {
    const panel = await showKey(makeKey({ saved: "notSaved" }));
    await settle();
    expect(within(panel).queryByTestId("exec-line-show")).toBeNull();
  });
});
