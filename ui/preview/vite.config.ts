// `npm run preview:mock`: builds the UI against mockBindings.ts into
// preview/dist for looking at the screens without Rust. Never shipped.
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { fileURLToPath } from "node:url";

export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  base: "./",
  plugins: [svelte()],
  resolve: {
    alias: [{ find: /^\.\/bindings$/, replacement: fileURLToPath(new URL("./mockBindings.ts", import.meta.url)) }],
  },
  build: { outDir: "preview/dist", emptyOutDir: true, target: "safari15" },
});
