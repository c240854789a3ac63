// The accounts dialog: trying the sandbox as a RAM user, and the per-account
// "save new keys on this computer" preference, against mocked IPC.
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { APP_INFO, ipcError, makePage, makeProfile } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import type { ProfileView } from "../ipc";
import { setLang } from "../i18n/index.svelte";
import { app } from "../stores/app.svelte";
import { dialogs } from "../stores/dialogs.svelte";
import { keys } from "../stores/keys.svelte";
import { profiles } from "../stores/profiles.svelte";
import KeyList from "./KeyList.svelte";
import ProfilesDialog from "./ProfilesDialog.svelte";

const sandbox: ProfileView = makeProfile({
  id: "sandbox",
  name: "Sandbox",
  active: true,
  sandbox: true,
  preferences: { saveKeysOnCreate: true },
});
const ramNoPermission: ProfileView = makeProfile({
  id: "sandbox-ram-no-permission",
  name: "Sandbox (ram-no-permission)",
  active: false,
  sandbox: true,
  preferences: { saveKeysOnCreate: true },
});
const identities = (ramProfile: string | null) => [
  { name: "root", role: "Root", description: "Root account: sees and manages every key", profileId: "sandbox" },
  { name: "ram-key-admin", role: "RamWithPermission", description: "RAM user with API-Key permission", profileId: null },
  { name: "ram-no-permission", role: "RamWithoutPermission", description: "RAM user without permission", profileId: ramProfile },
];

beforeEach(async () => {
  Object.assign(ipcMock, makeIpcMock());
  setLang("en");
  app.info = APP_INFO;
  dialogs.current = { kind: "profiles" };
  dialogs.confirmation = null;
  ipcMock.profilesList.mockResolvedValue([sandbox]);
  await profiles.load();
  profiles.identities = [];
});

describe("try the sandbox as a RAM user", () => {
  it("lists the sandbox identities in plain words next to the root/RAM explanation", async () => {
    ipcMock.sandboxIdentities.mockResolvedValue(identities(null));
    render(ProfilesDialog);
    const list = await vi.waitFor(() => screen.getByTestId("sandbox-identities"));
    expect(screen.getByTestId("account-help")).toBeTruthy();
    expect(list.textContent).toContain("Try the sandbox as a RAM user");
    const none = within(list).getByTestId("sandbox-identity-ram-no-permission");
    expect(none.textContent).toContain("RAM user without permission");
    // Root is the sandbox in use: no button to switch to it.
    expect(within(list).queryByTestId("sandbox-try-root")).toBeNull();
  });

  it("switches to the RAM user, whose refusal then shows in the key list", async () => {
    ipcMock.sandboxIdentities.mockResolvedValueOnce(identities(null)).mockResolvedValue(identities(ramNoPermission.id));
    ipcMock.profileAddSandboxIdentity.mockResolvedValue(ramNoPermission);
    ipcMock.profilesList.mockResolvedValue([{ ...sandbox, active: false }, { ...ramNoPermission, active: true }]);
    ipcMock.profileActivate.mockResolvedValue({ ...ramNoPermission, active: true });
    ipcMock.keysList.mockRejectedValue(
      ipcError("Forbidden", "This account may not manage API keys. Ask the administrator for the API-Key permission."),
    );
    keys.forget();
    render(KeyList);
    render(ProfilesDialog);
    await fireEvent.click(await vi.waitFor(() => screen.getByTestId("sandbox-try-ram-no-permission")));
    await vi.waitFor(() => expect(ipcMock.profileActivate).toHaveBeenCalledWith(ramNoPermission.id));
    expect(ipcMock.profileAddSandboxIdentity).toHaveBeenCalledWith("ram-no-permission");
    const banner = await vi.waitFor(() => screen.getByTestId("error-banner"));
    expect(banner.dataset.code).toBe("Forbidden");
    expect(banner.textContent).toContain("may not manage API keys");
    // The new profile is named by who it acts as, not as another "Sandbox".
    expect(profiles.label(profiles.active!)).toBe("Sandbox: RAM user without permission");
  });
});

describe("save new keys on this computer", () => {
  it("turns the preference off for that account through Rust", async () => {
    ipcMock.profileSetPreferences.mockResolvedValue({ ...sandbox, preferences: { saveKeysOnCreate: false } });
    ipcMock.keysList.mockResolvedValue(makePage([]));
    render(ProfilesDialog);
    const box = within(screen.getByTestId("profile-sandbox")).getByTestId("profile-save-keys") as HTMLInputElement;
    expect(box.checked).toBe(true);
    await fireEvent.click(box);
    await vi.waitFor(() =>
      expect(ipcMock.profileSetPreferences).toHaveBeenCalledWith("sandbox", { saveKeysOnCreate: false }),
    );
    await vi.waitFor(() => expect(profiles.list[0].preferences?.saveKeysOnCreate).toBe(false));
    expect(profiles.list[0].active).toBe(true);
  });
});
