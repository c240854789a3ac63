// Workspaces and authorized models per account and region, cached so that
// switching back is instant.
import { ipc, type IpcError, type ModelView, type RegionId, type WorkspaceView } from "../ipc";
import { sameAnswer } from "../sameAnswer";
import { afterPaint } from "../afterPaint";
import { Attempt } from "./attempt.svelte";

class WorkspacesStore {
  #cache = new Map<string, WorkspaceView[]>();
  #load = new Attempt({ mode: "load" });
  list = $state<WorkspaceView[]>([]);
  /** The account and region whose workspaces are shown (a late answer for another is dropped). */
  #shown = "";

  get error(): IpcError | null {
    return this.#load.error;
  }

  get defaultWorkspace(): WorkspaceView | undefined {
    return this.list.find((w) => w.isDefault) ?? this.list[0];
  }

  name(id: string | null | undefined): string {
    return this.list.find((w) => w.workspaceId === id)?.workspaceName ?? id ?? "";
  }

  async show(profileId: string, region: RegionId): Promise<void> {
    const key = `${profileId}|${region}`;
    const cached = this.#cache.get(key);
    this.list = cached ?? [];
    this.#shown = key;
    // With a cached list on screen, the refresh waits until the switch is painted.
    if (cached) await afterPaint();
    if (this.#shown !== key) return;
    const list = await this.#load.run("load", () => ipc.workspacesList(region));
    if (!list || this.#shown !== key) return;
    this.#cache.set(key, list);
    if (!sameAnswer(list, this.list)) this.list = list;
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
  const list = await ipc.modelsAuthorized(region, workspaceId);
  modelCache.set(key, list);
  return list;
}

/** Another account sees other models. */
export function forgetModels(): void {
  modelCache.clear();
}
