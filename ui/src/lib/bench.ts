// The launch timeline `make bench` prints: each step of the UI's start, in ms
// since the page began loading. Cheap enough to record always; sent once,
// with the first painted key list, and only logged in bench mode.
import type { BenchMark } from "./bindings";

const marks: BenchMark[] = [];

export function mark(name: string): void {
  if (marks.length < 32) marks.push({ name, ms: performance.now() });
}

/** The marks so far, once: later paints send none. */
export function takeMarks(): BenchMark[] {
  return marks.splice(0);
}
