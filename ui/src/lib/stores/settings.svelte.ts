// Settings live in Rust (settings_get/settings_set), never in webview storage.
import { ipc, toIpcError, type Settings } from "../ipc";
import { setLang, systemLang, t } from "../i18n/index.svelte";
import { notices } from "./notices.svelte";

export const DEFAULT_SETTINGS: Settings = { lang: "system", clipboardClearSeconds: 30, theme: "system", welcomeDone: false };

class SettingsStore {
  value = $state<Settings>({ ...DEFAULT_SETTINGS });

  /** Language and theme as the screen shows them. */
  apply(): void {
    setLang(this.value.lang === "system" ? systemLang() : this.value.lang);
    if (typeof document !== "undefined") {
      document.documentElement.dataset.theme = this.value.theme;
    }
  }

  async load(): Promise<void> {
    try {
      this.value = await ipc.settingsGet();
    } catch (e) {
      notices.error(toIpcError(e, t("common.unexpected")));
    }
    this.apply();
  }

  /** Saves and applies; throws the IpcError so the settings panel can show it. */
  async save(next: Settings): Promise<void> {
    try {
      this.value = await ipc.settingsSet(next);
    } catch (e) {
      throw toIpcError(e, t("common.unexpected"));
    }
    this.apply();
  }
}

export const settings = new SettingsStore();
