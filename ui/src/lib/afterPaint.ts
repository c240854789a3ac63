// Work that must not hold up a frame the user is waiting for (a list shown
// from the cache) waits for that frame: a requestAnimationFrame callback runs
// just before the frame is painted, and a task queued from it runs after.
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame !== "function" || document.visibilityState === "hidden") {
      setTimeout(resolve, 0);
      return;
    }
    requestAnimationFrame(() => setTimeout(resolve, 0));
  });
}
