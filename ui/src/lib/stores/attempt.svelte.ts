// How stores and panels run a call and show how it went: busy while it runs,
// its error kept for a banner (or a notice) when it fails. Every `ipc`
// rejection is already an IpcError (ipc.ts normalises it once), so nothing
// here or in the callers converts errors.
import type { IpcError } from "../ipc";
import { notices } from "./notices.svelte";

export class Attempt<Action extends string = string> {
  /** The action running, or null. */
  busy = $state<Action | null>(null);
  /** The last failure, for an ErrorBanner; callers clear it on dismiss or a context switch. */
  error = $state<IpcError | null>(null);
  #load: boolean;
  #seq = 0;

  /**
   * `mode: "action"` (the default): a run clears the previous error at once,
   * as a resubmitted form does. `mode: "load"`, for loads that replace each
   * other (a key list, workspaces): only the latest run's answer, error and end
   * count, so a slow answer cannot overwrite a newer one, and the last error
   * stays on screen until a load succeeds (the last good list stays under it).
   */
  constructor({ mode = "action" }: { mode?: "action" | "load" } = {}) {
    this.#load = mode === "load";
  }

  /**
   * Run `work` as `action` (null: a quick call that does not make the panel
   * busy, such as a copy). Resolves with its result, or undefined when it
   * failed (the error is in `error`) or, in load mode, a newer run replaced it.
   */
  async run<T>(action: Action | null, work: () => Promise<T>): Promise<T | undefined> {
    const seq = ++this.#seq;
    const current = () => !this.#load || seq === this.#seq;
    if (action !== null) this.busy = action;
    if (!this.#load) this.error = null;
    try {
      const result = await work();
      if (!current()) return undefined;
      if (this.#load) this.error = null;
      return result;
    } catch (e) {
      if (current()) this.error = e as IpcError;
      return undefined;
    } finally {
      if (action !== null && current()) this.busy = null;
    }
  }
}

/**
 * Wait for a call that has no panel of its own to show a failure on: its
 * error becomes a notice. Resolves with the result, or undefined when it failed.
 */
export async function reported<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    notices.error(e as IpcError);
    return undefined;
  }
}
