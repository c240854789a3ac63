// The key actions that ask first (disable, delete, reset, forget the saved
// copy) and the quick ones, shared by a row's menu and the detail panel so
// both say the same thing and run the same calls. Each runs through the
// caller's Attempt, whose error the caller shows next to where it was asked.
import type { KeyView } from "../ipc";
import { t, tn } from "../i18n/index.svelte";
import type { Attempt } from "./attempt.svelte";
import { dialogs } from "./dialogs.svelte";
import { keys } from "./keys.svelte";
import { notices } from "./notices.svelte";

export type KeyAction =
  | "copy-saved"
  | "copy-masked"
  | "copy-env"
  | "verify"
  | "export"
  | "forget"
  | "enable"
  | "disable"
  | "reset"
  | "delete"
  | "review";

export const keyName = (key: KeyView) => key.description || key.maskedValue;

function copied(clearsInSeconds?: number | null) {
  notices.ok(clearsInSeconds ? t("common.copiedClears", { seconds: clearsInSeconds }) : t("common.copied"));
}

export function copySaved(key: KeyView, attempt: Attempt) {
  return attempt.run("copy-saved", async () => {
    copied((await keys.copySaved(key)).clearsInSeconds);
  });
}

export function copyMasked(key: KeyView, attempt: Attempt) {
  return attempt.run("copy-masked", async () => {
    await keys.copyText(key.maskedValue);
    copied();
  });
}

export function enable(key: KeyView, attempt: Attempt) {
  return attempt.run("enable", async () => {
    await keys.setEnabled(key, true);
    notices.ok(t("row.enabledDone"));
  });
}

export async function disable(key: KeyView, attempt: Attempt) {
  const yes = await dialogs.confirm({
    title: t("confirm.disableTitle"),
    body: t("confirm.disableBody", { name: keyName(key) }),
    ok: t("confirm.disableOk"),
  });
  if (yes)
    await attempt.run("disable", async () => {
      await keys.setEnabled(key, false);
      notices.ok(t("row.disabledDone"));
    });
}

export async function remove(key: KeyView, attempt: Attempt) {
  const yes = await dialogs.confirm({
    title: t("confirm.deleteTitle"),
    body: t("confirm.deleteBody", { name: keyName(key), masked: key.maskedValue }),
    ok: t("confirm.deleteOk"),
    danger: true,
  });
  if (yes)
    await attempt.run("delete", async () => {
      await keys.remove(key);
      if (dialogs.detail?.apiKeyId === String(key.apiKeyId)) dialogs.closeDetail();
      notices.ok(t("row.deletedDone"));
    });
}

export async function reset(key: KeyView, attempt: Attempt) {
  const yes = await dialogs.confirm({
    title: t("confirm.resetTitle"),
    body: t("confirm.resetBody", { name: keyName(key), masked: key.maskedValue }),
    ok: t("confirm.resetOk"),
    danger: true,
  });
  if (yes)
    await attempt.run("reset", async () => {
      dialogs.showOneTime(await keys.reset(key), true);
    });
}

/** Resolves true when the saved copy was forgotten. */
export async function forgetSaved(key: KeyView, attempt: Attempt): Promise<boolean> {
  const yes = await dialogs.confirm({
    title: t("confirm.forgetTitle"),
    body: t("confirm.forgetBody", { name: keyName(key) }),
    ok: t("confirm.forgetOk"),
  });
  if (!yes) return false;
  const done = await attempt.run("forget", async () => {
    await keys.forgetSaved(key);
    notices.ok(t("saved.forgotten"));
    return true;
  });
  return done === true;
}

/**
 * Disables each of `list`, one at a time (each is its own change on the
 * server, reported on its own), after the caller's one confirmation that
 * named them: the idle and spend banners. Says what became of them.
 */
export async function disableEach<K>(list: K[], name: (k: K) => string, disableOne: (k: K) => Promise<unknown>) {
  const failed: string[] = [];
  for (const k of list) {
    try {
      await disableOne(k);
    } catch {
      failed.push(name(k));
    }
  }
  if (failed.length) notices.ok(t("idle.someFailed", { names: failed.join(t("idle.separator")) }), 15000);
  else notices.ok(tn("idle.done", list.length));
}
