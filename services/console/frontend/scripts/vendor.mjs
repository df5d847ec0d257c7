// Copies the pinned dist files the console serves into its static folder (git-ignored).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const target = join(here, "..", "src", "lotledger", "console", "static", "vendor");
const files = {
  "uplot/dist/uPlot.iife.min.js": "uPlot.iife.min.js",
  "uplot/dist/uPlot.min.css": "uPlot.min.css",
  "uplot/LICENSE": "uPlot.LICENSE.txt",
};
mkdirSync(target, { recursive: true });
for (const [from, to] of Object.entries(files)) {
  copyFileSync(join(here, "node_modules", from), join(target, to));
}
console.log(`vendored ${Object.keys(files).length} files into ${target}`);
