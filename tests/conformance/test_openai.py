"""The compatible mode through the `openai` package, as chat tools call it:
plain and streamed answers, refusals before any chunk, a streamed call
metered like a plain one (and for what was sent when the client leaves), and
a workspace's own limits answered with 429 past the cap and lifted when the
limit is removed (the limits set with the official SDK)."""

import sqlite3
import time

import openai
import pytest
import requests
from alibabacloud_modelstudio20260210 import models
from sdk_helpers import create_key, custom_auth

REGION = "cn-hongkong"
PROMPT = [{"role": "user", "content": "Which key is this?"}]


def client_for(sandbox, key, region=REGION):
    # No retries: a 429 is the answer under test, not something to wait out.
    return openai.OpenAI(api_key=key, base_url=sandbox.url(region, "/compatible-mode/v1"),
                         max_retries=0, timeout=10)


def spend_of(sandbox, key_id):
    """(requests, input tokens, output tokens) metered for a key, all models and days."""
    with sqlite3.connect(sandbox.db) as db:
        row = db.execute("SELECT COALESCE(SUM(requests), 0), COALESCE(SUM(input_tokens), 0),"
                         " COALESCE(SUM(output_tokens), 0) FROM usage_daily WHERE api_key_id = ?",
                         (key_id,)).fetchone()
    return tuple(row)


def new_key(sandbox, workspace_id=None, auth=None):
    key = create_key(sandbox.client(REGION), workspace_id=workspace_id, auth=auth).api_key
    return key.api_key_id, key.api_key_value


def test_plain_chat_and_models(sandbox):
    _, value = new_key(sandbox)
    ai = client_for(sandbox, value)
    assert "qwen-plus" in [m.id for m in ai.models.list()]
    answer = ai.chat.completions.create(model="qwen-plus", messages=PROMPT)
    assert answer.object == "chat.completion"
    assert answer.choices[0].message.content and answer.choices[0].finish_reason == "stop"
    assert answer.usage.total_tokens == answer.usage.prompt_tokens + answer.usage.completion_tokens


def test_stream_sends_chunks_then_usage_and_is_metered_like_a_plain_call(sandbox):
    key_id, value = new_key(sandbox)
    ai = client_for(sandbox, value)
    plain = ai.chat.completions.create(model="qwen-plus", messages=PROMPT)
    after_plain = spend_of(sandbox, key_id)

    chunks = list(ai.chat.completions.create(model="qwen-plus", messages=PROMPT, stream=True,
                                             stream_options={"include_usage": True}))
    assert len(chunks) > 5, "the answer comes in pieces"
    assert all(c.object == "chat.completion.chunk" and c.id == chunks[0].id for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content
    finish = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finish == ["stop"]
    *_, last = chunks
    assert last.choices == [] and last.usage is not None, "include_usage: a last chunk with the usage"
    assert last.usage.model_dump() == plain.usage.model_dump()
    assert all(c.usage is None for c in chunks[:-1])

    streamed = tuple(a - b for a, b in zip(spend_of(sandbox, key_id), after_plain))
    assert streamed == (1, plain.usage.prompt_tokens, plain.usage.completion_tokens)

    without_usage = list(ai.chat.completions.create(model="qwen-plus", messages=PROMPT, stream=True))
    assert all(c.choices and c.usage is None for c in without_usage), "no usage chunk unless asked"


def test_a_refused_stream_is_a_json_error_before_any_chunk(sandbox):
    with pytest.raises(openai.AuthenticationError) as info:
        client_for(sandbox, "sk-not-a-key").chat.completions.create(
            model="qwen-plus", messages=PROMPT, stream=True)
    assert info.value.status_code == 401

    _, scoped = new_key(sandbox, auth=custom_auth(models_=["qwen-turbo"]))
    with pytest.raises(openai.PermissionDeniedError) as info:
        client_for(sandbox, scoped).chat.completions.create(model="qwen-plus", messages=PROMPT, stream=True)
    assert info.value.response.headers["content-type"].startswith("application/json")


def test_a_client_that_leaves_mid_stream_is_metered_for_what_was_sent(sandbox):
    key_id, value = new_key(sandbox)
    whole = client_for(sandbox, value).chat.completions.create(model="qwen-plus", messages=PROMPT)
    before = spend_of(sandbox, key_id)
    with requests.post(sandbox.url(REGION, "/compatible-mode/v1/chat/completions"),
                       headers={"Authorization": f"Bearer {value}"},
                       json={"model": "qwen-plus", "messages": PROMPT, "stream": True},
                       stream=True, timeout=10) as resp:
        assert resp.headers["content-type"] == "text/event-stream"
        events = resp.iter_lines()
        read = [line for line in (next(events) for _ in range(6)) if line]
        assert read and all(line.startswith(b"data: {") for line in read)
    # The connection is closed: the sandbox notices on its next write and meters.
    deadline = time.monotonic() + 10
    while spend_of(sandbox, key_id) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    requests_, prompt, output = (a - b for a, b in zip(spend_of(sandbox, key_id), before))
    assert (requests_, prompt) == (1, whole.usage.prompt_tokens)
    assert 0 < output < whole.usage.completion_tokens, "metered for the words sent, not the whole answer"


def set_limit(sandbox, ws, model, requests_=None, tokens=None, op="OVERLAY"):
    entry = models.UpdateModelLimitsRequestWorkspaceLimits(model=model, operation_type=op)
    if requests_:
        entry.request_limit, entry.request_limit_period = requests_
    if tokens:
        entry.usage_limit, entry.usage_limit_period = tokens
    sandbox.client(REGION).update_model_limits(
        models.UpdateModelLimitsRequest(workspace_id=ws, workspace_limits=[entry]))


def in_one_window(period, attempt):
    """Runs `attempt` until it starts and ends in the same fixed window of
    `period` seconds (windows are aligned to their period), at most twice."""
    for _ in range(2):
        start = int(time.time()) // period
        try:
            result = attempt()
        except BaseException:
            if int(time.time()) // period == start:
                raise
            continue
        if int(time.time()) // period == start:
            return result
    raise AssertionError("two attempts each crossed a window boundary")


def test_a_workspace_limit_answers_429_past_the_cap_and_clearing_lifts_it(sandbox):
    client = sandbox.client(REGION)
    ws = client.create_workspace(models.CreateWorkspaceRequest(workspace_name="capped")).body.workspace.workspace_id
    _, first = new_key(sandbox, workspace_id=ws)
    _, second = new_key(sandbox, workspace_id=ws)
    _, elsewhere = new_key(sandbox)

    def requests_cap():
        set_limit(sandbox, ws, "qwen-plus", requests_=(2, 3600))
        # Any key of the workspace counts: one call each, then the cap.
        client_for(sandbox, first).chat.completions.create(model="qwen-plus", messages=PROMPT)
        client_for(sandbox, second).chat.completions.create(model="qwen-plus", messages=PROMPT)
        with pytest.raises(openai.RateLimitError) as plain:
            client_for(sandbox, first).chat.completions.create(model="qwen-plus", messages=PROMPT)
        with pytest.raises(openai.RateLimitError) as streamed:
            client_for(sandbox, second).chat.completions.create(model="qwen-plus", messages=PROMPT, stream=True)
        # Another model of the workspace and another workspace's keys are not capped.
        client_for(sandbox, first).chat.completions.create(model="qwen-turbo", messages=PROMPT)
        client_for(sandbox, elsewhere).chat.completions.create(model="qwen-plus", messages=PROMPT)
        set_limit(sandbox, ws, "qwen-plus", op="DELETE")
        # Set again, the limit counts from its setting: what the old one counted went with it.
        set_limit(sandbox, ws, "qwen-plus", requests_=(2, 3600))
        client_for(sandbox, first).chat.completions.create(model="qwen-plus", messages=PROMPT)
        set_limit(sandbox, ws, "qwen-plus", op="DELETE")
        return plain.value, streamed.value

    plain, streamed = in_one_window(3600, requests_cap)
    for refused in (plain, streamed):
        assert refused.status_code == 429
        assert refused.code == "limit_requests" and refused.type == "limit_requests"
        assert "exceeded your current request limit" in refused.message
        assert refused.body["param"] is None and refused.response.json()["request_id"]

    # The limit is gone: calls go through again.
    client_for(sandbox, first).chat.completions.create(model="qwen-plus", messages=PROMPT)

    def tokens_cap():
        set_limit(sandbox, ws, "qwen-max", tokens=(1, 86400))
        # The call that crosses the cap is served; the next is refused.
        client_for(sandbox, first).chat.completions.create(model="qwen-max", messages=PROMPT)
        with pytest.raises(openai.RateLimitError) as refused:
            client_for(sandbox, second).chat.completions.create(model="qwen-max", messages=PROMPT)
        # A change that drops the token limit forgets its window: added back, it counts afresh.
        set_limit(sandbox, ws, "qwen-max", requests_=(100, 86400))
        set_limit(sandbox, ws, "qwen-max", requests_=(100, 86400), tokens=(1, 86400))
        client_for(sandbox, first).chat.completions.create(model="qwen-max", messages=PROMPT)
        set_limit(sandbox, ws, "qwen-max", op="DELETE")
        return refused.value

    refused = in_one_window(86400, tokens_cap)
    assert refused.code == "limit_tokens" and "exceeded your current token limit" in refused.message
    client_for(sandbox, second).chat.completions.create(model="qwen-max", messages=PROMPT)
