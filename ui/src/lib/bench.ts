// The figures `make bench` reads from the app's log (STUDIO_KEYS_BENCH=1):
// the launch timeline (each step of the UI's start, in ms since the page began
// loading; cheap enough to record always, sent once with the first painted key
// list) and, for each later list, the input that asked for it and its frame.
import { tick } from "svelte";
import type { BenchMark, PaintSource, RegionId } from "./bindings";
import { ipc } from "./ipc";
import { app } from "./stores/app.svelte";

const marks: BenchMark[] = [];

export function mark(name: string): void {
  if (marks.length < 32) marks.push({ name, ms: performance.now() });
}

/** The marks so far, once: later paints send none. */
function takeMarks(): BenchMark[] {
  return marks.splice(0);
}

let inputAt: number | null = null;

/** A key press that asks for another list: its event's time (the same clock
 * as performance.now()), sent with that list's paint. */
export function markInput(eventTime: number): void {
  inputAt = eventTime;
}

/** A list has been rendered (`seq`: which one, see `ui_painted`): tell the
 * benchmark when it is on screen. A requestAnimationFrame callback runs before
 * its frame is painted; the one after it means the list is on screen (the
 * baseline window does the same). Registered now, before the list renders,
 * so it runs ahead of later work. */
export function reportPaint(region: RegionId, source: PaintSource, seq: number): void {
  if (!app.info?.benchMode) return;
  const input = inputAt;
  inputAt = null;
  const launch = input === null && source !== "filter";
  // A switch's or keystroke's own steps, on the same clock as the launch's.
  const steps: BenchMark[] = input === null ? [] : [{ name: "input", ms: input }];
  const step = (name: string) => (launch ? mark(name) : steps.push({ name, ms: performance.now() }));
  step("asked");
  void tick().then(() => step("rendered"));
  requestAnimationFrame(() => {
    step("frame-before-paint");
    requestAnimationFrame(() => {
      step("frame");
      void ipc
        .uiPainted(region, source, seq, launch ? takeMarks() : steps)
        .then((wanted) => (wanted ? ipc.benchSnapshot(document.documentElement.outerHTML) : null))
        .catch(() => {});
    });
  });
}
