"""Calls that must succeed, each answer parsed into the SDK's own model classes."""

from alibabacloud_modelstudio20260210 import models
from conftest import RAM_ADMIN
from sdk_helpers import assert_envelope, create_key, custom_auth, default_workspace, expect_error, get_key


def test_create_with_all_permissions_returns_full_value_once(sandbox):
    client = sandbox.client("cn-beijing")
    body = create_key(client, description="all models")
    assert_envelope(body)
    key = body.api_key
    assert isinstance(key, models.CreateApiKeyResponseBodyApiKey)
    assert key.api_key_value.startswith("sk-ws-") and "*" not in key.api_key_value
    assert isinstance(key.api_key_id, int) and key.api_key_id > 0
    assert key.created_by == sandbox.uid("root")
    assert key.description == "all models"
    assert key.gmt_create > 1_600_000_000_000
    assert key.workspace_id == default_workspace(client).workspace_id

    got = get_key(client, key.api_key_id)
    assert isinstance(got, models.GetApiKeyResponseBodyApiKey)
    assert got.api_key_value != key.api_key_value and "*****" in got.api_key_value
    assert got.auth.type == "All"
    assert got.disabled == 0
    assert got.workspace_name


def test_create_custom_with_ipv4_whitelist(sandbox):
    client = sandbox.client("ap-southeast-1")
    body = create_key(client, auth=custom_auth(ips=["10.1.0.0/16", "192.0.2.10"]))
    got = get_key(client, body.api_key.api_key_id)
    assert got.auth.type == "Custom"
    assert got.auth.access_ips == ["10.1.0.0/16", "192.0.2.10"]
    assert got.auth.model_access_scope.allow_all_models is True


def test_create_custom_with_ipv6_in_beijing(sandbox):
    client = sandbox.client("cn-beijing")
    body = create_key(client, auth=custom_auth(ips=["2001:db8::/32", "203.0.113.5"]))
    got = get_key(client, body.api_key.api_key_id)
    assert got.auth.access_ips == ["2001:db8::/32", "203.0.113.5"]


def test_empty_custom_whitelist_is_stored_as_all_traffic(sandbox):
    beijing = sandbox.client("cn-beijing")
    got = get_key(beijing, create_key(beijing, auth=custom_auth(ips=[])).api_key.api_key_id)
    assert got.auth.access_ips == ["0.0.0.0/0", "::/0"]
    tokyo = sandbox.client("ap-northeast-1")
    got = get_key(tokyo, create_key(tokyo, auth=custom_auth(ips=[])).api_key.api_key_id)
    assert got.auth.access_ips == ["0.0.0.0/0"]


def test_create_with_model_scope_of_authorized_models(sandbox):
    client = sandbox.client("cn-hongkong")
    ws = default_workspace(client).workspace_id
    perms = client.list_model_permissions(
        models.ListModelPermissionsRequest(workspace_id=ws, authorization_scope="AUTHORIZED", model_action="INFERENCE")
    ).body
    chosen = [m.model for m in perms.list][:2]
    body = create_key(client, auth=custom_auth(ips=["198.51.100.0/24"], models_=chosen))
    got = get_key(client, body.api_key.api_key_id)
    assert got.auth.model_access_scope.allow_all_models is False
    assert got.auth.model_access_scope.accessible_models == chosen


def test_list_pages_through_every_key_once(sandbox):
    client = sandbox.client("ap-northeast-1")
    ws = client.create_workspace(models.CreateWorkspaceRequest(workspace_name="paging")).body.workspace
    created = {create_key(client, f"page {i}", ws.workspace_id).api_key.api_key_id for i in range(5)}
    seen, token, pages = [], None, 0
    while True:
        body = client.list_api_keys(
            models.ListApiKeysRequest(workspace_id=ws.workspace_id, max_results=2, next_token=token)
        ).body
        assert_envelope(body)
        assert body.total_count == 5 and body.max_results == 2
        for k in body.api_keys:
            assert isinstance(k, models.ListApiKeysResponseBodyApiKeys)
            assert "*****" in k.api_key_value and k.workspace_name == "paging"
        seen += [k.api_key_id for k in body.api_keys]
        pages += 1
        token = body.next_token
        if not token:
            break
    assert pages == 3
    assert sorted(seen) == sorted(created) and len(seen) == len(set(seen))
    assert seen == sorted(seen, reverse=True), "default order is apiKeyId DESC"
    asc = client.list_api_keys(models.ListApiKeysRequest(workspace_id=ws.workspace_id, order="ASC")).body
    assert [k.api_key_id for k in asc.api_keys] == sorted(created)
    fuzzy = client.list_api_keys(models.ListApiKeysRequest(workspace_id=ws.workspace_id, description="page 3")).body
    assert [k.description for k in fuzzy.api_keys] == ["page 3"]


def test_update_changes_description_and_permissions(sandbox):
    client = sandbox.client("cn-beijing")
    key_id = create_key(client, "before").api_key.api_key_id
    auth = models.UpdateApiKeyRequestAuth(
        type="Custom",
        access_ips=["172.16.0.0/12"],
        model_access_scope=models.UpdateApiKeyRequestAuthModelAccessScope(allow_all_models=True),
    )
    body = client.update_api_key(str(key_id), models.UpdateApiKeyRequest(description="after", auth=auth)).body
    assert_envelope(body)
    got = get_key(client, key_id)
    assert got.description == "after"
    assert got.auth.type == "Custom" and got.auth.access_ips == ["172.16.0.0/12"]


def test_disable_then_enable_and_repeats_are_errors(sandbox):
    client = sandbox.client("cn-beijing")
    key_id = str(create_key(client).api_key.api_key_id)
    assert_envelope(client.disable_api_key(key_id, models.DisableApiKeyRequest()).body)
    assert get_key(client, key_id).disabled == 1
    expect_error("ApiKey.AlreadyDisabled", client.disable_api_key, key_id, models.DisableApiKeyRequest())
    assert_envelope(client.enable_api_key(key_id, models.EnableApiKeyRequest()).body)
    assert get_key(client, key_id).disabled == 0
    expect_error("ApiKey.AlreadyEnabled", client.enable_api_key, key_id, models.EnableApiKeyRequest())


def test_reset_returns_new_value_under_same_id(sandbox):
    client = sandbox.client("ap-southeast-1")
    created = create_key(client).api_key
    body = client.reset_api_key(str(created.api_key_id), models.ResetApiKeyRequest()).body
    assert_envelope(body)
    assert isinstance(body.api_key, models.ResetApiKeyResponseBodyApiKey)
    assert body.api_key.api_key_id == created.api_key_id
    assert body.api_key.workspace_id == created.workspace_id
    assert body.api_key.api_key_value.startswith("sk-ws-")
    assert body.api_key.api_key_value != created.api_key_value


def test_delete_removes_the_key(sandbox):
    client = sandbox.client("cn-hongkong")
    key_id = str(create_key(client).api_key.api_key_id)
    assert_envelope(client.delete_api_key(key_id).body)
    expect_error("ApiKey.NotFound", client.get_api_key, key_id, status=404)


def test_workspaces_list_create_delete(sandbox):
    client = sandbox.client("cn-beijing")
    body = client.list_workspaces(models.ListWorkspacesRequest()).body
    assert_envelope(body)
    assert body.total_count >= 3
    default = body.workspaces[0]
    assert isinstance(default, models.ListWorkspacesResponseBodyWorkspaces)
    for ws in body.workspaces:
        assert ws.workspace_id.startswith("llm-")
        assert ws.api_host == f"{ws.workspace_id}.cn-beijing.maas.aliyuncs.com"
        assert ws.region == "cn-beijing" and ws.service_site and ws.gmt_create > 0

    made = client.create_workspace(models.CreateWorkspaceRequest(workspace_name="short-lived")).body
    assert_envelope(made)
    assert made.workspace.workspace_name == "short-lived" and made.workspace.api_host
    found = client.list_workspaces(models.ListWorkspacesRequest(workspace_name="short")).body.workspaces
    assert [w.workspace_id for w in found] == [made.workspace.workspace_id]

    gone = client.delete_workspace(made.workspace.workspace_id, models.DeleteWorkspaceRequest()).body
    assert_envelope(gone)
    assert gone.is_deleted is True

    refused = client.delete_workspace(default.workspace_id, models.DeleteWorkspaceRequest()).body
    assert refused.is_deleted is False
    assert refused.fail_reasons and refused.fail_reasons[0].resource_type


def test_workspace_holding_keys_is_not_deleted(sandbox):
    client = sandbox.client("cn-hongkong")
    ws = client.create_workspace(models.CreateWorkspaceRequest(workspace_name="busy")).body.workspace
    create_key(client, workspace_id=ws.workspace_id)
    body = client.delete_workspace(ws.workspace_id, models.DeleteWorkspaceRequest()).body
    assert body.is_deleted is False
    assert [r.resource_type for r in body.fail_reasons] == ["ApiKey"]


def test_model_permissions_authorized_and_catalog(sandbox):
    client = sandbox.client("cn-beijing")
    ws = default_workspace(client).workspace_id
    auth = client.list_model_permissions(
        models.ListModelPermissionsRequest(workspace_id=ws, authorization_scope="AUTHORIZED", model_action="INFERENCE")
    ).body
    assert_envelope(auth)
    assert auth.total_count == len(auth.list) > 0
    for m in auth.list:
        assert isinstance(m, models.ListModelPermissionsResponseBodyList)
        assert m.model and m.name and m.permissions.inference is True
    catalog = client.list_model_permissions(
        models.ListModelPermissionsRequest(workspace_id=ws, authorization_scope="AUTHORIZABLE", max_results=100)
    ).body
    unauthorized = [m.model for m in catalog.list if m.permissions.inference is False]
    assert unauthorized, "the catalog holds models the workspace may not call"
    assert set(m.model for m in auth.list) < set(m.model for m in catalog.list)
    expect_error(
        "InvalidParameter.AccessibleModels",
        create_key,
        client,
        "bad scope",
        ws,
        custom_auth(ips=["10.0.0.1"], models_=[unauthorized[0]]),
    )


def test_ram_user_with_permission_manages_own_keys(sandbox):
    admin = sandbox.client("cn-beijing", who=RAM_ADMIN)
    key = create_key(admin, "mine").api_key
    assert key.created_by == sandbox.uid(RAM_ADMIN)
    listed = admin.list_api_keys(models.ListApiKeysRequest(max_results=100)).body.api_keys
    assert key.api_key_id in [k.api_key_id for k in listed]
