#!/usr/bin/env python3
"""Produce ACS3-HMAC-SHA256 test vectors with the OFFICIAL Alibaba Cloud runtime.

The Rust signer (src-tauri/src/modelstudio/signer.rs) must reproduce these
byte for byte; src-tauri/tests/suite/client_signature_vectors.rs checks it.

Setup (once):
    python3 -m venv tests/.venv
    tests/.venv/bin/pip install alibabacloud-tea-openapi alibabacloud-modelstudio20260210
Run:
    tests/.venv/bin/python scripts/signature_vectors.py > src-tauri/tests/fixtures/signature_vectors.json

Everything here is fake: the AccessKey pair and tokens are made up.
Form bodies are built by the runtime's own `Utils.to_form`. One difference is
deliberate: Python writes booleans as `True`/`False` (str(bool)); this project
writes `true`/`false` as the API reference says, so the booleans are passed in
as those strings here. The sandbox accepts both spellings.
"""
import hashlib
import json
import sys
from types import SimpleNamespace

from alibabacloud_tea_openapi.utils import (
    Utils,
    get_canonical_query_string,
    get_canonicalized_headers,
)

ALGORITHM = "ACS3-HMAC-SHA256"
AK_ID = "LTAI5tFakeAccessKeyId00"
AK_SECRET = "FakeAccessKeySecretForVectors000"
STS_TOKEN = "CAIS.fake-sts-token+/="
HOST = "modelstudio.cn-beijing.aliyuncs.com"
DATE = "2026-03-01T08:30:00Z"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def vector(name, action, method, path, query, body=b"", content_type=None,
           extra_headers=None, auth=None, nonce="0" * 32, secret=AK_SECRET):
    payload = sha256_hex(body)
    headers = {
        "host": HOST,
        "x-acs-action": action,
        "x-acs-version": "2026-02-10",
        "x-acs-date": DATE,
        "x-acs-signature-nonce": nonce,
        "x-acs-content-sha256": payload,
    }
    if content_type:
        headers["content-type"] = content_type
    headers.update(extra_headers or {})
    request = SimpleNamespace(method=method, pathname=path, query=query, headers=headers)
    authorization = Utils.get_authorization(request, ALGORITHM, payload, AK_ID, secret)
    canonical_headers, signed_headers = get_canonicalized_headers(headers)
    canonical_request = "\n".join([
        method, path or "/", get_canonical_query_string(query),
        canonical_headers, signed_headers, payload,
    ])
    out = {
        "name": name,
        "accessKeyId": AK_ID,
        "accessKeySecret": secret,
        "method": method,
        "path": path,
        "query": sorted([k, v] for k, v in query.items()),
        "headers": sorted([k, v] for k, v in headers.items()),
        "body": body.decode("utf-8"),
        "bodySha256": payload,
        "canonicalRequest": canonical_request,
        "signedHeaders": signed_headers,
        "authorization": authorization,
    }
    if auth is not None:
        out["auth"] = auth
    return out


def main():
    vectors = []

    vectors.append(vector(
        "list_api_keys_with_query", "ListApiKeys", "GET", "/modelstudio/apikeys",
        Utils.query({
            "description": "prod", "maxResults": 20, "nextToken": "eyJwYWdlIjoyfQ==",
            "order": "ASC", "orderBy": "gmtCreate", "workspaceId": "llm-abc123",
        }),
        nonce="5a1b0c7d9e8f00112233445566778899",
    ))

    auth = {
        "accessIps": ["2001:db8::/32", "192.168.1.0/24", "203.0.113.7"],
        "modelAccessScope": {
            "accessibleModels": ["qwen-plus", "qwen-max", "qwen3-coder-plus"],
            "allowAllModels": "false",
        },
        "type": "Custom",
    }
    form = Utils.to_form({"auth": auth}).encode("utf-8")
    json_auth = json.loads(json.dumps(auth))
    json_auth["modelAccessScope"]["allowAllModels"] = False
    vectors.append(vector(
        "create_api_key_form_ipv6_and_models", "CreateApiKey", "POST", "/modelstudio/apikeys",
        Utils.query({"description": "ci runner", "workspaceId": "llm-abc123"}),
        body=form, content_type="application/x-www-form-urlencoded",
        auth=json_auth, nonce="aa55aa55aa55aa55aa55aa55aa55aa55",
    ))

    vectors.append(vector(
        "reset_api_key_empty_query", "ResetApiKey", "PUT", "/modelstudio/apikeys/1234567/reset",
        {}, nonce="0123456789abcdef0123456789abcdef",
    ))

    vectors.append(vector(
        "update_description_spaces_chinese_reserved", "UpdateApiKey", "PUT",
        "/modelstudio/apikeys/1234567",
        Utils.query({"description": "生产 密钥 v2: a/b?c=d&e+f*'()!~%"}),
        nonce="ffeeddccbbaa99887766554433221100",
    ))

    vectors.append(vector(
        "delete_workspace_with_sts_token", "DeleteWorkspace", "DELETE",
        "/modelstudio/workspaces/llm-abc123", {},
        extra_headers={"x-acs-security-token": STS_TOKEN, "x-acs-accesskey-id": AK_ID},
        nonce="11111111222222223333333344444444",
    ))

    # What the official SDK really sends: it also signs `accept` and
    # `user-agent`. A verifier must honour whatever SignedHeaders lists.
    vectors.append(vector(
        "list_model_permissions_sdk_signs_accept_and_user_agent", "ListModelPermissions", "GET",
        "/modelstudio/models/permissions",
        Utils.query({"workspaceId": "llm-abc123", "authorizationScope": "AUTHORIZED",
                     "modelAction": "INFERENCE", "filter": {"model": "qwen"}}),
        extra_headers={"accept": "application/json", "user-agent": "AlibabaCloud (Linux) Python/3"},
        nonce="99999999888888887777777766666666",
    ))

    json.dump({"generator": "alibabacloud_tea_openapi.utils.Utils.get_authorization",
               "vectors": vectors}, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
