// Spend alerts of the active account: each workspace's monthly amount and
// this month's spend against it (Rust compares the bill's decimal strings).
// Asked after the first paint, hourly while the app is open, after a change
// and when the account changes; a failure shows no banner (the check says why
// in the Limits view).
import { ipc, type RegionId, type SpendAlertView } from "../ipc";
import { afterPaint } from "../afterPaint";
import { Attempt } from "./attempt.svelte";

const CHECK_EVERY_MS = 60 * 60 * 1000;

class SpendStore {
  alerts = $state<SpendAlertView[]>([]);
  #load = new Attempt({ mode: "load" });
  #timer: ReturnType<typeof setInterval> | null = null;

  /** Alerts past a threshold (80 or 100 %), highest share first. */
  get reached(): SpendAlertView[] {
    return this.alerts.filter((a) => a.reached != null).sort((a, b) => (b.percent ?? 0) - (a.percent ?? 0));
  }

  of(region: RegionId, workspaceId: string): SpendAlertView | undefined {
    return this.alerts.find((a) => a.region === region && a.workspaceId === workspaceId);
  }

  async refresh(): Promise<void> {
    const list = await this.#load.run("load", () => ipc.spendAlerts());
    if (list) this.alerts = list;
  }

  /** A new account (or the first): its own alerts, after the list is painted. */
  async reset(): Promise<void> {
    this.alerts = [];
    await afterPaint();
    await this.refresh();
    this.#timer ??= setInterval(() => void this.refresh(), CHECK_EVERY_MS);
  }

  /** Throws IpcError. */
  async set(region: RegionId, workspaceId: string, amount: string, currency: string): Promise<void> {
    await ipc.spendAlertSet(region, workspaceId, amount, currency);
    await this.refresh();
  }

  /** Throws IpcError. */
  async clear(region: RegionId, workspaceId: string): Promise<void> {
    await ipc.spendAlertClear(region, workspaceId);
    await this.refresh();
  }
}

export const spend = new SpendStore();
