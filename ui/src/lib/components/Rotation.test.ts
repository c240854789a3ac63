// Rotating a key in the app (issue 26): the grace period sent as chosen, the
// twin's value shown once over the rotation, the hand-over (where the old key
// went, the new one in the same forms), disable / enable again / retire with
// the right commands and a confirmation naming the key as the list shows it,
// the key detail's "Rotation in progress", and the reminder of a grace period
// that has ended. Against mocked IPC.
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { APP_INFO, ipcError, makeKey, makePage, makeProfile, oneTime } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";
import { settle } from "../../test/settle";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import type { AuditRecord, KeyView, RotationView } from "../ipc";
import { formatDateTime, setLang } from "../i18n/index.svelte";
import { app } from "../stores/app.svelte";
import { dialogs } from "../stores/dialogs.svelte";
import { keys, localToday } from "../stores/keys.svelte";
import { rotations } from "../stores/rotations.svelte";
import { profiles } from "../stores/profiles.svelte";
import { session } from "../stores/session.svelte";
import Dialogs from "./Dialogs.svelte";
import KeyList from "./KeyList.svelte";
import RotationBanner from "./RotationBanner.svelte";

const OLD = "4242";
const TWIN = "7777";

function rotation(over: Partial<RotationView> = {}): RotationView {
  return {
    id: "0b9c8e1e-0000-4000-8000-000000000001",
    region: "cn-beijing",
    oldKeyId: OLD,
    oldDescription: "billing",
    oldMasked: "sk-ws-old*****aaa",
    twinKeyId: TWIN,
    twinDescription: "billing (rotated 2026-12-06)",
    twinMasked: "sk-ws-new*****bbb",
    grace: "7d",
    step: "handOver",
    startedAt: 1_765_000_000_000,
    disabledAt: null,
    graceEndsAt: null,
    retireDue: false,
    note: null,
    ...over,
  };
}

function record(seq: number, action: string, outcome: string, over: Partial<AuditRecord> = {}): AuditRecord {
  return {
    seq,
    time: `2026-12-05T09:${String(seq).padStart(2, "0")}:00Z`,
    action,
    outcome,
    of: outcome === "started" ? null : seq - 1,
    profile: "Work",
    profileKind: "alibabaCloud",
    region: "cn-beijing",
    apiKeyId: OLD,
    masked: "sk-ws-old*****aaa",
    requestId: null,
    note: null,
    ...over,
  };
}

let oldKey: KeyView;

/** The old key (and the twin) listed, then the Dialogs layer. */
async function listed(...extra: KeyView[]): Promise<void> {
  ipcMock.keysList.mockResolvedValue(makePage([oldKey, ...extra]));
  keys.forget();
  await keys.show({ profileId: "p-work1", region: "cn-beijing", workspaceId: null });
  render(Dialogs);
}

async function openRotation(r?: RotationView): Promise<HTMLElement> {
  dialogs.open({ kind: "rotate", key: oldKey, rotation: r });
  return vi.waitFor(() => screen.getByTestId("rotate-dialog"));
}

const stepOf = () => screen.getByTestId("rotate-step").dataset.step;

beforeEach(async () => {
  Object.assign(ipcMock, makeIpcMock());
  await setLang("en");
  app.info = APP_INFO;
  dialogs.current = null;
  dialogs.confirmation = null;
  dialogs.detail = null;
  dialogs.oneTime = null;
  rotations.forget();
  session.region = "cn-beijing";
  session.workspaceId = null;
  profiles.list = [
    makeProfile({ id: "sandbox", name: "Sandbox", sandbox: true }),
    makeProfile({ id: "p-work1", name: "Work", active: true }),
  ];
  oldKey = makeKey({ apiKeyId: OLD, description: "billing", maskedValue: "sk-ws-old*****aaa", saved: "saved" });
});

describe("starting a rotation", () => {
  it("sends the chosen grace period and shows the twin once, over the rotation", async () => {
    await listed();
    const dialog = await openRotation();
    expect(stepOf()).toBe("start");
    expect(within(dialog).getByTestId("rotate-intro").textContent).toContain("same permissions");
    expect((within(dialog).getByTestId("rotate-grace-7d") as HTMLInputElement).checked).toBe(true);
    const twin = oneTime({ handle: "h-twin", apiKeyId: TWIN, description: "billing (rotated 2026-12-06)" });
    ipcMock.rotationStart.mockResolvedValue({ rotation: rotation(), twin });
    ipcMock.rotationsList.mockResolvedValue({ rotations: [rotation()], refused: [] });

    await fireEvent.click(within(dialog).getByTestId("rotate-grace-24h"));
    await fireEvent.click(within(dialog).getByTestId("rotate-start"));

    await vi.waitFor(() => expect(ipcMock.rotationStart).toHaveBeenCalledWith("cn-beijing", OLD, "24h"));
    await vi.waitFor(() => expect(dialogs.oneTime).toEqual({ key: twin, reset: false }));
    const shown = await vi.waitFor(() => screen.getByTestId("one-time-dialog"));
    expect(within(shown).getByTestId("one-time-value").textContent).toBe(twin.value);
    // The rotation stays beneath, at its next step; the list is asked again (the twin is new).
    expect(dialogs.current?.kind).toBe("rotate");
    expect(stepOf()).toBe("handOver");
    expect(rotations.of("cn-beijing", OLD)?.step).toBe("handOver");
    await vi.waitFor(() => expect(ipcMock.keysList).toHaveBeenCalledTimes(2));
  });

  it("sends a date within the next 90 days, and refuses one beyond", async () => {
    await listed();
    const dialog = await openRotation();
    await fireEvent.click(within(dialog).getByTestId("rotate-grace-date"));
    const input = within(dialog).getByTestId("rotate-grace-day") as HTMLInputElement;
    const today = localToday();
    expect(input.min).toBe(today);
    const [y, m, d] = today.split("-").map(Number);
    const pad = (n: number) => String(n).padStart(2, "0");
    const day = (offset: number) => {
      const at = new Date(y, m - 1, d + offset);
      return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
    };
    expect(input.max).toBe(day(90));
    const start = within(dialog).getByTestId("rotate-start") as HTMLButtonElement;

    await fireEvent.input(input, { target: { value: day(91) } });
    expect(within(dialog).getByTestId("rotate-grace-day-error")).toBeTruthy();
    expect(start.disabled).toBe(true);

    ipcMock.rotationStart.mockResolvedValue({ rotation: rotation({ grace: day(30) }), twin: null });
    await fireEvent.input(input, { target: { value: day(30) } });
    expect(start.disabled).toBe(false);
    await fireEvent.click(start);
    await vi.waitFor(() => expect(ipcMock.rotationStart).toHaveBeenCalledWith("cn-beijing", OLD, day(30)));
    // A rotation already under way answers its state and no twin: nothing is shown.
    await vi.waitFor(() => expect(stepOf()).toBe("handOver"));
    expect(dialogs.oneTime).toBeNull();
  });

  it("in a region with no free slot, shows why and offers Reset, which warns first", async () => {
    await listed();
    const dialog = await openRotation();
    ipcMock.rotationStart.mockRejectedValue(
      ipcError("QuotaExceeded", "This region already has its 50 keys. Use Reset instead: programs stop at once.", "rotation_needs_slot"),
    );
    await fireEvent.click(within(dialog).getByTestId("rotate-start"));
    const error = await vi.waitFor(() => within(dialog).getByTestId("error-banner"));
    expect(error.dataset.code).toBe("QuotaExceeded");
    expect(error.textContent).toContain("programs stop at once");
    expect(stepOf()).toBe("start");
    await fireEvent.click(within(dialog).getByTestId("rotate-reset"));
    await vi.waitFor(() => expect(dialogs.confirmation?.title).toBe("Reset this API key?"));
    expect(dialogs.confirmation?.body).toContain("billing");
    expect(ipcMock.keyReset).not.toHaveBeenCalled();
  });

  it("a step that failed part way shows where it stands, with the reason and a retry", async () => {
    await listed();
    const dialog = await openRotation();
    const note = "The new key did not pass DashScope's check yet, so it is not offered as ready.";
    ipcMock.rotationStart.mockRejectedValueOnce(ipcError("Network", "The network failed."));
    ipcMock.rotationsList.mockResolvedValue({ rotations: [rotation({ step: "twin", note, grace: "24h" })], refused: [] });
    await fireEvent.click(within(dialog).getByTestId("rotate-grace-24h"));
    await fireEvent.click(within(dialog).getByTestId("rotate-start"));
    await vi.waitFor(() => expect(stepOf()).toBe("twin"));
    expect(within(dialog).getByTestId("error-banner").dataset.code).toBe("Network");
    expect(within(dialog).getByTestId("rotate-note").textContent).toBe(note);
    ipcMock.rotationStart.mockResolvedValue({ rotation: rotation({ grace: "24h" }), twin: null });
    await fireEvent.click(within(dialog).getByTestId("rotate-retry"));
    await vi.waitFor(() => expect(stepOf()).toBe("handOver"));
    expect(ipcMock.rotationStart).toHaveBeenLastCalledWith("cn-beijing", OLD, "24h");
  });

  it("a locked keychain: the error, and nothing made", async () => {
    await listed();
    const dialog = await openRotation();
    ipcMock.rotationStart.mockRejectedValue(ipcError("KeychainLocked", "Unlock the keychain first."));
    await fireEvent.click(within(dialog).getByTestId("rotate-start"));
    const error = await vi.waitFor(() => within(dialog).getByTestId("error-banner"));
    expect(error.dataset.code).toBe("KeychainLocked");
    expect(within(dialog).queryByTestId("rotate-reset")).toBeNull();
    expect(dialogs.oneTime).toBeNull();
  });
});

describe("the hand-over", () => {
  it("lists where the old key went (copies, .env lines, files, skm exec) and never a value", async () => {
    ipcMock.auditList.mockResolvedValue([
      record(1, "create", "started", { apiKeyId: null }),
      record(2, "create", "ok"),
      record(3, "copy", "started"),
      record(4, "copy", "ok"),
      record(5, "copy_env", "started"),
      record(6, "copy_env", "ok"),
      record(7, "export", "started", { note: "/home/me/app/.env" }),
      record(8, "export", "ok", { note: "/home/me/app/.env" }),
      record(9, "update", "started"),
      record(10, "update", "ok"),
      record(11, "exec", "started", { note: "python" }),
      record(12, "exec", "ok", { note: "exit 0" }),
      record(13, "copy", "started"),
      record(14, "copy", "failed"),
      record(15, "rotate", "started"),
      record(16, "rotate", "ok"),
    ]);
    await listed();
    const dialog = await openRotation(rotation({ note: "The new key exists, but its whitelist excludes this computer." }));
    expect(stepOf()).toBe("handOver");
    const uses = await vi.waitFor(() => {
      const found = within(dialog).getAllByTestId("rotate-use");
      expect(found).toHaveLength(4);
      return found;
    });
    expect(ipcMock.auditList).toHaveBeenCalledWith({ apiKeyId: OLD });
    expect(uses.map((u) => u.dataset.action)).toEqual(["exec", "export", "copy_env", "copy"]);
    expect(uses[0].textContent).toContain("Run a command (skm)");
    expect(uses[0].textContent).toContain("python");
    expect(uses[1].textContent).toContain("/home/me/app/.env");
    expect(uses[3].querySelector("time")?.getAttribute("datetime")).toBe("2026-12-05T09:03:00Z");
    expect(within(dialog).getByTestId("rotate-note").textContent).toContain("whitelist excludes this computer");

    // The new key in the same forms, by reference: nothing reveals it here.
    expect(within(dialog).getByTestId("rotate-twin").textContent).toContain("billing (rotated 2026-12-06)");
    ipcMock.keyCopySaved.mockResolvedValue({ clearsInSeconds: 30, holdsSecret: true, lastClear: null });
    ipcMock.keyCopyEnv.mockResolvedValue({ clearsInSeconds: 30, holdsSecret: true, lastClear: null });
    ipcMock.keyExport.mockResolvedValue("/home/me/new.env");
    await fireEvent.click(within(dialog).getByTestId("rotate-copy"));
    await vi.waitFor(() => expect(ipcMock.keyCopySaved).toHaveBeenCalledWith("cn-beijing", TWIN));
    await fireEvent.click(within(dialog).getByTestId("rotate-copy-env"));
    await vi.waitFor(() => expect(ipcMock.keyCopyEnv).toHaveBeenCalledWith("cn-beijing", TWIN));
    await fireEvent.click(within(dialog).getByTestId("rotate-export-env"));
    await vi.waitFor(() => expect(ipcMock.keyExport).toHaveBeenCalledWith("cn-beijing", TWIN, "env"));
    await vi.waitFor(() => within(dialog).getByTestId("rotate-export-path"));
    const line = within(dialog).getByTestId("rotate-exec-line") as HTMLInputElement;
    expect(line.value).toBe(`skm --profile p-work1 --region cn-beijing exec --key ${TWIN} -- <command>`);
    await fireEvent.click(within(dialog).getByTestId("rotate-exec-copy"));
    await vi.waitFor(() => expect(ipcMock.clipboardCopyText).toHaveBeenCalledWith(line.value));
    expect(dialogs.oneTime).toBeNull();
    expect(ipcMock.rotationStart).not.toHaveBeenCalled();
  });

  it("says when this computer has no record of the old key's use", async () => {
    ipcMock.auditList.mockResolvedValue([record(1, "create", "started"), record(2, "create", "ok")]);
    await listed();
    const dialog = await openRotation(rotation());
    const none = await vi.waitFor(() => within(dialog).getByTestId("rotate-uses-none"));
    expect(none.textContent).toContain("No record on this computer");
  });
});

describe("disable, enable again, retire", () => {
  it("each calls its command with the key, and Retire asks first naming the key as listed now", async () => {
    // Renamed since the rotation began: the confirmation says what the list says.
    oldKey = { ...oldKey, description: "billing (prod)" };
    await listed();
    const dialog = await openRotation(rotation());
    const ends = 1_765_600_000_000;
    const disabled = rotation({ step: "disabled", disabledAt: ends - 86_400_000, graceEndsAt: ends });
    ipcMock.rotationFinish.mockResolvedValue(disabled);

    await fireEvent.click(within(dialog).getByTestId("rotate-disable"));
    expect(dialogs.confirmation).toBeNull(); // a grace period follows: nothing deleted, nothing asked
    await vi.waitFor(() => expect(stepOf()).toBe("disabled"));
    expect(ipcMock.rotationFinish).toHaveBeenCalledWith("cn-beijing", OLD, false);
    expect(within(dialog).getByTestId("rotate-grace-end").textContent).toContain(formatDateTime(ends));

    ipcMock.rotationEnableAgain.mockResolvedValue(rotation());
    await fireEvent.click(within(dialog).getByTestId("rotate-enable-again"));
    await vi.waitFor(() => expect(stepOf()).toBe("handOver"));
    expect(ipcMock.rotationEnableAgain).toHaveBeenCalledWith("cn-beijing", OLD);

    await fireEvent.click(within(dialog).getByTestId("rotate-disable"));
    await vi.waitFor(() => expect(stepOf()).toBe("disabled"));
    ipcMock.rotationFinish.mockClear();
    await fireEvent.click(within(dialog).getByTestId("rotate-retire"));
    await vi.waitFor(() => expect(dialogs.confirmation).not.toBeNull());
    expect(dialogs.confirmation!.body).toContain("“billing (prod)” (sk-ws-old*****aaa)");
    expect(dialogs.confirmation!.danger).toBe(true);
    dialogs.answer(false);
    await settle();
    expect(ipcMock.rotationFinish).not.toHaveBeenCalled();

    ipcMock.rotationFinish.mockResolvedValue(rotation({ step: "retired" }));
    await fireEvent.click(within(dialog).getByTestId("rotate-retire"));
    await vi.waitFor(() => expect(dialogs.confirmation).not.toBeNull());
    dialogs.answer(true);
    await vi.waitFor(() => expect(stepOf()).toBe("retired"));
    expect(ipcMock.rotationFinish).toHaveBeenCalledWith("cn-beijing", OLD, true);
    expect(within(dialog).getByTestId("rotate-done").textContent).toContain("billing (rotated 2026-12-06)");
    expect(rotations.list).toEqual([]);
  });

  it("once the grace period has ended, says so and makes Retire the main action", async () => {
    await listed();
    const ends = 1_765_000_000_000;
    const dialog = await openRotation(rotation({ step: "disabled", graceEndsAt: ends, retireDue: true }));
    expect(screen.getByTestId("rotate-step").dataset.due).toBe("true");
    expect(within(dialog).getByTestId("rotate-grace-end").textContent).toBe(
      `The grace period ended ${formatDateTime(ends)}: delete the old key.`,
    );
    expect(within(dialog).getByTestId("rotate-retire").classList.contains("primary")).toBe(true);
  });

  it("with no grace period, disabling deletes: it asks first, naming the key", async () => {
    await listed();
    const dialog = await openRotation(rotation({ grace: "now" }));
    expect(within(dialog).getByTestId("rotate-disable").textContent).toBe("Disable and delete the old key");
    ipcMock.rotationFinish.mockResolvedValue(rotation({ grace: "now", step: "retired" }));
    await fireEvent.click(within(dialog).getByTestId("rotate-disable"));
    await vi.waitFor(() => expect(dialogs.confirmation?.body).toContain("“billing” (sk-ws-old*****aaa)"));
    expect(ipcMock.rotationFinish).not.toHaveBeenCalled();
    dialogs.answer(true);
    await vi.waitFor(() => expect(stepOf()).toBe("retired"));
    expect(ipcMock.rotationFinish).toHaveBeenCalledWith("cn-beijing", OLD, false);
  });

  it("paused: shows why, and makes a new twin on request", async () => {
    await listed();
    const note = "The new key was deleted elsewhere, so this rotation is paused.";
    const dialog = await openRotation(rotation({ step: "paused", note, twinKeyId: null, twinMasked: null }));
    expect(within(dialog).getByTestId("rotate-note").textContent).toBe(note);
    ipcMock.rotationStart.mockResolvedValue({ rotation: rotation(), twin: oneTime({ apiKeyId: "8888" }) });
    await fireEvent.click(within(dialog).getByTestId("rotate-new-twin"));
    await vi.waitFor(() => expect(ipcMock.rotationStart).toHaveBeenCalledWith("cn-beijing", OLD, "7d"));
    await vi.waitFor(() => expect(dialogs.oneTime?.key.apiKeyId).toBe("8888"));
  });
});

describe("where a rotation is found", () => {
  it("the row's menu offers Rotate…", async () => {
    ipcMock.keysList.mockResolvedValue(makePage([oldKey]));
    keys.forget();
    render(KeyList);
    await keys.show({ profileId: "p-work1", region: "cn-beijing", workspaceId: null });
    const row = screen.getByTestId(`key-row-${OLD}`);
    await fireEvent.click(within(row).getByTestId("row-menu"));
    const item = within(row).getByTestId("action-rotate");
    expect(item.textContent).toBe("Rotate…");
    await fireEvent.click(item);
    expect(dialogs.current).toEqual({ kind: "rotate", key: oldKey });
  });

  it("the detail of a key under rotation says its step and opens it there, showing no value", async () => {
    ipcMock.rotationsList.mockResolvedValue({ rotations: [rotation()], refused: [] });
    await listed();
    await vi.waitFor(() => expect(rotations.list).toHaveLength(1));
    dialogs.openDetail(oldKey);
    const panel = await vi.waitFor(() => screen.getByTestId("detail-dialog"));
    const line = within(panel).getByTestId("detail-rotation");
    expect(line.textContent).toContain("Rotation in progress: hand-over");
    expect(within(panel).queryByTestId("action-rotate")).toBeNull();
    await fireEvent.click(within(panel).getByTestId("detail-rotation-open"));
    await vi.waitFor(() => expect(stepOf()).toBe("handOver"));
    expect(dialogs.current).toMatchObject({ kind: "rotate", rotation: { id: rotation().id } });
    expect(ipcMock.rotationStart).not.toHaveBeenCalled();
    expect(dialogs.oneTime).toBeNull();
  });

  it("the detail of a key not under rotation offers Rotate…", async () => {
    await listed();
    dialogs.openDetail(oldKey);
    const panel = await vi.waitFor(() => screen.getByTestId("detail-dialog"));
    expect(within(panel).queryByTestId("detail-rotation")).toBeNull();
    await fireEvent.click(within(panel).getByTestId("action-rotate"));
    await vi.waitFor(() => expect(stepOf()).toBe("start"));
  });
});

describe("the rotation reminder", () => {
  it("is asked for with the list, and names a rotation whose grace period has ended", async () => {
    const due = rotation({ step: "disabled", graceEndsAt: 1_765_000_000_000, retireDue: true });
    const running = rotation({ id: "r-2", oldKeyId: "5", oldDescription: "still in grace", step: "disabled", graceEndsAt: 4e12 });
    const paused = rotation({ id: "r-3", oldKeyId: "6", oldDescription: "chat bot", step: "paused", note: "The new key was disabled elsewhere." });
    ipcMock.rotationsList.mockResolvedValue({ rotations: [due, running, paused], refused: [] });
    render(RotationBanner);
    await listed();
    expect(ipcMock.rotationsList).toHaveBeenCalled();
    const banner = await vi.waitFor(() => screen.getByTestId("rotation-banner"));
    expect(banner.textContent).toContain("The grace period for “billing” has ended: delete the old key.");
    expect(banner.textContent).toContain("The rotation of “chat bot” is paused: The new key was disabled elsewhere.");
    expect(banner.textContent).not.toContain("still in grace");
    const items = within(banner).getAllByTestId("rotation-banner-item");
    expect(items.map((i) => i.dataset.step)).toEqual(["due", "paused"]);

    await fireEvent.click(within(items[0]).getByTestId("rotation-banner-open"));
    await vi.waitFor(() => expect(dialogs.current).toMatchObject({ kind: "rotate", key: { apiKeyId: OLD }, rotation: due }));
    await vi.waitFor(() => expect(screen.getByTestId("rotate-step").dataset.due).toBe("true"));
    // The reminder changes nothing by itself.
    expect(ipcMock.rotationFinish).not.toHaveBeenCalled();

    await fireEvent.click(within(banner).getByTestId("rotation-banner-later"));
    expect(screen.queryByTestId("rotation-banner")).toBeNull();
  });

  it("says nothing when no rotation needs the person", async () => {
    ipcMock.rotationsList.mockResolvedValue({ rotations: [rotation()], refused: [] });
    render(RotationBanner);
    await listed();
    await settle();
    expect(screen.queryByTestId("rotation-banner")).toBeNull();
  });
});
