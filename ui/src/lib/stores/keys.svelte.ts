// The key list of the current account, region and workspace filter. Pages are
// cached per context: a switch shows the cached list at once and refreshes it
// behind. Errors never clear the last good list.
import {
  ipc,
  toIpcError,
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
import { t } from "../i18n/index.svelte";
import { tick } from "svelte";
import { app } from "./app.svelte";
import { mark, takeMarks } from "../bench";

export type ListContext = { profileId: string; region: RegionId; workspaceId: string | null };

function fail(e: unknown): never {
  throw toIpcError(e, t("common.unexpected"));
}

class KeysStore {
  #cache = new Map<string, KeyPage>();
  #seq = 0;
  context = $state<ListContext | null>(null);
  page = $state<KeyPage | null>(null);
  loading = $state(false);
  error = $state<IpcError | null>(null);

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
    this.error = null;
    if (this.page) this.#painted(c.region, "cache");
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const c = this.context;
    if (!c) return;
    const seq = ++this.#seq;
    this.loading = true;
    try {
      mark("list-requested");
      const page = await ipc.keysList(c.region, c.workspaceId);
      mark("list-received");
      if (seq !== this.#seq) return;
      this.#cache.set(this.#key(c), page);
      this.page = page;
      this.error = null;
      this.#painted(c.region, "network");
    } catch (e) {
      if (seq === this.#seq) this.error = toIpcError(e, t("common.unexpected"));
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
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
    if (!r) throw toIpcError(null, t("common.unexpected"));
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
    try {
      const k = await ipc.keyCreate({ ...input, region: this.#region() });
      void this.refresh();
      return k;
    } catch (e) {
      fail(e);
    }
  }

  async reset(id: KeyView["apiKeyId"]): Promise<OneTimeKey> {
    try {
      const k = await ipc.keyReset(this.#region(), id);
      void this.refresh();
      return k;
    } catch (e) {
      fail(e);
    }
  }

  async update(id: KeyView["apiKeyId"], description: string, permission: Permission | null): Promise<void> {
    try {
      const updated = await ipc.keyUpdate(this.#region(), id, description, permission);
      this.#patch(id, () => updated);
    } catch (e) {
      fail(e);
    }
  }

  async setEnabled(id: KeyView["apiKeyId"], enabled: boolean): Promise<void> {
    try {
      await ipc.keySetEnabled(this.#region(), id, enabled);
      this.#patch(id, (k) => ({ ...k, disabled: !enabled }));
    } catch (e) {
      fail(e);
    }
  }

  async remove(id: KeyView["apiKeyId"]): Promise<void> {
    try {
      await ipc.keyDelete(this.#region(), id);
      this.#patch(id, () => null);
      void this.refresh();
    } catch (e) {
      fail(e);
    }
  }

  async copySaved(id: KeyView["apiKeyId"]): Promise<ClipboardStatus> {
    try {
      return await ipc.keyCopySaved(this.#region(), id);
    } catch (e) {
      fail(e);
    }
  }

  /** `DASHSCOPE_API_KEY=...` with the base URL comment, from the saved copy (in Rust). */
  async copyEnv(id: KeyView["apiKeyId"]): Promise<ClipboardStatus> {
    try {
      return await ipc.keyCopyEnv(this.#region(), id);
    } catch (e) {
      fail(e);
    }
  }

  /** Remove this computer's saved copy; the key itself is not touched. */
  async forgetSaved(id: KeyView["apiKeyId"]): Promise<void> {
    try {
      await ipc.keyForget(this.#region(), id);
      this.#patch(id, (k) => ({ ...k, saved: false, stale: false }));
    } catch (e) {
      fail(e);
    }
  }

  /** Save a value the person pasted. The caller drops its copy right after. */
  async savePasted(id: KeyView["apiKeyId"], value: string): Promise<PastedFormat> {
    try {
      const format = await ipc.keySavePasted(this.#region(), id, value);
      this.#patch(id, (k) => ({ ...k, saved: true, stale: false }));
      return format;
    } catch (e) {
      fail(e);
    }
  }

  /** Write the saved copy to a file Rust asks for; null when cancelled. */
  async exportSaved(id: KeyView["apiKeyId"], format: ExportFormat): Promise<string | null> {
    try {
      return await ipc.keyExport(this.#region(), id, format);
    } catch (e) {
      fail(e);
    }
  }

  async copyText(text: string): Promise<void> {
    try {
      await ipc.clipboardCopyText(text);
    } catch (e) {
      fail(e);
    }
  }

  async verify(id: KeyView["apiKeyId"]): Promise<VerifyResult> {
    try {
      return await ipc.keyVerify(this.#region(), id);
    } catch (e) {
      fail(e);
    }
  }

  async tempKey(id: KeyView["apiKeyId"], ttlSeconds: number): Promise<TempKeyView> {
    try {
      return await ipc.tempKeyCreate(this.#region(), id, ttlSeconds);
    } catch (e) {
      fail(e);
    }
  }
}

export const keys = new KeysStore();
