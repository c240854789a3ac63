// The `skm exec` line the app offers for a saved key (the key detail, a
// rotation's hand-over): it names the profile, region and key, and the person
// puts their program in place of the placeholder. Never the key's value.
import type { RegionId } from "./ipc";

const SHELL_SAFE = /^[A-Za-z0-9._:@%+=,/-]+$/;

/** A word as a POSIX shell reads it back unchanged: quoted only when it must be. */
function shellWord(w: string): string {
  return SHELL_SAFE.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** `skm [--profile P] --region R exec --key ID -- <command>`; `command` is the placeholder, as it is. */
export function execLine(profileId: string | null, region: RegionId, apiKeyId: string, command: string): string {
  const profile = profileId ? ["--profile", shellWord(profileId)] : [];
  return ["skm", ...profile, "--region", region, "exec", "--key", shellWord(String(apiKeyId)), "--", command].join(" ");
}
