// Workspace limits as people read and write them: a count per minute, hour or
// day, and the most a workspace may set (the account's limit for that period,
// as the sandbox and the console allow).
import type { LimitPeriod, LimitView } from "./ipc";
import { t, type MessageKey } from "./i18n/index.svelte";

export const LIMIT_PERIODS: { id: LimitPeriod; seconds: number; label: MessageKey }[] = [
  { id: "minute", seconds: 60, label: "limits.per.minute" },
  { id: "hour", seconds: 3_600, label: "limits.per.hour" },
  { id: "day", seconds: 86_400, label: "limits.per.day" },
];

function periodLabel(seconds: number | null | undefined): string {
  const p = LIMIT_PERIODS.find((p) => p.seconds === seconds);
  return p ? t(p.label) : t("limits.perSeconds", { seconds: seconds ?? "?" });
}

/** The account's limit of one kind scaled to `per`, or null when the account sets none. */
export function limitMax(account: LimitView | null | undefined, kind: "requests" | "tokens", per: LimitPeriod): number | null {
  const count = kind === "requests" ? account?.requestLimit : account?.usageLimit;
  const period = kind === "requests" ? account?.requestLimitPeriod : account?.usageLimitPeriod;
  const seconds = LIMIT_PERIODS.find((p) => p.id === per)!.seconds;
  if (count == null || !period) return null;
  return Math.floor((count * seconds) / period);
}

/** "1,200 requests per minute · 1,000,000 tokens per minute", or "No limit". */
export function rateText(limit: LimitView | null | undefined): string {
  const parts: string[] = [];
  if (limit?.requestLimit != null)
    parts.push(t("limits.rate.requests", { n: limit.requestLimit.toLocaleString(), per: periodLabel(limit.requestLimitPeriod) }));
  if (limit?.usageLimit != null)
    parts.push(t("limits.rate.tokens", { n: limit.usageLimit.toLocaleString(), per: periodLabel(limit.usageLimitPeriod) }));
  return parts.length ? parts.join(" · ") : t("limits.none");
}
