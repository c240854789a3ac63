import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ipcError, makeKey, oneTime, APP_INFO } from "../../test/fixtures";
import { makeIpcMock } from "../../test/ipcMock";
import { settle } from "../../test/settle";

const ipcMock = vi.hoisted(() => ({}) as ReturnType<typeof makeIpcMock>);
vi.mock("../ipc", async (orig) => ({ ...(await orig<typeof import("../ipc")>()), ipc: ipcMock }));

import type { RegionId } from "../ipc";
import { setLang } from "../i18n/index.svelte";
import { app } from "../stores/app.svelte";
import { dialogs } from "../stores/dialogs.svelte";
import { keys } from "../stores/keys.svelte";
import { session } from "../stores/session.svelte";
import { workspaces } from "../stores/workspaces.svelte";
import KeyFormDialog from "./KeyFormDialog.svelte";

function open(region: RegionId, editing: ReturnType<typeof makeKey> | null = null) {
  app.info = APP_INFO;
  session.region = region;
  session.workspaceId = null;
  keys.context = { profileId: "p", region, workspaceId: null };
  workspaces.list = [
    { workspaceId: "ws-sub", workspaceName: "Team B", isDefault: false, apiHost: null },
    { workspaceId: "ws-default", workspaceName: "Main", isDefault: true, apiHost: null },
  ];
  return render(KeyFormDialog, { props: { editing } });
}

const ipInput = () => screen.getByTestId("ip-input") as HTMLInputElement;
const addButton = () => screen.getByTestId("ip-add") as HTMLButtonElement;

async function chooseCustom() {
  await fireEvent.click(screen.getByTestId("permission-custom"));
}

async function typeIp(value: string) {
  await fireEvent.input(ipInput(), { target: { value } });
}

beforeEach(() => {
  Object.assign(ipcMock, makeIpcMock());
  setLang("en");
  dialogs.current = { kind: "create" };
  dialogs.oneTime = null;
});

describe("create dialog", () => {
  it("preselects the default workspace and marks it recommended", () => {
    open("cn-beijing");
    const select = screen.getByTestId("create-workspace") as HTMLSelectElement;
    expect(select.value).toBe("ws-default");
    expect(select.selectedOptions[0].textContent).toContain("recommended");
  });

  it("shows why an IP entry is wrong while typing, and accepts it once fixed", async () => {
    open("ap-southeast-1");
    await chooseCustom();
    await typeIp("10.0.0.300");
    expect(screen.getByTestId("ip-error").textContent).toContain("“10.0.0.300” is not an IP address");
    expect(addButton().disabled).toBe(true);

    await typeIp("10.0.0.30");
    expect(screen.queryByTestId("ip-error")).toBeNull();
    await fireEvent.click(addButton());
    expect(screen.getByTestId("ip-list").textContent).toContain("10.0.0.30");
    expect(screen.getByTestId("ip-count").textContent).toBe("1 / 20");
    expect(ipInput().value).toBe("");
  });

  it("explains that an empty whitelist means all traffic", async () => {
    open("cn-beijing");
    await chooseCustom();
    expect(screen.getByTestId("ip-editor").textContent).toContain("Empty means all traffic");
    expect(screen.getByTestId("ip-editor").textContent).toContain("::/0");
  });

  it("refuses IPv6 outside Beijing with the reason, and accepts it in Beijing", async () => {
    open("eu-central-1");
    await chooseCustom();
    await typeIp("2001:db8::/32");
    expect(screen.getByTestId("ip-error").dataset.reason).toBe("ipv6_not_in_region");
    expect(screen.getByTestId("ip-error").textContent).toContain("only in China (Beijing)");
    expect(addButton().disabled).toBe(true);
  });

  it("refuses a block with host bits set and names the block meant, as Rust does", async () => {
    open("ap-southeast-1");
    await chooseCustom();
    await typeIp("10.1.2.3/8");
    const err = screen.getByTestId("ip-error");
    expect(err.dataset.reason).toBe("cidr_host_bits");
    expect(err.textContent).toContain("the block it belongs to is 10.0.0.0/8");
    expect(addButton().disabled).toBe(true);
    await fireEvent.keyDown(ipInput(), { key: "Enter" });
    expect(screen.queryByTestId("ip-list")).toBeNull();
  });

  it("accepts IPv6 in Beijing", async () => {
    open("cn-beijing");
    await chooseCustom();
    await typeIp("2001:db8::/32");
    expect(screen.queryByTestId("ip-error")).toBeNull();
    expect(addButton().disabled).toBe(false);
  });

  it("stops at 20 entries and says why", async () => {
    open("ap-southeast-1");
    await chooseCustom();
    for (let i = 0; i < 20; i++) {
      await typeIp(`192.0.2.${i}`);
      await fireEvent.keyDown(ipInput(), { key: "Enter" });
    }
    expect(screen.getByTestId("ip-count").textContent).toBe("20 / 20");
    expect(ipInput().disabled).toBe(true);
    expect(addButton().disabled).toBe(true);
    expect(screen.getByTestId("ip-error").textContent).toContain("At most 20 entries");
  });

  it("sends the custom permission with the chosen workspace", async () => {
    ipcMock.keyCreate.mockResolvedValue(oneTime());
    ipcMock.keysList.mockResolvedValue({ keys: [], totalCount: 0, quota: { used: 1, limit: 50, scope: "Account" } });
    open("ap-southeast-1");
    await fireEvent.input(screen.getByTestId("create-description"), { target: { value: " chatbot " } });
    await chooseCustom();
    await typeIp("203.0.113.0/24");
    await fireEvent.click(addButton());
    await typeIp("198.51.100.7"); // typed but not added: still meant
    await fireEvent.click(screen.getByTestId("create-submit"));
    expect(ipcMock.keyCreate).toHaveBeenCalledWith({
      region: "ap-southeast-1",
      workspaceId: "ws-default",
      description: "chatbot",
      permission: { type: "Custom", accessIps: ["203.0.113.0/24", "198.51.100.7"], allowAllModels: true, accessibleModels: [] },
    });
    expect(dialogs.oneTime?.key.handle).toBe("h-1");
  });

  it("will not send chosen-models scope with no model picked", async () => {
    ipcMock.modelsAuthorized.mockResolvedValue([{ model: "qwen-plus", name: "Qwen-Plus" }]);
    open("cn-beijing");
    await chooseCustom();
    await fireEvent.click(screen.getByTestId("models-chosen"));
    await fireEvent.click(screen.getByTestId("create-submit"));
    await settle();
    expect(ipcMock.keyCreate).not.toHaveBeenCalled();
    expect(screen.getByTestId("models-error").textContent).toContain("Choose at least one model");
  });

  // Reasons Rust's rules send (RuleReason in the bindings), each shown next to its field.
  it.each([
    ["cidr_host_bits", "ip-server-error", "“10.1.2.3/8” has bits set after the prefix; the block it belongs to is 10.0.0.0/8."],
    ["ipv6_not_in_region", "ip-server-error", "“2001:db8::1” is an IPv6 entry; only China (Beijing) accepts IPv6."],
    ["ip_duplicate", "ip-server-error", "“192.0.2.1” appears twice in the whitelist."],
    ["models_required", "models-error", "Choose at least one model."],
    ["description_too_long", "description-error", "The description is too long."],
    ["custom_not_in_region", "permission-error", "Custom permissions are not available in Singapore."],
  ])("shows Rust's %s verdict next to its field, not in the banner", async (reason, testid, message) => {
    ipcMock.keyCreate.mockRejectedValue(ipcError("InvalidInput", message, reason));
    open("ap-southeast-1");
    await chooseCustom();
    await typeIp("192.0.2.1");
    await fireEvent.click(addButton());
    await fireEvent.click(screen.getByTestId("create-submit"));
    await vi.waitFor(() => expect(screen.getByTestId(testid).textContent).toBe(message));
    expect(screen.queryByTestId("error-banner")).toBeNull();
  });

  it("puts a rule verdict this form has no field for in the banner", async () => {
    ipcMock.keyCreate.mockRejectedValue(ipcError("InvalidInput", "The lifetime must be 1 to 1800 s.", "ttl_out_of_range"));
    open("cn-beijing");
    await fireEvent.click(screen.getByTestId("create-submit"));
    await vi.waitFor(() => expect(screen.getByTestId("error-banner").textContent).toContain("1 to 1800 s"));
  });

  it("shows other server errors in a banner with details", async () => {
    ipcMock.keyCreate.mockRejectedValue(ipcError("QuotaExceeded", "The key limit is reached. Delete a key first."));
    open("cn-beijing");
    await fireEvent.click(screen.getByTestId("create-submit"));
    await vi.waitFor(() => expect(screen.getByTestId("error-banner").textContent).toContain("The key limit is reached"));
    await fireEvent.click(screen.getByTestId("error-details"));
    expect(screen.getByTestId("error-details-body").textContent).toContain("req-123");
  });

  it("in Virginia asks for workspace and description only, and says why", async () => {
    ipcMock.keyCreate.mockResolvedValue(oneTime());
    ipcMock.keysList.mockResolvedValue({ keys: [], totalCount: 0, quota: { used: 1, limit: 20, scope: "Owner" } });
    open("us-east-1");
    expect(screen.getByTestId("create-workspace")).toBeTruthy();
    expect(screen.getByTestId("create-description")).toBeTruthy();
    expect(screen.queryByTestId("permission-custom")).toBeNull();
    expect(screen.queryByTestId("permission-all")).toBeNull();
    expect(screen.getByTestId("region-no-custom").textContent).toContain("US (Virginia)");
    await fireEvent.click(screen.getByTestId("create-submit"));
    expect(ipcMock.keyCreate.mock.calls[0][0].permission.type).toBe("All");
  });

  it("speaks Chinese when the language is Chinese", async () => {
    await setLang("zh-CN");
    open("ap-southeast-1");
    await chooseCustom();
    await typeIp("2001:db8::1");
    expect(screen.getByTestId("ip-error").textContent).toContain("只有华北2（北京）接受 IPv6");
  });
});

describe("edit dialog", () => {
  it("shows an open whitelist as empty and saves description and permission", async () => {
    const key = makeKey({
      description: "old",
      permission: { type: "Custom", accessIps: ["0.0.0.0/0", "::/0"], allowAllModels: true, accessibleModels: [] },
    });
    ipcMock.keyUpdate.mockResolvedValue({ ...key, description: "new" });
    keys.page = { keys: [key], totalCount: 1, quota: { used: 1, limit: 50, scope: "Account" }, you: null };
    dialogs.current = { kind: "edit", key };
    open("cn-beijing", key);
    expect(screen.queryByTestId("ip-list")).toBeNull();
    expect(screen.getByTestId("ip-count").textContent).toBe("0 / 20");
    await fireEvent.input(screen.getByTestId("create-description"), { target: { value: "new" } });
    await fireEvent.click(screen.getByTestId("create-submit"));
    expect(ipcMock.keyUpdate).toHaveBeenCalledWith("cn-beijing", key.apiKeyId, "new", {
      type: "Custom",
      accessIps: [],
      allowAllModels: true,
      accessibleModels: [],
    });
    await vi.waitFor(() => expect(dialogs.current).toBeNull());
    expect(keys.keys[0].description).toBe("new");
  });
});
