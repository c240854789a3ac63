// What a row of the key table shows of a key: the strings and badges of its
// cells, apart from the table that lays them out (KeyTable.svelte) so the
// wording is tested without rendering a list. Everything here follows the
// current language through `t`.
import type { KeyView } from "./ipc";
import { formatDateTime, formatDay, formatShortDate, t, tn } from "./i18n/index.svelte";
import { keyPrefixOf, restrictedIps } from "./rules";
import { COST_DAYS } from "./stores/costs.svelte";

/** The masked key, short enough for its column: its prefix and its last characters. */
export function shortMask(masked: string): string {
  const prefix = keyPrefixOf(masked)?.prefix ?? "";
  const tail = masked.slice(-6);
  return masked.length <= prefix.length + 10 ? masked : `${prefix}…${tail}`;
}

/** The description, or a placeholder when there is none (shown muted). */
export function descriptionText(k: KeyView): string {
  return k.description || t("row.noDescription");
}

/** The workspace by name, by ID when its name is unknown. */
export function workspaceText(k: KeyView): string {
  return k.workspaceName || k.workspaceId;
}

/** "All", or how many IP addresses and models a custom permission allows. */
export function permissionText(k: KeyView): string {
  const p = k.permission;
  if (!p || p.type === "All") return t("row.permissionAll");
  const ips = restrictedIps(p.accessIps);
  return t("row.permissionCustom", {
    ips: ips.length === 0 ? t("row.allIps") : tn("row.ips", ips.length),
    models: p.allowAllModels ? t("row.allModels") : tn("row.models", p.accessibleModels.length),
  });
}

export function statusText(k: KeyView): string {
  return k.enabled ? t("row.active") : t("row.disabled");
}

/** The creation date for the column (numbers only); "" when unknown. */
export function createdText(k: KeyView): string {
  return formatShortDate(k.createdAt ?? null);
}

/** The creation date and time, for the column's tooltip; "" when unknown. */
export function createdTitle(k: KeyView): string {
  return formatDateTime(k.createdAt ?? null);
}

/** Who made the key: "you" for the active account (`you`, its `createdBy`); "" when unknown. */
export function creatorText(k: KeyView, you: string | null): string {
  if (!k.createdBy) return "";
  return you && k.createdBy === you ? t("table.you") : k.createdBy;
}

export type Badge = {
  testid: "saved-badge" | "legacy-badge" | "idle-badge" | "review-badge";
  tone: "ok" | "warn";
  text: string;
  title: string;
  /** The saved copy failed a check (data-stale on the badge). */
  stale?: true;
};

/** The status column's badges, in their order: saved copy, old format, idle, review due. */
export function rowBadges(k: Pick<KeyView, "saved" | "legacy" | "reviewDue" | "reviewBy">, idle: boolean): Badge[] {
  const badges: Badge[] = [];
  if (k.saved === "stale")
    badges.push({ testid: "saved-badge", tone: "warn", text: t("table.stale"), title: t("row.staleHint"), stale: true });
  else if (k.saved === "saved")
    badges.push({ testid: "saved-badge", tone: "ok", text: t("table.saved"), title: t("row.savedBadge") });
  if (k.legacy) badges.push({ testid: "legacy-badge", tone: "warn", text: t("table.legacy"), title: t("row.legacyHint") });
  if (idle)
    badges.push({ testid: "idle-badge", tone: "warn", text: t("costs.idle"), title: t("costs.idleHint", { days: COST_DAYS }) });
  if (k.reviewDue && k.reviewBy)
    badges.push({ testid: "review-badge", tone: "warn", text: t("table.reviewDue"), title: formatDay(k.reviewBy) });
  return badges;
}

/** One badge of each kind a row may show (saved, old format, idle, review due, and a stale copy), for the table to measure. */
export function allBadges(): Badge[] {
  return [
    ...rowBadges({ saved: "saved", legacy: true, reviewDue: true, reviewBy: "2000-01-01" }, true),
    ...rowBadges({ saved: "stale", legacy: false, reviewDue: false, reviewBy: null }, false),
  ];
}
