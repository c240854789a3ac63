// The key list of the current account, region and workspace filter. Pages are
// cached per context: a switch shows the cached list at once and refreshes it
// behind. Errors never clear the last good list.
import {
  ipc,
  unexpectedError,
  type ClipboardStatus,
  type CreateKeyInput,
  type ExportFormat,
  type IpcError,
  type KeyPage,
  type KeyView,
  type OneTimeKey,
  type PastedFormat,
  type Permission,
  type RegionId,
  type RegionKeys,
  type TempKeyView,
  type VerifyResult,
} from "../ipc";
import { sameAnswer } from "../sameAnswer";
import { Attempt } from "./attempt.svelte";
import { afterPaint } from "../afterPaint";
import { mark, reportPaint } from "../bench";
import { costs } from "./costs.svelte";
import { rotations } from "./rotations.svelte";

/** `region: "all"` lists every region's keys in one table. */
export type ListContext = { profileId: string; region: RegionId | "all"; workspaceId: string | null };

// Key actions are plain calls: their IpcError goes to the panel that asked
// (the list, a detail panel, a dialog), which shows it through its own Attempt.
// Each action names its key's own region, so the all-regions list acts on the
// key's region.
class KeysStore {
  #cache = new Map<string, KeyPage | RegionKeys[]>();
  #load = new Attempt({ mode: "load" });
  context = $state<ListContext | null>(null);
  /** The one region's page (null in the all-regions list). */
  page = $state<KeyPage | null>(null);
  /** Each region's share of the all-regions list (null for one region). */
  regions = $state<RegionKeys[] | null>(null);

  get loading(): boolean {
    return this.#load.busy !== null;
  }

  get error(): IpcError | null {
    return this.#load.error;
  }

  /** The all-regions list is showing. */
  get allRegions(): boolean {
    return this.context?.region === "all";
  }

  /** Something is listed (a page, or the all-regions answer). */
  get loaded(): boolean {
    return this.page !== null || this.regions !== null;
  }

  get keys(): KeyView[] {
    if (this.regions) return this.regions.flatMap((r) => r.page?.keys ?? []);
    return this.page?.keys ?? [];
  }

  /** The active account's `createdBy`, when known: its keys say "you". */
  get you(): string | null {
    if (this.regions) return this.regions.find((r) => r.page?.you)?.page?.you ?? null;
    return this.page?.you ?? null;
  }

  get region(): RegionId | null {
    const r = this.context?.region;
    return r && r !== "all" ? r : null;
  }

  get atLimit(): boolean {
    const q = this.page?.quota;
    return !!q && q.used >= q.limit;
  }

  /** The live view of a key (after edits), or null once it is gone. */
  find(region: RegionId, id: string): KeyView | null {
    return this.keys.find((k) => k.region === region && String(k.apiKeyId) === String(id)) ?? null;
  }

  #key(c: ListContext): string {
    return `${c.profileId}|${c.region}|${c.workspaceId ?? "*"}`;
  }

  #adopt(cached: KeyPage | RegionKeys[] | undefined): void {
    this.page = cached && !Array.isArray(cached) ? cached : null;
    this.regions = Array.isArray(cached) ? cached : null;
  }

  /** Switch to a context: cached list at once, fresh one when it arrives. */
  async show(c: ListContext): Promise<void> {
    this.context = c;
    // `context` holds Svelte's proxy of `c`: refresh() compares with that.
    this.#unpainted = { context: this.context, seq: ++this.#shows };
    const shown = this.context;
    this.#adopt(this.#cache.get(this.#key(c)));
    costs.show(this.#key(c));
    this.#load.error = null;
    if (this.page) {
      // The cached rows first; the quiet refresh (its calls and its answer)
      // after they are on screen, so that it never delays them.
      this.#paintedOnce("cache");
      await afterPaint();
      if (this.context !== shown) return;
    }
    await this.refresh();
  }

  /** Ask for the list shown again (after a switch, an action). */
  async refresh(): Promise<void> {
    const c = this.context;
    if (!c) return;
    const region = c.region;
    const listed = await this.#load.run("refresh", async () => {
      if (region === "all") return ipc.keysListAllRegions();
      mark("list-requested");
      const page = await ipc.keysList(region, c.workspaceId);
      mark("list-received");
      return page;
    });
    if (!listed || this.context !== c) return;
    const merged = Array.isArray(listed) ? this.#keepLastGood(listed) : listed;
    // A refresh that brings what is already on screen changes nothing: the
    // rows are not rendered a second time (a warm switch paints its cached
    // rows once, and a refresh that found no change does not redraw).
    const shown = this.#cache.get(this.#key(c));
    if (!shown || !sameAnswer(shown, merged)) {
      this.#cache.set(this.#key(c), merged);
      this.#adopt(merged);
    }
    // The bill comes after the list: the list never waits for it. So do the
    // rotations (held against the cloud too), for the reminder and the detail:
    // they are the account's, asked for with its first list; each rotation
    // step puts its own answer, and the Refresh button asks again.
    void costs.load(region, this.#key(c));
    void rotations.loadOnce();
    this.#paintedOnce("network");
  }

  /** Lists shown since launch (the launch's is 1): the benchmark matches a
   * paint to the key press that asked for it by this number. */
  #shows = 0;
  /** The list shown whose first paint is still to be reported. */
  #unpainted: { context: ListContext; seq: number } | null = null;

  /** Reports the first paint of the list now shown (one region's), once. */
  #paintedOnce(source: "cache" | "network"): void {
    const u = this.#unpainted;
    const region = this.region;
    if (!u || u.context !== this.context || !region) return;
    this.#unpainted = null;
    reportPaint(region, source, u.seq);
  }

  forget(): void {
    this.#cache.clear();
  }

  /** A region that failed this time keeps its last good keys beside its error
   * (as a failed refresh of one region keeps its list). */
  #keepLastGood(fresh: RegionKeys[]): RegionKeys[] {
    return fresh.map((r) => {
      if (r.page) return r;
      const last = this.regions?.find((x) => x.region === r.region)?.page ?? null;
      return last ? { ...r, page: last } : r;
    });
  }

  #createRegion(): RegionId {
    const r = this.region;
    if (!r) throw unexpectedError();
    return r;
  }

  /** Change or drop one key in whatever is listed (one region or all). */
  #patch(key: KeyView, change: (k: KeyView) => KeyView | null): void {
    const apply = (page: KeyPage): KeyPage => {
      const keys = page.keys
        .map((k) => (k.region === key.region && String(k.apiKeyId) === String(key.apiKeyId) ? change(k) : k))
        .filter((k): k is KeyView => k !== null);
      const removed = page.keys.length - keys.length;
      return {
        ...page,
        keys,
        totalCount: page.totalCount - removed,
        quota: { ...page.quota, used: Math.max(0, page.quota.used - removed) },
      };
    };
    const applyAll = (list: RegionKeys[]) =>
      list.map((r) => (r.region === key.region && r.page ? { ...r, page: apply(r.page) } : r));
    if (this.page) this.page = apply(this.page);
    if (this.regions) this.regions = applyAll(this.regions);
    // Other views of the same key (its region's list, the all-regions list)
    // show the change too when switched to, before their refresh lands.
    for (const [k, cached] of this.#cache) {
      if (Array.isArray(cached)) this.#cache.set(k, applyAll(cached));
      else if (k.split("|")[1] === key.region) this.#cache.set(k, apply(cached));
    }
    const c = this.context;
    if (c && this.#cache.has(this.#key(c))) this.#cache.set(this.#key(c), this.regions ?? this.page!);
  }

  async create(input: Omit<CreateKeyInput, "region">): Promise<OneTimeKey> {
    const k = await ipc.keyCreate({ ...input, region: this.#createRegion() });
    void this.refresh();
    return k;
  }

  async reset(key: KeyView): Promise<OneTimeKey> {
    const k = await ipc.keyReset(key.region, key.apiKeyId);
    void this.refresh();
    return k;
  }

  async update(key: KeyView, description: string, permission: Permission | null): Promise<void> {
    const updated = await ipc.keyUpdate(key.region, key.apiKeyId, description, permission);
    this.#patch(key, () => updated);
  }

  async setEnabled(key: KeyView, enabled: boolean): Promise<void> {
    await ipc.keySetEnabled(key.region, key.apiKeyId, enabled);
    this.#patch(key, (k) => ({ ...k, enabled }));
  }

  async remove(key: KeyView): Promise<void> {
    await ipc.keyDelete(key.region, key.apiKeyId);
    this.#patch(key, () => null);
    void this.refresh();
  }

  async copySaved(key: KeyView): Promise<ClipboardStatus> {
    return ipc.keyCopySaved(key.region, key.apiKeyId);
  }

  /** `DASHSCOPE_API_KEY=...` with the base URL comment, from the saved copy (in Rust). */
  async copyEnv(key: KeyView): Promise<ClipboardStatus> {
    return ipc.keyCopyEnv(key.region, key.apiKeyId);
  }

  /** Remove this computer's saved copy; the key itself is not touched. */
  async forgetSaved(key: KeyView): Promise<void> {
    await ipc.keyForget(key.region, key.apiKeyId);
    this.#patch(key, (k) => ({ ...k, saved: "notSaved" }));
  }

  /** Save a value the person pasted. The caller drops its copy right after. */
  async savePasted(key: KeyView, value: string): Promise<PastedFormat> {
    const format = await ipc.keySavePasted(key.region, key.apiKeyId, value);
    this.#patch(key, (k) => ({ ...k, saved: "saved" }));
    return format;
  }

  /** Write the saved copy to a file Rust asks for; null when cancelled. */
  async exportSaved(key: KeyView, format: ExportFormat): Promise<string | null> {
    return ipc.keyExport(key.region, key.apiKeyId, format);
  }

  async copyText(text: string): Promise<void> {
    await ipc.clipboardCopyText(text);
  }

  async verify(key: KeyView): Promise<VerifyResult> {
    return ipc.keyVerify(key.region, key.apiKeyId);
  }

  async tempKey(key: KeyView, ttlSeconds: number): Promise<TempKeyView> {
    return ipc.tempKeyCreate(key.region, key.apiKeyId, ttlSeconds);
  }

  /** Set (`YYYY-MM-DD`) or clear the day to look at the key again; kept on this computer. */
  async setReviewDate(key: KeyView, date: string | null): Promise<void> {
    await ipc.keySetReviewDate(key.region, key.apiKeyId, date, key.description);
    const today = localToday();
    this.#patch(key, (k) => ({ ...k, reviewBy: date, reviewDue: date !== null && date <= today }));
  }
}

/** A day on this computer's calendar, as `YYYY-MM-DD` (how review dates are kept). */
export function localDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Today on this computer's calendar. */
export function localToday(): string {
  return localDay(new Date());
}

export const keys = new KeysStore();
