// The catalogs' types, apart from the runtime in index.svelte.ts: the
// translations type-check against them, and index.svelte.ts loads the
// translations, so keeping the types there made each pair an import cycle.
import type en from "./en";

type Leaves<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Same shape as the English catalog, any strings: what a translation must provide. */
export type Catalog<T = typeof en> = {
  [K in keyof T]: T[K] extends string ? string : Catalog<T[K]>;
};
export type MessageKey = Leaves<typeof en>;
export type Params = Record<string, string | number>;
