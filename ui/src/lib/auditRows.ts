// What the audit view and a key's history say about a record: the order,
// the labels, the time, and the filter sent for a chosen day. Plain
// functions, unit-tested on their own (auditRows.test.ts).
import type { AuditRecord, AuditVerdict, RegionId } from "./ipc";
import { currentLang, regionName, t, tMaybe, tn } from "./i18n/index.svelte";
import { app } from "./stores/app.svelte";

/**
 * The actions the log records, in the order the action filter offers them:
 * Rust's `services::audit::ACTIONS` (`AUDIT_ACTIONS` in the bindings). A
 * record of an action not listed (a newer `skm`) still shows, by name.
 */
export { AUDIT_ACTIONS } from "./ipc";

/** A record as a row shows it: the key it concerns, even on a `started` record. */
export type AuditRow = AuditRecord & { keyId: string | null; keyMasked: string | null };

/**
 * Newest first. A `started` record written before its key existed (a
 * Create's) takes the key of the record that concludes it, so a key's
 * history names that key on every row.
 */
export function newestFirst(records: AuditRecord[]): AuditRow[] {
  const concluded = new Map<number, AuditRecord>();
  for (const r of records) if (r.of !== null) concluded.set(r.of, r);
  return records
    .map((r) => {
      const end = r.apiKeyId ? undefined : concluded.get(r.seq);
      return { ...r, keyId: r.apiKeyId ?? end?.apiKeyId ?? null, keyMasked: r.masked ?? end?.masked ?? null };
    })
    .reverse();
}

export function actionLabel(action: string): string {
  return tMaybe(`audit.action.${action}`) ?? action;
}

export function outcomeLabel(outcome: string): string {
  return tMaybe(`audit.outcome.${outcome}`) ?? outcome;
}

export function regionLabel(region: string | null): string {
  if (!region) return "";
  return regionName(app.region(region as RegionId)) || region;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** An RFC 3339 time in the person's language and time zone, to the second. */
export function formatAuditTime(time: string): string {
  const ms = Date.parse(time);
  if (!Number.isFinite(ms)) return time;
  const lang = currentLang();
  let f = timeFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "medium" });
    timeFormats.set(lang, f);
  }
  return f.format(new Date(ms));
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * A day from a date field (`YYYY-MM-DD`) as its local midnight in RFC 3339,
 * with this computer's offset, as `skm audit list --since DAY` means it;
 * null for an empty or unreadable day (no filter).
 */
export function localMidnight(day: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(d.getTime())) return null;
  // Where midnight does not exist (a clock change at 00:00) the day starts at
  // the first time it has, which the Date already holds.
  const east = -d.getTimezoneOffset();
  const offset = `${east >= 0 ? "+" : "-"}${pad(Math.floor(Math.abs(east) / 60))}:${pad(Math.abs(east) % 60)}`;
  return `${m[1]}-${m[2]}-${m[3]}T${pad(d.getHours())}:${pad(d.getMinutes())}:00${offset}`;
}

/** The verify verdict in one sentence. */
export function verdictText(v: AuditVerdict): string {
  switch (v.state) {
    case "intact":
      return tn("audit.verdict.intact", v.records);
    case "damaged":
      return t("audit.verdict.damaged", { file: v.file, line: v.line, records: v.records });
    case "tampered":
      return (
        tMaybe(`audit.verdict.tampered.${v.how}`, { seq: v.seq, file: v.file, line: v.line }) ??
        t("audit.verdict.tampered.other", { how: v.how, seq: v.seq, file: v.file, line: v.line })
      );
  }
}

/** The actions that hand a key's value to somewhere it may still be used. */
const HANDED_OVER = ["copy", "copy_env", "export", "exec"] as const;

/** One place a key's value went: when, how, and where when the record says (a file's path, a program). */
export type KeyUse = { seq: number; time: string; action: string; note: string | null };

/**
 * Where a key was probably used, newest first, from its records: each copy,
 * `.env` line, file and `skm exec` run, dated by its `started` record (an
 * `exec` concludes only when the program ends). One that failed gave the value
 * to nobody and is left out.
 */
export function keyUses(records: AuditRecord[]): KeyUse[] {
  const failed = new Set(records.filter((r) => r.outcome === "failed" && r.of !== null).map((r) => r.of));
  return records
    .filter((r) => r.outcome === "started" && (HANDED_OVER as readonly string[]).includes(r.action) && !failed.has(r.seq))
    // Only a file's path and a program name say where; a copy's note does not.
    .map((r) => ({ seq: r.seq, time: r.time, action: r.action, note: r.action === "copy" || r.action === "copy_env" ? null : r.note }))
    .reverse();
}
