// Report the first frame on screen, as Studio Keys reports its first painted key
// list: a requestAnimationFrame callback runs before its frame is painted, so the
// one after it is the sign that the first frame was painted.
requestAnimationFrame(() => requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke("painted")));
