"""A workspace's own model limits through the official SDK: UpdateModelLimits
with OVERLAY and DELETE as the SDK sends them (workspaceLimits as one JSON
string in the form body), what ListModelLimits reports after, the sandbox's
rules for a change, and who may make one."""

from alibabacloud_modelstudio20260210 import models
from conftest import RAM_ADMIN, RAM_NO_PERMISSION
from sdk_helpers import assert_envelope, default_workspace, expect_error

REGION = "ap-southeast-1"


def workspace(client, name):
    return client.create_workspace(models.CreateWorkspaceRequest(workspace_name=name)).body.workspace.workspace_id


def change(model, op="OVERLAY", requests=None, tokens=None):
    """One entry; `requests` and `tokens` are (limit, period in seconds)."""
    entry = models.UpdateModelLimitsRequestWorkspaceLimits(model=model, operation_type=op)
    if requests:
        entry.request_limit, entry.request_limit_period = requests
    if tokens:
        entry.usage_limit, entry.usage_limit_period = tokens
    return entry


def update(client, ws, *entries):
    return client.update_model_limits(
        models.UpdateModelLimitsRequest(workspace_id=ws, workspace_limits=list(entries))).body


def limits_of(client, ws):
    body = client.list_model_limits(models.ListModelLimitsRequest(workspace_id=ws)).body
    return {limit.model: limit for limit in body.limits}


def test_overlay_sets_and_replaces_and_delete_removes(sandbox):
    client = sandbox.client(REGION)
    ws = workspace(client, "limited")
    assert limits_of(client, ws)["qwen-plus"].workspace_limit is None, "no limit of its own yet"

    assert_envelope(update(client, ws, change("qwen-plus", requests=(100, 60), tokens=(50_000, 3600)),
                           change("qwen-max", requests=(10, 60))))
    got = limits_of(client, ws)
    plus = got["qwen-plus"].workspace_limit
    assert (plus.request_limit, plus.request_limit_period) == (100, 60)
    assert (plus.usage_limit, plus.usage_limit_period, plus.usage_limit_field) == (50_000, 3600, "total_tokens")
    assert got["qwen-max"].workspace_limit.request_limit == 10
    assert got["qwen-max"].workspace_limit.usage_limit is None
    assert got["qwen-plus"].model_limit.request_limit > 100, "the account's limit is reported beside it"

    # OVERLAY replaces the whole limit: what it does not name is gone.
    update(client, ws, change("qwen-plus", requests=(200, 3600)))
    plus = limits_of(client, ws)["qwen-plus"].workspace_limit
    assert (plus.request_limit, plus.request_limit_period, plus.usage_limit) == (200, 3600, None)

    update(client, ws, change("qwen-plus", op="DELETE"))
    got = limits_of(client, ws)
    assert got["qwen-plus"].workspace_limit is None
    assert got["qwen-max"].workspace_limit.request_limit == 10, "the other model keeps its limit"


def test_a_bad_change_changes_nothing(sandbox):
    client = sandbox.client(REGION)
    ws = workspace(client, "checked")
    account = limits_of(client, ws)["qwen-turbo"].model_limit.request_limit
    for bad in (
        [change("qwen-turbo", requests=(account + 1, 60))],          # over the account's limit
        [change("qwen-turbo", requests=(10, 30))],                   # a period the console has not
        [change("qwen-turbo", requests=(0, 60))],                    # zero
        [change("qwen-turbo", requests=(10, None))],                 # a limit without its period
        [change("qwen-turbo")],                                      # OVERLAY of nothing
        [change("qwen-turbo", op="REPLACE", requests=(10, 60))],     # not an operation
        [change("qwen-flash", requests=(10, 60))],                   # not this workspace's model
        [change("qwen-turbo", requests=(10, 60)), change("qwen-max", requests=(0, 60))],
    ):
        expect_error("InvalidParameter", update, client, ws, *bad, status=400)
    assert limits_of(client, ws)["qwen-turbo"].workspace_limit is None, "nothing was set"

    default = default_workspace(client).workspace_id
    expect_error("InvalidParameter", update, client, default, change("qwen-plus", requests=(10, 60)), status=400)
    expect_error("Workspace.NotFound", update, client, "ws-nowhere", change("qwen-plus", requests=(10, 60)))


def test_ram_users_may_not_change_limits(sandbox):
    ws = workspace(sandbox.client(REGION), "ram-checked")
    admin = sandbox.client(REGION, who=RAM_ADMIN)
    assert limits_of(admin, ws), "the RAM user who manages keys reads the limits"
    expect_error("Forbidden.RAM", update, admin, ws, change("qwen-plus", requests=(10, 60)), status=403)
    nobody = sandbox.client(REGION, who=RAM_NO_PERMISSION)
    expect_error("Forbidden.RAM", update, nobody, ws, change("qwen-plus", requests=(10, 60)), status=403)
    assert limits_of(sandbox.client(REGION), ws)["qwen-plus"].workspace_limit is None
