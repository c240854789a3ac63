// What became of a secret copied to the clipboard, as Rust knows it. Rust
// holds the timer and does the clear; the UI asks it once a second while a
// copy is pending, so "cleared" is shown only when Rust cleared it (and "left
// alone" when the person had copied something else, "could not clear" when
// the clipboard refused).
import { ipc, type ClipboardStatus } from "../ipc";

const POLL_MS = 1000;

export class ClipboardWatch {
  status = $state<ClipboardStatus | null>(null);
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Follow a copy, starting from the status its command returned. */
  follow(first: ClipboardStatus): void {
    this.stop();
    this.status = first;
    if (first.clearsInSeconds == null) return; // no timer: nothing to follow
    this.#timer = setInterval(() => void this.#poll(), POLL_MS);
  }

  async #poll(): Promise<void> {
    try {
      const now = await ipc.clipboardStatus();
      this.status = now;
      if (!now.holdsSecret) this.stop();
    } catch {
      // A failed ask changes nothing; the next one may answer.
    }
  }

  /** Seconds left while Rust's clear is pending; null otherwise. */
  get secondsLeft(): number | null {
    const s = this.status;
    return s?.holdsSecret && s.lastClear !== "failed" ? (s.clearsInSeconds ?? null) : null;
  }

  /** How the clear ended, once it did (or failed). */
  get ended(): "cleared" | "leftAlone" | "failed" | null {
    return this.status?.lastClear ?? null;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
