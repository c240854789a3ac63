// What the app is: name, version, and the region table that drives the rules.
import { ipc, toIpcError, type AppInfo, type IpcError, type Region, type RegionId } from "../ipc";
import { t } from "../i18n/index.svelte";

class AppStore {
  info = $state<AppInfo | null>(null);
  error = $state<IpcError | null>(null);

  get regions(): Region[] {
    return this.info?.regions ?? [];
  }

  region(id: RegionId | null | undefined): Region | undefined {
    return this.regions.find((r) => r.id === id);
  }

  async load(): Promise<boolean> {
    try {
      this.info = await ipc.appInfo();
      this.error = null;
      return true;
    } catch (e) {
      this.error = toIpcError(e, t("app.startFailed"));
      return false;
    }
  }
}

export const app = new AppStore();
