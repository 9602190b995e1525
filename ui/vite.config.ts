/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Two builds from the same code: the desktop app (index.html, served by Tauri; the dev
// server is only for `tauri dev`), and with `--mode console` the county console
// (console.html into dist-console/, which `fengqiao-hq serve --console-dir` serves).
export default defineConfig(({ mode }) => ({
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: "safari15",
    chunkSizeWarningLimit: 2500,
    ...(mode === "console" ? { outDir: "dist-console", rollupOptions: { input: "console.html" } } : {}),
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    testTimeout: 60000,
  },
}));
