// A small typed i18n: four catalogs, keys checked by TypeScript, `{name}`
// placeholders, and a rune so every `t(...)` in a template follows the
// language. English is built in; the others load when chosen, so only the
// active language's catalog is fetched (the first screen's JS stays small).
import en from "./en";
import type { Catalog, MessageKey, Params } from "./catalog";
// Lang straight from the generated bindings, not through ipc.ts: ipc.ts
// imports `t` from here for its fallback messages, so that would be a cycle.
import type { Lang } from "../bindings";

export type { Catalog, MessageKey, Params } from "./catalog";

/** Every language the app speaks, in the order Settings lists them. */
export const LANGS: Lang[] = ["en", "zh-CN", "zh-TW", "ja"];

const loaders: Record<Exclude<Lang, "en">, () => Promise<{ default: Catalog }>> = {
  "zh-CN": () => import("./zh-CN"),
  "zh-TW": () => import("./zh-TW"),
  ja: () => import("./ja"),
};

/** The catalogs loaded so far (English always); replaced, never deeply proxied. */
let loaded = $state.raw<Partial<Record<Lang, Catalog>>>({ en });

/** Load `lang`'s catalog (once); resolves when `t` can speak it. */
export async function loadLang(lang: Lang): Promise<Catalog> {
  const have = loaded[lang];
  if (have) return have;
  const catalog = (await loaders[lang as Exclude<Lang, "en">]()).default;
  loaded = { ...loaded, [lang]: catalog };
  return catalog;
}

let current = $state<Lang>("en");

export function currentLang(): Lang {
  return current;
}

/** Speak `lang` from now on; its catalog loads if it has not (English shows
 * meanwhile). Resolves once it is loaded: await it to paint in that language. */
export function setLang(lang: Lang): Promise<void> {
  current = lang;
  if (typeof document !== "undefined") document.documentElement.lang = lang;
  return loadLang(lang).then(() => undefined);
}

/** The best of our languages for a BCP-47 tag (`zh-TW`, `zh-Hant-HK`, `ja-JP`, `zh-CN`…). */
export function langOf(tag: string): Lang {
  const t = tag.toLowerCase().replace(/_/g, "-");
  if (t === "ja" || t.startsWith("ja-")) return "ja";
  if (t === "zh" || t.startsWith("zh-")) {
    const traditional = t.includes("hant") || /^zh-(tw|hk|mo)\b/.test(t);
    return traditional && !t.includes("hans") ? "zh-TW" : "zh-CN";
  }
  return "en";
}

/** The language the system asks for, as one of ours. */
export function systemLang(): Lang {
  const tags = typeof navigator !== "undefined" ? (navigator.languages ?? [navigator.language]) : [];
  return langOf(tags.find(Boolean) ?? "en");
}

function lookup(catalog: Catalog, key: string): string | undefined {
  let node: unknown = catalog;
  for (const part of key.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "string" ? node : undefined;
}

export function format(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function t(key: MessageKey, params?: Params): string {
  const text = lookup(loaded[current] ?? en, key) ?? lookup(en, key) ?? key;
  return format(text, params);
}

/** Look up a key built at run time (e.g. from a server reason); undefined when absent. */
export function tMaybe(key: string, params?: Params): string | undefined {
  const text = lookup(loaded[current] ?? en, key);
  return text === undefined ? undefined : format(text, params);
}

/** `key.one` for a count of 1, otherwise `key.other`; `{count}` is filled in. */
export function tn(key: string, count: number, params?: Params): string {
  const form = count === 1 ? "one" : "other";
  return tMaybe(`${key}.${form}`, { count, ...params }) ?? String(count);
}

/** A region's name in the current language, as the console shows it there. */
export function regionName(r: { nameEn: string; nameZh: string; nameZhTw: string; nameJa: string } | undefined): string {
  if (!r) return "";
  const names: Record<Lang, string> = { en: r.nameEn, "zh-CN": r.nameZh, "zh-TW": r.nameZhTw, ja: r.nameJa };
  return names[current];
}

// Building an Intl formatter costs about a millisecond; a list formats one
// date per row, so keep one per language.
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** A local, human date and time for an epoch in milliseconds; "" when unknown. */
export function formatDateTime(epochMs: number | null): string {
  if (epochMs === null || !Number.isFinite(epochMs) || epochMs <= 0) return "";
  let f = dateTimeFormats.get(current);
  if (!f) {
    f = new Intl.DateTimeFormat(current, { dateStyle: "medium", timeStyle: "short" });
    dateTimeFormats.set(current, f);
  }
  return f.format(new Date(epochMs));
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(): Intl.DateTimeFormat {
  let f = dateFormats.get(current);
  if (!f) {
    f = new Intl.DateTimeFormat(current, { dateStyle: "medium" });
    dateFormats.set(current, f);
  }
  return f;
}

/** A calendar day kept as `YYYY-MM-DD`, in the current language; as given when it is not one. */
export function formatDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? dateFormat().format(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : day;
}

const shortDateFormats = new Map<string, Intl.DateTimeFormat>();

/** A compact local date (numbers only) for a table column; "" when unknown. */
export function formatShortDate(epochMs: number | null): string {
  if (epochMs === null || !Number.isFinite(epochMs) || epochMs <= 0) return "";
  let f = shortDateFormats.get(current);
  if (!f) {
    f = new Intl.DateTimeFormat(current, { year: "numeric", month: "numeric", day: "numeric" });
    shortDateFormats.set(current, f);
  }
  return f.format(new Date(epochMs));
}
