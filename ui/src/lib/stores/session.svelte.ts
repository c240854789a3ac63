// The current account, region and workspace filter, and the moves between them.
import { ipc, type RegionId } from "../ipc";
import { app } from "./app.svelte";
import { reported } from "./attempt.svelte";
import { keys } from "./keys.svelte";
import { profiles } from "./profiles.svelte";
import { forgetModels, workspaces } from "./workspaces.svelte";

class SessionStore {
  region = $state<RegionId>("cn-beijing");
  workspaceId = $state<string | null>(null);

  #startRegion(): RegionId {
    const p = profiles.active;
    const wanted = p?.currentRegion;
    return app.region(wanted)?.id ?? app.regions[0]?.id ?? "cn-beijing";
  }

  #show(): Promise<void> {
    const profileId = profiles.active?.id ?? "";
    void workspaces.show(profileId, this.region);
    return keys.show({ profileId, region: this.region, workspaceId: this.workspaceId });
  }

  async start(): Promise<void> {
    this.region = this.#startRegion();
    this.workspaceId = null;
    await this.#show();
  }

  async switchRegion(region: RegionId): Promise<void> {
    if (region === this.region || !app.region(region)) return;
    this.region = region;
    this.workspaceId = null;
    // Remembering is a convenience: report a failure, but switch anyway.
    void reported(ipc.profileSetRegion(region));
    await this.#show();
  }

  async switchProfile(profileId: string): Promise<void> {
    if (!(await reported(profiles.activate(profileId)))) return;
    forgetModels();
    await this.start();
  }

  async setWorkspace(workspaceId: string | null): Promise<void> {
    this.workspaceId = workspaceId;
    await this.#show();
  }
}

export const session = new SessionStore();
