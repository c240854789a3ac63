// The audit log view: the filter it sends is the one its fields show, its
// rows (newest first, in the person's language), the chain's verdict, the
// empty state, the CSV export, and the header button that opens it; against
// mocked IPC.
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { APP_INFO, ipcError } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";
import { settle } from "../../test/settle";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import type { AuditRecord, AuditReport } from "../ipc";
import { AUDIT_ACTIONS, localMidnight } from "../auditRows";
import { setLang } from "../i18n/index.svelte";
import { app } from "../stores/app.svelte";
import { dialogs } from "../stores/dialogs.svelte";
import { notices } from "../stores/notices.svelte";
import AuditDialog from "./AuditDialog.svelte";
import Dialogs from "./Dialogs.svelte";
import Header from "./Header.svelte";

function record(over: Partial<AuditRecord> & Pick<AuditRecord, "seq" | "action" | "outcome">): AuditRecord {
  return {
    time: "2026-12-05T09:30:00Z",
    of: null,
    profile: "Sandbox",
    profileKind: "sandbox",
    region: "cn-beijing",
    apiKeyId: "42",
    masked: "sk-ws-abc*****xyz",
    requestId: null,
    note: null,
    ...over,
  };
}

// A Create (its start written before the key existed), then a copy: oldest first, as Rust lists them.
const KEY_RECORDS: AuditRecord[] = [
  record({ seq: 1, action: "create", outcome: "started", apiKeyId: null, masked: null, note: "payroll bot" }),
  record({ seq: 2, action: "create", outcome: "ok", of: 1, time: "2026-12-05T09:30:01Z" }),
  record({ seq: 3, action: "copy", outcome: "started", time: "2026-12-05T09:31:00Z" }),
  record({ seq: 4, action: "copy", outcome: "failed", of: 3, time: "2026-12-05T09:31:01Z", requestId: "req-9", note: "KeychainLocked" }),
];

function intact(records: number, keychainAnchorChecked = true): AuditReport {
  return { verdict: { state: "intact", records }, keychainAnchorChecked, folder: "/home/you/.local/share/studio-keys/audit" };
}

const lastFilter = () => ipcMock.auditList.mock.calls.at(-1)?.[0];

beforeEach(async () => {
  Object.assign(ipcMock, makeIpcMock());
  await setLang("en");
  app.info = APP_INFO;
  dialogs.current = null;
  dialogs.detail = null;
  notices.items = [];
});

describe("the audit view", () => {
  it("opened for a key, sends that key's filter and shows it in the key field", async () => {
    ipcMock.auditList.mockResolvedValue(KEY_RECORDS);
    render(AuditDialog, { props: { apiKeyId: "42" } });
    await vi.waitFor(() => expect(screen.getAllByTestId("audit-row")).toHaveLength(4));
    expect(ipcMock.auditList).toHaveBeenCalledTimes(1);
    expect(lastFilter()).toEqual({ apiKeyId: "42", action: null, since: null });
    expect((screen.getByTestId("audit-key") as HTMLInputElement).value).toBe("42");
  });

  it("sends the action and the day it shows, the day as local midnight", async () => {
    render(AuditDialog);
    await vi.waitFor(() => expect(ipcMock.auditList).toHaveBeenCalledTimes(1));
    expect(lastFilter()).toEqual({ apiKeyId: null, action: null, since: null });

    const action = screen.getByTestId("audit-action") as HTMLSelectElement;
    const labels = within(action).getAllByRole("option").map((o) => o.textContent);
    expect(labels[0]).toBe("All actions");
    expect(labels).toContain("Copy as .env line");
    // One option per action the log records, after "All actions".
    expect(labels).toHaveLength(AUDIT_ACTIONS.length + 1);
    expect(labels).toContain("Change model limits");
    await fireEvent.change(action, { target: { value: "copy" } });
    await vi.waitFor(() => expect(lastFilter()).toEqual({ apiKeyId: null, action: "copy", since: null }));

    const since = screen.getByTestId("audit-since") as HTMLInputElement;
    await fireEvent.input(since, { target: { value: "2026-12-01" } });
    await vi.waitFor(() => expect(lastFilter()?.since).not.toBeNull());
    const sent = lastFilter()!.since!;
    expect(sent).toBe(localMidnight("2026-12-01"));
    expect(sent).toMatch(/^2026-12-01T00:00:00[+-]\d{2}:\d{2}$/);
    expect(Date.parse(sent)).toBe(new Date(2026, 11, 1).getTime());

    // The key field sends once it is committed (Enter or leaving it), trimmed.
    const key = screen.getByTestId("audit-key") as HTMLInputElement;
    const calls = ipcMock.auditList.mock.calls.length;
    await fireEvent.input(key, { target: { value: " 42 " } });
    await settle();
    expect(ipcMock.auditList).toHaveBeenCalledTimes(calls);
    await fireEvent.change(key);
    await vi.waitFor(() => expect(lastFilter()).toEqual({ apiKeyId: "42", action: "copy", since: sent }));

    await fireEvent.click(screen.getByTestId("audit-clear"));
    await vi.waitFor(() => expect(lastFilter()).toEqual({ apiKeyId: null, action: null, since: null }));
    expect(key.value).toBe("");
  });

  it("lists the records newest first, translated, each naming the key", async () => {
    ipcMock.auditList.mockResolvedValue(KEY_RECORDS);
    ipcMock.auditVerify.mockResolvedValue(intact(4));
    render(AuditDialog, { props: { apiKeyId: "42" } });
    const rows = await vi.waitFor(() => {
      const r = screen.getAllByTestId("audit-row");
      expect(r).toHaveLength(4);
      return r;
    });
    expect(rows.map((r) => r.dataset.seq)).toEqual(["4", "3", "2", "1"]);
    // The Create's start was written before the key had an id: it names the key its end names.
    expect(screen.getAllByTestId("audit-row-key").map((c) => c.textContent)).toEqual(["42", "42", "42", "42"]);
    const failed = rows[0];
    expect(failed.textContent).toContain("Copy key");
    expect(failed.textContent).toContain("Failed");
    expect(failed.textContent).toContain("for No. 3");
    expect(failed.textContent).toContain("China (Beijing)");
    expect(failed.textContent).toContain("Sandbox");
    expect(failed.textContent).toContain("sk-ws-abc*****xyz");
    expect(failed.textContent).toContain("Request ID: req-9");
    expect(rows[3].textContent).toContain("Create");
    expect(rows[3].textContent).toContain("Started");
    expect(rows[3].textContent).toContain("payroll bot");
    // The time in the person's language and time zone.
    const time = rows[0].querySelector("time")!;
    expect(time.getAttribute("datetime")).toBe("2026-12-05T09:31:01Z");
    expect(time.textContent).toBe(
      new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium" }).format(new Date("2026-12-05T09:31:01Z")),
    );
    const verdict = await vi.waitFor(() => screen.getByTestId("audit-verdict"));
    expect(verdict.dataset.state).toBe("intact");
    expect(verdict.textContent).toContain("Intact: 4 records");
    expect(screen.queryByTestId("audit-anchor-note")).toBeNull();
  });

  it("speaks the person's language", async () => {
    await setLang("zh-CN");
    ipcMock.auditList.mockResolvedValue(KEY_RECORDS);
    render(AuditDialog, { props: { apiKeyId: "42" } });
    const rows = await vi.waitFor(() => {
      const r = screen.getAllByTestId("audit-row");
      expect(r).toHaveLength(4);
      return r;
    });
    expect(rows[0].textContent).toContain("复制 API Key");
    expect(rows[0].textContent).toContain("失败");
    expect(rows[0].textContent).toContain("华北2（北京）");
    expect(screen.getByTestId("audit-dialog").textContent).toContain("审计日志");
  });

  it("shows an empty state when nothing matches, and when nothing was recorded", async () => {
    render(AuditDialog, { props: { apiKeyId: "7" } });
    const empty = await vi.waitFor(() => screen.getByTestId("audit-empty"));
    expect(empty.textContent).toBe("No record matches these filters.");
    expect(screen.queryByTestId("audit-row")).toBeNull();
    await fireEvent.click(screen.getByTestId("audit-clear"));
    await vi.waitFor(() => expect(screen.getByTestId("audit-empty").textContent).toBe("Nothing has been recorded yet."));
  });

  it("names what was tampered with, and says when the keychain's anchor was not checked", async () => {
    ipcMock.auditVerify.mockResolvedValue({
      verdict: { state: "tampered", file: "audit-000001.jsonl", line: 7, how: "edited", seq: 12 },
      keychainAnchorChecked: false,
      folder: "/d/audit",
    });
    render(AuditDialog);
    const verdict = await vi.waitFor(() => screen.getByTestId("audit-verdict"));
    expect(verdict.dataset.state).toBe("tampered");
    expect(verdict.textContent).toBe("Tampered with: record 12 (audit-000001.jsonl, line 7) was edited.");
    expect(screen.getByTestId("audit-anchor-note").textContent).toContain("only the anchor beside the log");
  });

  it("tells damage from tampering", async () => {
    ipcMock.auditVerify.mockResolvedValue({
      verdict: { state: "damaged", records: 30, file: "audit-000002.jsonl", line: 31 },
      keychainAnchorChecked: true,
      folder: "/d/audit",
    });
    render(AuditDialog);
    const verdict = await vi.waitFor(() => screen.getByTestId("audit-verdict"));
    expect(verdict.dataset.state).toBe("damaged");
    expect(verdict.textContent).toContain("not tampered with");
    expect(verdict.textContent).toContain("line 31 of audit-000002.jsonl");
  });

  it("exports the records it shows through Rust's save dialog, and says where", async () => {
    ipcMock.auditExport.mockResolvedValueOnce(null).mockResolvedValueOnce("/home/you/audit.csv");
    render(AuditDialog, { props: { apiKeyId: "42" } });
    await vi.waitFor(() => expect(ipcMock.auditList).toHaveBeenCalled());
    await fireEvent.change(screen.getByTestId("audit-action"), { target: { value: "copy" } });
    await vi.waitFor(() => expect(lastFilter()?.action).toBe("copy"));

    // Cancelled: nothing to say.
    await fireEvent.click(screen.getByTestId("audit-export"));
    await settle();
    expect(ipcMock.auditExport).toHaveBeenCalledWith({ apiKeyId: "42", action: "copy", since: null });
    expect(notices.items).toEqual([]);

    await fireEvent.click(screen.getByTestId("audit-export"));
    await vi.waitFor(() => expect(notices.items.map((n) => n.text)).toEqual(["Audit records saved to /home/you/audit.csv."]));
    expect(screen.getByTestId("audit-export").textContent).toBe("Export CSV…");
  });

  it("shows a failure to read the log as an error banner", async () => {
    ipcMock.auditList.mockRejectedValue(ipcError("Config", "The audit log could not be read."));
    render(AuditDialog);
    const banner = await vi.waitFor(() => screen.getByTestId("error-banner"));
    expect(banner.textContent).toContain("The audit log could not be read.");
    expect(screen.queryByTestId("audit-empty")).toBeNull();
  });

  it("opens unfiltered from the header's Audit log, and Close closes it", async () => {
    render(Header);
    render(Dialogs);
    const button = screen.getByTestId("audit");
    expect(button.textContent).toBe("Audit log");
    await fireEvent.click(button);
    expect(dialogs.current).toEqual({ kind: "audit" });
    await vi.waitFor(() => screen.getByTestId("audit-dialog"));
    await vi.waitFor(() => expect(lastFilter()).toEqual({ apiKeyId: null, action: null, since: null }));
    expect((screen.getByTestId("audit-key") as HTMLInputElement).value).toBe("");
    await fireEvent.click(screen.getByTestId("audit-close"));
    expect(dialogs.current).toBeNull();
  });
});
