// What the app is: name, version, and the region table that drives the rules.
import { ipc, type AppInfo, type IpcError, type Region, type RegionId } from "../ipc";
import { Attempt } from "./attempt.svelte";

class AppStore {
  info = $state<AppInfo | null>(null);
  #start = new Attempt();

  /** Why the app could not start, for the start-up screen. */
  get error(): IpcError | null {
    return this.#start.error;
  }

  get regions(): Region[] {
    return this.info?.regions ?? [];
  }

  region(id: RegionId | null | undefined): Region | undefined {
    return this.regions.find((r) => r.id === id);
  }

  async load(): Promise<boolean> {
    const info = await this.#start.run("load", () => ipc.appInfo());
    if (info) this.info = info;
    return info !== undefined;
  }
}

export const app = new AppStore();
