"""Calls that must fail, each with the code the real service answers."""

import json

from alibabacloud_modelstudio20260210 import models
from conftest import RAM_ADMIN, RAM_NO_PERMISSION, skm
from sdk_helpers import create_key, custom_auth, expect_error


def list_all(client, **kw):
    return client.list_api_keys(models.ListApiKeysRequest(max_results=100, **kw)).body


def test_wrong_secret_is_a_signature_mismatch(sandbox):
    client = sandbox.client("cn-beijing", secret="x" * 30)
    expect_error("SignatureDoesNotMatch", list_all, client, status=400)


def test_unknown_access_key_id(sandbox):
    client = sandbox.client("cn-beijing", access_key_id="LTAI" + "0" * 20)
    expect_error("InvalidAccessKeyId.NotFound", list_all, client, status=404)


def test_quota_of_fifty_keys_per_account(sandbox):
    client = sandbox.client("eu-central-1")
    existing = list_all(client).total_count
    # Fill up to one below the limit through the CLI (same rules), then cross it over HTTP.
    out = json.loads(skm("sandbox", "seed-keys", "--db", sandbox.db, "--region", "eu-central-1",
                         "--count", str(49 - existing), "--json"))
    assert len(out["apiKeyIds"]) == 49 - existing
    create_key(client, "the fiftieth")
    assert list_all(client).total_count == 50
    expect_error("ApiKey.QuotaExceeded", create_key, client, "one too many", status=400)
    # The limit counts the account: a RAM user is refused too.
    expect_error("ApiKey.QuotaExceeded", create_key, sandbox.client("eu-central-1", who=RAM_ADMIN))


def test_quota_of_twenty_keys_per_owner_in_virginia(sandbox):
    root = sandbox.client("us-east-1")
    mine = [k for k in list_all(root).api_keys if k.created_by == sandbox.uid("root")]
    for i in range(20 - len(mine)):
        value = create_key(root, f"us {i}").api_key.api_key_value
        assert value.startswith("sk-") and not value.startswith("sk-ws-")
    expect_error("ApiKey.QuotaExceeded", create_key, root, "21st", status=400)
    # Counted per owner: the RAM user still has room.
    create_key(sandbox.client("us-east-1", who=RAM_ADMIN), "ram user's own")


def test_ipv6_outside_beijing_is_refused(sandbox):
    client = sandbox.client("ap-southeast-1")
    expect_error("InvalidParameter.AccessIps.IPv6NotSupported", create_key, client, "v6", None,
                 custom_auth(ips=["2001:db8::1"]), status=400)


def test_custom_permissions_refused_in_virginia(sandbox):
    client = sandbox.client("us-east-1", who=RAM_ADMIN)
    expect_error("ApiKey.CustomAuthNotSupported", create_key, client, "custom", None,
                 custom_auth(ips=["10.0.0.1"]), status=400)


def test_more_than_twenty_whitelist_entries_refused(sandbox):
    client = sandbox.client("cn-beijing")
    ips = [f"10.0.0.{i}" for i in range(1, 22)]
    expect_error("InvalidParameter.AccessIps.TooMany", create_key, client, "many", None, custom_auth(ips=ips))


def test_ram_user_sees_only_own_keys(sandbox):
    root = sandbox.client("cn-hongkong")
    admin = sandbox.client("cn-hongkong", who=RAM_ADMIN)
    roots_key = create_key(root, "root's").api_key.api_key_id
    admins_key = create_key(admin, "admin's").api_key.api_key_id
    seen_by_admin = list_all(admin).api_keys
    assert seen_by_admin and all(k.created_by == sandbox.uid(RAM_ADMIN) for k in seen_by_admin)
    assert roots_key not in [k.api_key_id for k in seen_by_admin]
    assert admins_key in [k.api_key_id for k in list_all(root).api_keys], "root sees every key"
    expect_error("ApiKey.NotFound", admin.get_api_key, str(roots_key), status=404)
    expect_error("ApiKey.NotFound", admin.delete_api_key, str(roots_key), status=404)
    assert roots_key in [k.api_key_id for k in list_all(root).api_keys]


def test_ram_user_without_permission_is_forbidden(sandbox):
    client = sandbox.client("cn-beijing", who=RAM_NO_PERMISSION)
    expect_error("Forbidden.RAM", list_all, client, status=403)
    expect_error("Forbidden.RAM", create_key, client, "nope", status=403)
