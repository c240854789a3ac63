// Workspaces and authorized models per account and region, cached so that
// switching back is instant.
import { ipc, toIpcError, type IpcError, type ModelView, type RegionId, type WorkspaceView } from "../ipc";
import { t } from "../i18n/index.svelte";

class WorkspacesStore {
  #cache = new Map<string, WorkspaceView[]>();
  list = $state<WorkspaceView[]>([]);
  loading = $state(false);
  error = $state<IpcError | null>(null);
  #seq = 0;

  get defaultWorkspace(): WorkspaceView | undefined {
    return this.list.find((w) => w.isDefault) ?? this.list[0];
  }

  name(id: string | null | undefined): string {
    return this.list.find((w) => w.workspaceId === id)?.workspaceName ?? id ?? "";
  }

  async show(profileId: string, region: RegionId): Promise<void> {
    const key = `${profileId}|${region}`;
    const seq = ++this.#seq;
    this.list = this.#cache.get(key) ?? [];
    this.loading = true;
    try {
      const list = await ipc.workspacesList(region);
      if (seq !== this.#seq) return;
      this.#cache.set(key, list);
      this.list = list;
      this.error = null;
    } catch (e) {
      if (seq === this.#seq) this.error = toIpcError(e, t("common.unexpected"));
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  forget(): void {
    this.#cache.clear();
  }
}

export const workspaces = new WorkspacesStore();

const modelCache = new Map<string, ModelView[]>();

/** Models the workspace may call (AUTHORIZED + INFERENCE); throws IpcError. */
export async function authorizedModels(region: RegionId, workspaceId: string): Promise<ModelView[]> {
  const key = `${region}|${workspaceId}`;
  const hit = modelCache.get(key);
  if (hit) return hit;
  try {
    const list = await ipc.modelsAuthorized(region, workspaceId);
    modelCache.set(key, list);
    return list;
  } catch (e) {
    throw toIpcError(e, t("common.unexpected"));
  }
}

/** Another account sees other models. */
export function forgetModels(): void {
  modelCache.clear();
}
