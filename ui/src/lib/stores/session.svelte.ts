// The current account, region (or all regions) and workspace filter, and the
// moves between them.
import { ipc, tellRegionShown, type KeyView, type RegionId } from "../ipc";
import { afterPaint } from "../afterPaint";
import { app } from "./app.svelte";
import { reported } from "./attempt.svelte";
import { keys } from "./keys.svelte";
import { profiles } from "./profiles.svelte";
import { reviews } from "./reviews.svelte";
import { spend } from "./spend.svelte";
import { rotations } from "./rotations.svelte";
import { forgetModels, workspaces } from "./workspaces.svelte";

class SessionStore {
  /** "all": every region's keys in one list (no workspace filter there). */
  region = $state<RegionId | "all">("cn-beijing");
  workspaceId = $state<string | null>(null);

  #startRegion(): RegionId {
    const p = profiles.active;
    const wanted = p?.currentRegion;
    return app.region(wanted)?.id ?? app.regions[0]?.id ?? "cn-beijing";
  }

  #show(): Promise<void> {
    const profileId = profiles.active?.id ?? "";
    if (this.region !== "all") void workspaces.show(profileId, this.region);
    return keys.show({ profileId, region: this.region, workspaceId: this.workspaceId });
  }

  async start(): Promise<void> {
    this.region = this.#startRegion();
    this.workspaceId = null;
    tellRegionShown(this.region);
    void reviews.reset();
    void spend.reset();
    // The new account's rotations come with its first list.
    rotations.forget();
    await this.#show();
  }

  async switchRegion(region: RegionId | "all"): Promise<void> {
    if (region === this.region || (region !== "all" && !app.region(region))) return;
    this.region = region;
    this.workspaceId = null;
    tellRegionShown(region);
    // Remembering is a convenience: report a failure, but switch anyway. The
    // all-regions list is not remembered: the next start opens one region.
    if (region !== "all") void afterPaint().then(() => reported(ipc.profileSetRegion(region)));
    await this.#show();
  }

  async switchProfile(profileId: string): Promise<void> {
    if (!(await reported(profiles.activate(profileId)))) return;
    forgetModels();
    await this.start();
  }

  /** A key named elsewhere (a reminder): shown in its region's list (unless
   * all regions are listed) with no workspace filter hiding it; null when it
   * is not there. */
  async reveal(region: RegionId, apiKeyId: string): Promise<KeyView | null> {
    if (this.region !== "all" && this.region !== region) await this.switchRegion(region);
    else if (this.workspaceId !== null) await this.setWorkspace(null);
    return keys.find(region, apiKeyId);
  }

  async setWorkspace(workspaceId: string | null): Promise<void> {
    this.workspaceId = workspaceId;
    await this.#show();
  }
}

export const session = new SessionStore();
