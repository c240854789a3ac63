// The active profile's key rotations (ids, dates, steps; no secrets), asked
// for after each key list: the launch reminder of grace periods that have
// ended, and a key detail's "Rotation in progress". The rotation dialog puts
// each step's answer back here, so both follow it at once.
import { ipc, type RegionId, type RotationView } from "../ipc";
import { sameAnswer } from "../sameAnswer";
import { t } from "../i18n/index.svelte";

class RotationsStore {
  list = $state<RotationView[]>([]);
  /** Records Rust refused to act on ("file: why"). */
  refused = $state<string[]>([]);
  /** "Later": hidden until the next launch or account switch. */
  dismissed = $state(false);
  #seq = 0;

  /** Asked for since the account was shown (a region switch does not ask again). */
  #loaded = false;

  /** Ask once per account: the rotations are the account's, not a region's. */
  loadOnce(): Promise<void> {
    return this.#loaded ? Promise.resolve() : this.load();
  }

  async load(): Promise<void> {
    const seq = ++this.#seq;
    this.#loaded = true;
    try {
      const report = await ipc.rotationsList();
      // A slower answer (an account switched meanwhile) never replaces a newer one.
      if (seq !== this.#seq) return;
      // The same answer again changes nothing on screen.
      if (!sameAnswer(report.rotations, this.list)) this.list = report.rotations;
      if (!sameAnswer(report.refused, this.refused)) this.refused = report.refused;
    } catch {
      // A reminder is a convenience: a failed check keeps what was known,
      // and the next list shown asks again.
      if (seq === this.#seq) this.#loaded = false;
    }
  }

  /** The rotation of this key still under way (not retired, not ended), if any. */
  of(region: RegionId, oldKeyId: string): RotationView | null {
    return (
      this.list.find(
        (r) => r.region === region && r.oldKeyId === String(oldKeyId) && r.step !== "retired" && r.step !== "ended",
      ) ?? null
    );
  }

  /** A step's answer: replaces the rotation it concerns (a retired one is gone from Rust's records too). */
  put(view: RotationView): void {
    // A list asked for before this step would bring its state from before it.
    this.#seq++;
    if (view.step === "retired") this.list = this.list.filter((r) => r.id !== view.id);
    else if (this.list.some((r) => r.id === view.id)) this.list = this.list.map((r) => (r.id === view.id ? view : r));
    else this.list = [...this.list, view];
  }

  /** Another account: its own rotations, reminded again. */
  forget(): void {
    this.#seq++;
    this.#loaded = false;
    this.list = [];
    this.refused = [];
    this.dismissed = false;
  }
}

export const rotations = new RotationsStore();

/** Where a rotation is, in a few words ("hand-over"); a disabled one whose grace period ended says so. */
export function stepLabel(r: RotationView): string {
  return r.step === "disabled" && r.retireDue ? t("rotation.step.due") : t(`rotation.step.${r.step}`);
}
