// What each listed key cost over the last 30 days, from the bill (Model
// Studio's GetBillingTrend by API key), asked after the list arrives so the
// list never waits for it. Amounts stay the bill's decimal strings with their
// currency and period: never added up or rounded here. Without figures (no
// permission, no data, an outage) a region carries its one-line reason and
// no key is idle.
import { ipc, type KeyCost, type KeysCosts, type KeyView, type RegionId } from "../ipc";
import { sameAnswer } from "../sameAnswer";

/** The list's cost column, sparkline and idle rule cover this many days. */
export const COST_DAYS = 30;

class CostsStore {
  /** Per region shown: its figures or the reason there are none. */
  regions = $state<KeysCosts[]>([]);
  #asked = 0;
  /** The figures last had for each list (keys' context key), shown at once when it is shown again. */
  #cache = new Map<string, KeysCosts[]>();

  /** Another list is shown: its figures as last had (none yet: none) until fresh ones come. */
  show(list: string): void {
    this.#asked++;
    this.regions = this.#cache.get(list) ?? [];
  }

  /** Ask for the figures of the list now shown (one region, or all of them; `list` names it for the cache). */
  async load(region: RegionId | "all", list: string = region): Promise<void> {
    const asked = ++this.#asked;
    try {
      const got = region === "all" ? await ipc.keysCostsAllRegions(COST_DAYS) : [await ipc.keysCosts(region, COST_DAYS)];
      if (asked !== this.#asked) return;
      this.#cache.set(list, got);
      // The same figures again change nothing on screen: the rows are not drawn again.
      if (!sameAnswer(got, this.regions)) this.regions = got;
    } catch {
      // The commands answer "unavailable" themselves; a failed call shows no figures.
      if (asked === this.#asked) this.regions = [];
    }
  }

  clear(): void {
    this.#asked++;
    this.#cache.clear();
    this.regions = [];
  }

  /** Each key's figures by region and id: asked for every row (and for every
   * key by the idle checks), so a lookup never walks the list (500 keys would
   * make that 250,000 steps a keystroke). */
  #byKey = $derived.by(() => {
    const index = new Map<string, KeyCost>();
    for (const r of this.regions) for (const k of r.keys) index.set(`${r.region}|${k.apiKeyId}`, k);
    return index;
  });

  of(key: KeyView): KeyCost | null {
    return this.#byKey.get(`${key.region}|${key.apiKeyId}`) ?? null;
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
