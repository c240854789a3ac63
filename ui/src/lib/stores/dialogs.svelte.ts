// Which dialog is open. One at a time, plus a confirmation that can sit on top
// of any of them, and the one-time display which outranks everything.
import { ipc, type KeyView, type OneTimeKey, type RegionId, type RotationView } from "../ipc";

export type DialogState =
  | { kind: "create" }
  | { kind: "edit"; key: KeyView }
  | { kind: "temp"; key: KeyView }
  | { kind: "paste"; key: KeyView }
  | { kind: "settings" }
  | { kind: "profiles" }
  | { kind: "connect" }
  | { kind: "update" }
  /** The audit log; `apiKeyId` opens it filtered to that key (from its detail panel). */
  | { kind: "audit"; apiKeyId?: string }
  /** A workspace's model limits in `region` (the header's workspace first). */
  | { kind: "limits"; region: RegionId }
  /** Rotate a key; `rotation` resumes one under way at its step (never showing a value). */
  | { kind: "rotate"; key: KeyView; rotation?: RotationView }
  | null;

export type ConfirmRequest = {
  title: string;
  body: string;
  ok: string;
  danger?: boolean;
  resolve: (yes: boolean) => void;
};

export type OneTimeState = { key: OneTimeKey; reset: boolean };

/** What the detail panel does as it opens, when a row's menu asked for it. */
export type DetailTask = "verify" | "copy-env" | "export" | "review";
/** The key whose detail panel is open; the panel reads the live key from the list. */
export type DetailState = { region: RegionId; apiKeyId: string; task?: DetailTask };

class DialogsStore {
  current = $state<DialogState>(null);
  confirmation = $state<ConfirmRequest | null>(null);
  oneTime = $state<OneTimeState | null>(null);
  /** Open under the other dialogs: Edit or a confirmation can sit on top of it. */
  detail = $state<DetailState | null>(null);

  get anyOpen(): boolean {
    return this.current !== null || this.confirmation !== null || this.oneTime !== null || this.detail !== null;
  }

  openDetail(key: KeyView, task?: DetailTask): void {
    this.detail = { region: key.region, apiKeyId: String(key.apiKeyId), task };
  }

  closeDetail(): void {
    this.detail = null;
  }

  open(d: Exclude<DialogState, null>): void {
    this.current = d;
  }

  close(): void {
    this.current = null;
  }

  /** Ask a yes/no question; resolves false on Cancel or Esc. */
  confirm(req: Omit<ConfirmRequest, "resolve">): Promise<boolean> {
    this.confirmation?.resolve(false);
    return new Promise((resolve) => {
      this.confirmation = { ...req, resolve };
    });
  }

  answer(yes: boolean): void {
    const c = this.confirmation;
    this.confirmation = null;
    c?.resolve(yes);
  }

  showOneTime(key: OneTimeKey, reset: boolean): void {
    this.current = null;
    this.oneTime = { key, reset };
  }

  /** Drop the value from UI state and tell Rust to drop it from memory too. */
  async closeOneTime(): Promise<void> {
    const state = this.oneTime;
    this.oneTime = null;
    // The handle expires in Rust on its own; a failure leaves nothing for the person to do.
    if (state) await ipc.oneTimeClose(state.key.handle).catch(() => {});
  }
}

export const dialogs = new DialogsStore();
