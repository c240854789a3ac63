// Report the first frame, as Studio Keys reports its first painted key list.
requestAnimationFrame(() => window.__TAURI__.core.invoke("painted"));
