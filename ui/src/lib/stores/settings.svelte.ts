// Settings live in Rust (settings_get/settings_set), never in webview storage.
import { ipc, type Settings } from "../ipc";
import { setLang, systemLang } from "../i18n/index.svelte";
import { reported } from "./attempt.svelte";

export const DEFAULT_SETTINGS: Settings = { lang: "system", clipboardClearSeconds: 30, theme: "system", welcomeDone: false, flagIdleKeys: true, closeToTray: false };

class SettingsStore {
  value = $state<Settings>({ ...DEFAULT_SETTINGS });

  /** Language and theme as the screen shows them; resolves once the
   * language's catalog is loaded. */
  async apply(): Promise<void> {
    const lang = setLang(this.value.lang === "system" ? systemLang() : this.value.lang);
    if (typeof document !== "undefined") {
      document.documentElement.dataset.theme = this.value.theme;
    }
    await lang;
  }

  /** Unreadable settings are reported; the defaults (or what was there) still apply. */
  async load(): Promise<void> {
    const value = await reported(ipc.settingsGet());
    if (value) this.value = value;
    await this.apply();
  }

  /** Saves and applies; rejects with the IpcError so the settings panel can show it. */
  async save(next: Settings): Promise<void> {
    this.value = await ipc.settingsSet(next);
    await this.apply();
  }
}

export const settings = new SettingsStore();
