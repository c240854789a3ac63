// What each listed key cost over the last 30 days, from the bill (Model
// Studio's GetBillingTrend by API key), asked after the list arrives so the
// list never waits for it. Amounts stay the bill's decimal strings with their
// currency and period: never added up or rounded here. Without figures (no
// permission, no data, an outage) a region carries its one-line reason and
// no key is idle.
import { ipc, type KeyCost, type KeysCosts, type KeyView, type RegionId } from "../ipc";

/** The list's cost column, sparkline and idle rule cover this many days. */
export const COST_DAYS = 30;

class CostsStore {
  /** Per region shown: its figures or the reason there are none. */
  regions = $state<KeysCosts[]>([]);
  #asked = 0;

  /** Ask for the figures of the list now shown (one region, or all of them). */
  async load(region: RegionId | "all"): Promise<void> {
    const asked = ++this.#asked;
    try {
      const got = region === "all" ? await ipc.keysCostsAllRegions(COST_DAYS) : [await ipc.keysCosts(region, COST_DAYS)];
      if (asked === this.#asked) this.regions = got;
    } catch {
      // The commands answer "unavailable" themselves; a failed call shows no figures.
      if (asked === this.#asked) this.regions = [];
    }
  }

  clear(): void {
    this.#asked++;
    this.regions = [];
  }

  of(key: KeyView): KeyCost | null {
    const r = this.regions.find((x) => x.region === key.region);
    return r?.keys.find((k) => String(k.apiKeyId) === String(key.apiKeyId)) ?? null;
  }

  currencyOf(region: RegionId): string {
    return this.regions.find((x) => x.region === region)?.currency ?? "";
  }

  /** Why `region` has no figures (its one sentence), or null when it has them. */
  unavailableIn(region: RegionId): string | null {
    return this.regions.find((x) => x.region === region)?.unavailable?.message ?? null;
  }

  /** Regions whose figures could not be had, with the sentence saying why. */
  get unavailable(): KeysCosts[] {
    return this.regions.filter((r) => r.unavailable);
  }

  /** Idle: enabled now (a key disabled since the figures came is not), no spend, made before the period. */
  idle(key: KeyView): boolean {
    return key.enabled && (this.of(key)?.idle ?? false);
  }
}

export const costs = new CostsStore();
