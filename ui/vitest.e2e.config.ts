import { defineConfig } from "vitest/config";

// End-to-end tests drive the real app (tauri-driver + WebKitWebDriver); see e2e/run.sh.
export default defineConfig({
  test: {
    environment: "node",
    include: ["e2e/**/*.e2e.ts"],
    testTimeout: 120000,
    hookTimeout: 180000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
