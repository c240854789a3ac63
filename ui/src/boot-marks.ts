// Imported first by main.ts (imports run in order, before the module body):
// marks when the bundle starts running and the webview's first frame, for the
// launch timeline `make bench` prints.
import { mark } from "./lib/bench";

mark("script");
// The webview's first frame, whatever is on the page: what the app cannot speed up.
requestAnimationFrame(() => mark("first-raf"));
