// Connected accounts (profiles). The sandbox is one of them.
import {
  ipc,
  toIpcError,
  type ConnectionReport,
  type ImportCandidate,
  type ProfileInput,
  type ProfilePreferences,
  type ProfileView,
  type SandboxIdentity,
} from "../ipc";
import { t } from "../i18n/index.svelte";

function fail(e: unknown): never {
  throw toIpcError(e, t("common.unexpected"));
}

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
    try {
      this.list = await ipc.profilesList();
      this.loaded = true;
    } catch (e) {
      fail(e);
    }
  }

  async activate(id: string): Promise<ProfileView> {
    try {
      const p = await ipc.profileActivate(id);
      this.list = this.list.map((x) => (x.id === p.id ? p : { ...x, active: false }));
      return p;
    } catch (e) {
      fail(e);
    }
  }

  async add(input: ProfileInput): Promise<ProfileView> {
    try {
      const p = await ipc.profileAdd(input);
      await this.load();
      return p;
    } catch (e) {
      fail(e);
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await ipc.profileDelete(id);
      await this.load();
    } catch (e) {
      fail(e);
    }
  }

  async importCandidates(): Promise<ImportCandidate[]> {
    try {
      return await ipc.profileImportCandidates();
    } catch (e) {
      fail(e);
    }
  }

  async import(candidateId: string, name: string): Promise<ProfileView> {
    try {
      const p = await ipc.profileImport(candidateId, name);
      await this.load();
      return p;
    } catch (e) {
      fail(e);
    }
  }

  async loadIdentities(): Promise<void> {
    try {
      this.identities = await ipc.sandboxIdentities();
    } catch (e) {
      fail(e);
    }
  }

  /** The sandbox profile acting as `identity` (added on first use). */
  async addSandboxIdentity(identity: string): Promise<ProfileView> {
    try {
      const p = await ipc.profileAddSandboxIdentity(identity);
      await this.load();
      await this.loadIdentities();
      return p;
    } catch (e) {
      fail(e);
    }
  }

  async setPreferences(id: string, preferences: ProfilePreferences): Promise<void> {
    try {
      const p = await ipc.profileSetPreferences(id, preferences);
      this.list = this.list.map((x) => (x.id === p.id ? { ...p, active: x.active } : x));
    } catch (e) {
      fail(e);
    }
  }

  async test(id: string): Promise<ConnectionReport> {
    try {
      return await ipc.profileTest(id);
    } catch (e) {
      fail(e);
    }
  }
}

export const profiles = new ProfilesStore();
