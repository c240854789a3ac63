import { mark } from "./lib/bench";
mark("script");
// The webview's first frame, whatever is on the page: what the app cannot speed up.
requestAnimationFrame(() => mark("first-raf"));
import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";

mount(App, { target: document.getElementById("app")! });
mark("mounted");
