// The one helper that turns a call into busy state and an error banner.
import { describe, expect, it } from "vitest";
import { ipcError } from "../../test/fixtures";
import type { IpcError } from "../ipc";
import { Attempt, reported } from "./attempt.svelte";
import { notices } from "./notices.svelte";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: IpcError) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("Attempt", () => {
  it("is busy while an action runs, keeps its error, and clears it when the next one starts", async () => {
    const a = new Attempt<"save">();
    const first = deferred<string>();
    const run = a.run("save", () => first.promise);
    expect(a.busy).toBe("save");
    first.reject(ipcError("Forbidden", "No."));
    expect(await run).toBeUndefined();
    expect(a.busy).toBeNull();
    expect(a.error?.message).toBe("No.");

    const second = deferred<string>();
    const again = a.run("save", () => second.promise);
    expect(a.error).toBeNull();
    second.resolve("done");
    expect(await again).toBe("done");
  });

  it("leaves the busy state alone for a quick call", async () => {
    const a = new Attempt<"download">();
    await a.run(null, async () => {
      expect(a.busy).toBeNull();
    });
  });

  it("in load mode, keeps the error while reloading and drops an answer a newer load replaced", async () => {
    const a = new Attempt({ mode: "load" });
    await a.run("load", () => Promise.reject(ipcError("Network", "Offline.")));
    const slow = deferred<string>();
    const fast = deferred<string>();
    const older = a.run("load", () => slow.promise);
    expect(a.error?.message).toBe("Offline.");
    const newer = a.run("load", () => fast.promise);
    fast.resolve("new");
    expect(await newer).toBe("new");
    expect(a.error).toBeNull();
    expect(a.busy).toBeNull();
    slow.reject(ipcError("Network", "Late."));
    expect(await older).toBeUndefined();
    expect(a.error).toBeNull();
  });
});

describe("reported", () => {
  it("turns a failure with no panel of its own into an error notice", async () => {
    notices.items = [];
    expect(await reported(Promise.resolve(1))).toBe(1);
    expect(await reported(Promise.reject(ipcError("Conflict", "Taken.")))).toBeUndefined();
    expect(notices.items.map((n) => [n.text, n.error?.code])).toEqual([["Taken.", "Conflict"]]);
  });
});
