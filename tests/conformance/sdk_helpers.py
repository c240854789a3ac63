"""Small helpers shared by the conformance tests: requests built with the SDK's own model classes."""

import pytest
from alibabacloud_modelstudio20260210 import models
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException


def custom_auth(ips=None, models_=None):
    """A Custom `auth` block: whitelist `ips`, and `models_` as the scope (None: all models)."""
    scope = models.CreateApiKeyRequestAuthModelAccessScope(
        allow_all_models=models_ is None,
        accessible_models=models_,
    )
    return models.CreateApiKeyRequestAuth(type="Custom", access_ips=ips, model_access_scope=scope)


def create_key(client, description="conformance", workspace_id=None, auth=None):
    req = models.CreateApiKeyRequest(description=description, workspace_id=workspace_id, auth=auth)
    return client.create_api_key(req).body


def get_key(client, key_id):
    return client.get_api_key(str(key_id)).body.api_key


def expect_error(code, fn, *args, status=None):
    """Calls fn and asserts the SDK raised the server's error `code` (and HTTP `status`)."""
    with pytest.raises(AlibabaCloudException) as info:
        fn(*args)
    err = info.value
    assert err.code == code, f"expected {code}, got {err.code}: {err.message}"
    if status is not None:
        assert err.status_code == status, f"expected HTTP {status}, got {err.status_code}"
    assert err.request_id and err.request_id != "None", "error answers carry a requestId"
    return err


def assert_envelope(body):
    """Every successful answer carries the envelope the SDK models parse."""
    assert body.request_id
    assert body.success is True
    assert body.http_status_code == 200


def default_workspace(client):
    body = client.list_workspaces(models.ListWorkspacesRequest(max_results=50)).body
    # The default workspace is listed first.
    return body.workspaces[0]
