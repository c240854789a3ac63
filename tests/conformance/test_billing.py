"""Billing and limits through the official SDK: the sandbox's answers to
GetBillingTrend, GetBillingOverview and ListModelLimits, grouped by and
filtered on API_KEY_ID, computed from what chat calls were metered."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import requests
from alibabacloud_modelstudio20260210 import models
from conftest import RAM_ADMIN
from sdk_helpers import create_key, default_workspace, expect_error

# Billing days are China Standard Time days (src-tauri/src/domain/billing.rs).
BILLING_TZ = timezone(timedelta(hours=8))


def today():
    return datetime.now(BILLING_TZ).date()


def chat(sandbox, region, key, model="qwen-plus", prompt="How much does this cost?"):
    resp = requests.post(
        sandbox.url(region, "/compatible-mode/v1/chat/completions"),
        headers={"Authorization": f"Bearer {key}"},
        json={"model": model, "messages": [{"role": "user", "content": prompt}]},
        timeout=10,
    )
    assert resp.status_code == 200, resp.text
    return resp.json()


def trend(client, start, end, filter_=None, top_num=None, granularity="DAY"):
    req = models.GetBillingTrendRequest(
        granularity=granularity,
        time_period=models.GetBillingTrendRequestTimePeriod(start=str(start), end=str(end)),
        group_by=[models.GetBillingTrendRequestGroupBy(code="API_KEY_ID")],
        filter=filter_,
        top_num=top_num,
    )
    return client.get_billing_trend(req).body


def key_filter(ids, select="IN"):
    return models.GetBillingTrendRequestFilter(dimensions=[
        models.GetBillingTrendRequestFilterDimensions(code="API_KEY_ID", select_type=select,
                                                      values=[str(i) for i in ids])])


def test_chat_answers_openai_style_with_usage(sandbox):
    value = create_key(sandbox.client("eu-central-1")).api_key.api_key_value
    body = chat(sandbox, "eu-central-1", value)
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["role"] == "assistant"
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0


def test_trend_grouped_by_and_filtered_on_api_key_id(sandbox):
    client = sandbox.client("eu-central-1")
    ids = []
    for _ in range(2):
        created = create_key(client).api_key
        chat(sandbox, "eu-central-1", created.api_key_value, model="qwen-max", prompt="x" * 4000)
        ids.append(str(created.api_key_id))

    body = trend(client, today(), today(), filter_=key_filter(ids))
    assert body.success is True and body.request_id
    data = body.data
    assert sorted(g.key for g in data.group_by_total) == sorted(ids)
    for g in data.group_by_total:
        assert Decimal(g.amount) > 0 and g.name
    assert data.cost_totals.currency == "CNY"
    assert Decimal(data.cost_totals.amount) > 0
    [day] = data.result_by_time
    assert day.period == today().strftime("%Y%m%d")
    assert sorted(d.key for d in day.period_details) == sorted(ids)
    # Each share is rounded on its own: together within a hundredth each of 100 %.
    shares = sum(Decimal(d.percentage) for d in day.period_details)
    assert abs(shares - 100) <= Decimal("0.01") * len(ids)

    others = trend(client, today(), today(), filter_=key_filter(ids, select="NOT")).data
    assert not {g.key for g in others.group_by_total} & set(ids)


def test_ninety_days_of_history_and_top_num_merges_the_rest(sandbox):
    client = sandbox.client("cn-beijing")
    start = today() - timedelta(days=89)
    data = trend(client, start, today()).data
    assert len(data.result_by_time) == 90
    assert data.result_by_time[0].period == start.strftime("%Y%m%d")
    assert len(data.group_by_total) >= 2, "the demo keys spent"

    top = trend(client, start, today(), top_num=1).data
    assert len(top.group_by_total) == 2
    assert top.group_by_total[1].key == "Others"
    assert top.cost_totals.amount == data.cost_totals.amount

    monthly = trend(client, start, today(), granularity="MONTH").data
    assert all(len(p.period) == 6 for p in monthly.result_by_time)


def test_overview_of_a_month_for_one_key(sandbox):
    client = sandbox.client("ap-northeast-1")
    created = create_key(client).api_key
    chat(sandbox, "ap-northeast-1", created.api_key_value, prompt="y" * 2000)
    req = models.GetBillingOverviewRequest(
        bill_month=today().strftime("%Y-%m"),
        group_by=[models.GetBillingOverviewRequestGroupBy(code="API_KEY_ID")],
        filter=models.GetBillingOverviewRequestFilter(dimensions=[
            models.GetBillingOverviewRequestFilterDimensions(
                code="API_KEY_ID", select_type="IN", values=[str(created.api_key_id)])]),
    )
    data = client.get_billing_overview(req).body.data
    [group] = data.groups
    assert group.key == str(created.api_key_id)
    assert group.amount == data.total_amount and Decimal(group.amount) > 0
    assert group.percentage == "100.00"
    assert data.currency == "CNY"


def test_model_limits_of_the_default_workspace(sandbox):
    client = sandbox.client("cn-beijing")
    ws = default_workspace(client).workspace_id
    body = client.list_model_limits(models.ListModelLimitsRequest(workspace_id=ws)).body
    assert body.total_count == len(body.limits) > 0
    by_model = {limit.model: limit for limit in body.limits}
    assert by_model["qwen-max"].model_limit.request_limit > 0
    assert by_model["qwen-max"].workspace_limit.usage_limit_field == "total_tokens"
    assert all(limit.workspace_id == ws for limit in body.limits)


def test_a_ram_user_may_not_read_the_bill(sandbox):
    client = sandbox.client("cn-beijing", who=RAM_ADMIN)
    expect_error("Forbidden.RAM", trend, client, today(), today(), status=403)
