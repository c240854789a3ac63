import "./boot-marks";
import "./platform";
import { mount } from "svelte";
import App from "./App.svelte";
import { mark } from "./lib/bench";
import "./app.css";

mount(App, { target: document.getElementById("app")! });
mark("mounted");
