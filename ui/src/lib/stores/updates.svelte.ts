// The app's own updates. Checked once after the first paint (quietly: a server
// that cannot be reached says so in Settings, never in a dialog at start) and
// from Settings; downloaded, verified (in Rust) and installed on the person's word.
import { ipc, type DownloadProgress, type IpcError, type UpdateInfo } from "../ipc";
import { Attempt } from "./attempt.svelte";

export type UpdateState =
  | "unknown"
  | "checking"
  | "notConfigured"
  | "upToDate"
  | "unreachable"
  | "available"
  | "downloading"
  | "ready";

class UpdatesStore {
  state = $state<UpdateState>("unknown");
  info = $state<UpdateInfo | null>(null);
  progress = $state<DownloadProgress | null>(null);
  /** Why the last check failed, for Settings. */
  checkError = $state<IpcError | null>(null);
  /** The banner was put aside for this run. */
  bannerDismissed = $state(false);
  /** Download and install: their failures show in the update dialog. */
  readonly action = new Attempt<"download" | "install">();

  async check(): Promise<void> {
    if (this.state === "checking" || this.state === "downloading") return;
    const before = this.state;
    this.state = "checking";
    try {
      const found = await ipc.updateCheck();
      this.checkError = null;
      if (found.state === "available") {
        const { state, ...info } = found;
        this.info = info;
        this.state = state;
      } else {
        this.info = null;
        this.state = found.state;
      }
    } catch (e) {
      // A failed re-check forgets nothing: an update found (or downloaded) before stays.
      this.checkError = e as IpcError;
      this.state = this.info ? before : "unreachable";
    }
  }

  async download(): Promise<void> {
    if (!this.info || this.state === "checking" || this.state === "downloading") return;
    this.progress = { received: 0, total: null };
    this.state = "downloading";
    const done = await this.action.run("download", async () => {
      await ipc.updateDownload((p) => (this.progress = p));
      return true;
    });
    this.state = done ? "ready" : "available";
  }

  async install(): Promise<void> {
    await this.action.run("install", () => ipc.updateInstall());
  }
}

export const updates = new UpdatesStore();
