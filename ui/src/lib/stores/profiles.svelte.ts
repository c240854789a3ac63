// Connected accounts (profiles). The sandbox is one of them. Failures reach
// the caller as the IpcError `ipc` threw; the panel that asked shows it.
import {
  ipc,
  type ConnectionReport,
  type ImportCandidate,
  type ProfileInput,
  type ProfilePreferences,
  type ProfileView,
  type SandboxIdentity,
} from "../ipc";
import { t } from "../i18n/index.svelte";

class ProfilesStore {
  list = $state<ProfileView[]>([]);
  loaded = $state(false);
  /** The sandbox's seeded identities; loaded when the accounts dialog opens. */
  identities = $state<SandboxIdentity[]>([]);

  /** How a profile is named on screen: sandbox ones by who they act as. */
  label(p: ProfileView): string {
    if (!p.sandbox) return p.name;
    if (p.id === "sandbox") return t("profiles.sandboxName");
    const who = this.identities.find((i) => i.profileId === p.id);
    return who ? t(`sandboxAs.role.${who.role}`) : p.name;
  }

  get active(): ProfileView | undefined {
    return this.list.find((p) => p.active);
  }

  /** True while no real Alibaba Cloud account is connected yet. */
  get onlySandbox(): boolean {
    return this.list.every((p) => p.sandbox);
  }

  async load(): Promise<void> {
    this.list = await ipc.profilesList();
    this.loaded = true;
  }

  async activate(id: string): Promise<ProfileView> {
    const p = await ipc.profileActivate(id);
    this.list = this.list.map((x) => (x.id === p.id ? p : { ...x, active: false }));
    return p;
  }

  async add(input: ProfileInput): Promise<ProfileView> {
    const p = await ipc.profileAdd(input);
    await this.load();
    return p;
  }

  async remove(id: string): Promise<void> {
    await ipc.profileDelete(id);
    await this.load();
  }

  importCandidates(): Promise<ImportCandidate[]> {
    return ipc.profileImportCandidates();
  }

  async import(candidateId: string, name: string): Promise<ProfileView> {
    const p = await ipc.profileImport(candidateId, name);
    await this.load();
    return p;
  }

  async loadIdentities(): Promise<void> {
    this.identities = await ipc.sandboxIdentities();
  }

  /** The sandbox profile acting as `identity` (added on first use). */
  async addSandboxIdentity(identity: string): Promise<ProfileView> {
    const p = await ipc.profileAddSandboxIdentity(identity);
    await this.load();
    await this.loadIdentities();
    return p;
  }

  async setPreferences(id: string, preferences: ProfilePreferences): Promise<void> {
    const p = await ipc.profileSetPreferences(id, preferences);
    this.list = this.list.map((x) => (x.id === p.id ? { ...p, active: x.active } : x));
  }

  test(id: string): Promise<ConnectionReport> {
    return ipc.profileTest(id);
  }
}

export const profiles = new ProfilesStore();
