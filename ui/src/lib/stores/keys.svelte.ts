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
  type TempKeyView,
  type VerifyResult,
} from "../ipc";
import { tick } from "svelte";
import { app } from "./app.svelte";
import { Attempt } from "./attempt.svelte";
import { mark, takeMarks } from "../bench";

export type ListContext = { profileId: string; region: RegionId; workspaceId: string | null };

// Key actions are plain calls: their IpcError goes to the panel that asked
// (a row, a dialog), which shows it through its own Attempt.
class KeysStore {
  #cache = new Map<string, KeyPage>();
  #load = new Attempt({ mode: "load" });
  context = $state<ListContext | null>(null);
  page = $state<KeyPage | null>(null);

  get loading(): boolean {
    return this.#load.busy !== null;
  }

  get error(): IpcError | null {
    return this.#load.error;
  }

  get keys(): KeyView[] {
    return this.page?.keys ?? [];
  }

  get region(): RegionId | null {
    return this.context?.region ?? null;
  }

  get atLimit(): boolean {
    const q = this.page?.quota;
    return !!q && q.used >= q.limit;
  }

  #key(c: ListContext): string {
    return `${c.profileId}|${c.region}|${c.workspaceId ?? "*"}`;
  }

  /** Switch to a context: cached page at once, fresh one when it arrives. */
  async show(c: ListContext): Promise<void> {
    this.context = c;
    this.page = this.#cache.get(this.#key(c)) ?? null;
    this.#load.error = null;
    if (this.page) this.#painted(c.region, "cache");
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const c = this.context;
    if (!c) return;
    const page = await this.#load.run("refresh", async () => {
      mark("list-requested");
      const page = await ipc.keysList(c.region, c.workspaceId);
      mark("list-received");
      return page;
    });
    if (!page) return;
    this.#cache.set(this.#key(c), page);
    this.page = page;
    this.#painted(c.region, "network");
  }

  /** Benchmark builds time launch and region switches by this signal. A
   * requestAnimationFrame callback runs before its frame is painted; the one
   * after it means the list is on screen (the baseline window does the same).
   * Registered now, before the list renders, so it runs ahead of later work. */
  #painted(region: RegionId, source: "cache" | "network"): void {
    if (!app.info?.benchMode) return;
    void tick().then(() => mark("rendered"));
    requestAnimationFrame(() => {
      mark("frame-before-paint");
      requestAnimationFrame(() => {
        mark("frame");
        void ipc.uiPainted(region, source, takeMarks()).catch(() => {});
      });
    });
  }

  forget(): void {
    this.#cache.clear();
  }

  #region(): RegionId {
    const r = this.context?.region;
    if (!r) throw unexpectedError();
    return r;
  }

  #patch(id: KeyView["apiKeyId"], change: (k: KeyView) => KeyView | null): void {
    if (!this.page) return;
    const keys = this.page.keys
      .map((k) => (String(k.apiKeyId) === String(id) ? change(k) : k))
      .filter((k): k is KeyView => k !== null);
    const removed = this.page.keys.length - keys.length;
    this.page = {
      ...this.page,
      keys,
      totalCount: this.page.totalCount - removed,
      quota: { ...this.page.quota, used: Math.max(0, this.page.quota.used - removed) },
    };
  }

  async create(input: Omit<CreateKeyInput, "region">): Promise<OneTimeKey> {
    const k = await ipc.keyCreate({ ...input, region: this.#region() });
    void this.refresh();
    return k;
  }

  async reset(id: KeyView["apiKeyId"]): Promise<OneTimeKey> {
    const k = await ipc.keyReset(this.#region(), id);
    void this.refresh();
    return k;
  }

  async update(id: KeyView["apiKeyId"], description: string, permission: Permission | null): Promise<void> {
    const updated = await ipc.keyUpdate(this.#region(), id, description, permission);
    this.#patch(id, () => updated);
  }

  async setEnabled(id: KeyView["apiKeyId"], enabled: boolean): Promise<void> {
    await ipc.keySetEnabled(this.#region(), id, enabled);
    this.#patch(id, (k) => ({ ...k, enabled }));
  }

  async remove(id: KeyView["apiKeyId"]): Promise<void> {
    await ipc.keyDelete(this.#region(), id);
    this.#patch(id, () => null);
    void this.refresh();
  }

  async copySaved(id: KeyView["apiKeyId"]): Promise<ClipboardStatus> {
    return ipc.keyCopySaved(this.#region(), id);
  }

  /** `DASHSCOPE_API_KEY=...` with the base URL comment, from the saved copy (in Rust). */
  async copyEnv(id: KeyView["apiKeyId"]): Promise<ClipboardStatus> {
    return ipc.keyCopyEnv(this.#region(), id);
  }

  /** Remove this computer's saved copy; the key itself is not touched. */
  async forgetSaved(id: KeyView["apiKeyId"]): Promise<void> {
    await ipc.keyForget(this.#region(), id);
    this.#patch(id, (k) => ({ ...k, saved: "notSaved" }));
  }

  /** Save a value the person pasted. The caller drops its copy right after. */
  async savePasted(id: KeyView["apiKeyId"], value: string): Promise<PastedFormat> {
    const format = await ipc.keySavePasted(this.#region(), id, value);
    this.#patch(id, (k) => ({ ...k, saved: "saved" }));
    return format;
  }

  /** Write the saved copy to a file Rust asks for; null when cancelled. */
  async exportSaved(id: KeyView["apiKeyId"], format: ExportFormat): Promise<string | null> {
    return ipc.keyExport(this.#region(), id, format);
  }

  async copyText(text: string): Promise<void> {
    await ipc.clipboardCopyText(text);
  }

  async verify(id: KeyView["apiKeyId"]): Promise<VerifyResult> {
    return ipc.keyVerify(this.#region(), id);
  }

  async tempKey(id: KeyView["apiKeyId"], ttlSeconds: number): Promise<TempKeyView> {
    return ipc.tempKeyCreate(this.#region(), id, ttlSeconds);
  }
}

export const keys = new KeysStore();
