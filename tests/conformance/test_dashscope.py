"""The DashScope side over plain HTTP, the way DashScope clients call it."""

import time

import requests
from alibabacloud_modelstudio20260210 import models
from sdk_helpers import create_key, custom_auth


def models_call(sandbox, region, key):
    return requests.get(sandbox.url(region, "/compatible-mode/v1/models"),
                        headers={"Authorization": f"Bearer {key}"}, timeout=10)


def token_call(sandbox, region, key, ttl=None):
    params = {} if ttl is None else {"expire_in_seconds": ttl}
    return requests.post(sandbox.url(region, "/api/v1/tokens"), params=params,
                         headers={"Authorization": f"Bearer {key}"}, timeout=10)


def assert_dash_error(resp, status, code):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["code"] == code and body["message"] and body["request_id"]


def test_new_key_works_and_lists_only_usable_models(sandbox):
    client = sandbox.client("cn-beijing")
    value = create_key(client).api_key.api_key_value
    resp = models_call(sandbox, "cn-beijing", value)
    assert resp.status_code == 200
    ids = [m["id"] for m in resp.json()["data"]]
    assert "qwen-plus" in ids

    scoped = create_key(client, auth=custom_auth(ips=["127.0.0.1"], models_=["qwen-turbo"])).api_key.api_key_value
    resp = models_call(sandbox, "cn-beijing", scoped)
    assert resp.status_code == 200
    assert [m["id"] for m in resp.json()["data"]] == ["qwen-turbo"]


def test_unknown_disabled_and_reset_keys_are_invalid(sandbox):
    client = sandbox.client("ap-southeast-1")
    assert_dash_error(models_call(sandbox, "ap-southeast-1", "sk-ws-not.a-real-key"), 401, "InvalidApiKey")
    created = create_key(client).api_key
    client.disable_api_key(str(created.api_key_id), models.DisableApiKeyRequest())
    assert_dash_error(models_call(sandbox, "ap-southeast-1", created.api_key_value), 401, "InvalidApiKey")
    client.enable_api_key(str(created.api_key_id), models.EnableApiKeyRequest())
    assert models_call(sandbox, "ap-southeast-1", created.api_key_value).status_code == 200
    new_value = client.reset_api_key(str(created.api_key_id), models.ResetApiKeyRequest()).body.api_key.api_key_value
    assert_dash_error(models_call(sandbox, "ap-southeast-1", created.api_key_value), 401, "InvalidApiKey")
    assert models_call(sandbox, "ap-southeast-1", new_value).status_code == 200


def test_key_works_only_in_its_region(sandbox):
    value = create_key(sandbox.client("cn-beijing")).api_key.api_key_value
    assert_dash_error(models_call(sandbox, "ap-northeast-1", value), 401, "InvalidApiKey")


def test_caller_outside_whitelist_is_denied(sandbox):
    client = sandbox.client("cn-beijing")
    value = create_key(client, auth=custom_auth(ips=["10.0.0.0/8"])).api_key.api_key_value
    assert_dash_error(models_call(sandbox, "cn-beijing", value), 403, "AccessDenied")
    assert_dash_error(token_call(sandbox, "cn-beijing", value), 403, "AccessDenied")


def test_temporary_key_inherits_permissions_and_expires(sandbox):
    client = sandbox.client("cn-beijing")
    parent = create_key(client, auth=custom_auth(ips=["127.0.0.0/8"], models_=["qwen-plus"])).api_key.api_key_value
    before = int(time.time())
    resp = token_call(sandbox, "cn-beijing", parent)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["token"].startswith("st-")
    assert before + 59 <= body["expires_at"] <= int(time.time()) + 61, "default lifetime is 60 s"
    listed = models_call(sandbox, "cn-beijing", body["token"])
    assert listed.status_code == 200
    assert [m["id"] for m in listed.json()["data"]] == ["qwen-plus"]

    short = token_call(sandbox, "cn-beijing", parent, ttl=1).json()
    assert models_call(sandbox, "cn-beijing", short["token"]).status_code == 200
    while time.time() <= short["expires_at"] + 0.2:
        time.sleep(0.2)
    assert_dash_error(models_call(sandbox, "cn-beijing", short["token"]), 401, "InvalidApiKey")


def test_token_lifetime_bounds(sandbox):
    value = create_key(sandbox.client("cn-hongkong")).api_key.api_key_value
    for bad in (0, 1801, "soon"):
        assert_dash_error(token_call(sandbox, "cn-hongkong", value, ttl=bad), 400, "InvalidParameter")
    resp = token_call(sandbox, "cn-hongkong", value, ttl=1800)
    assert resp.status_code == 200
    assert resp.json()["expires_at"] - int(time.time()) >= 1795
