import { isTauri } from "@tauri-apps/api/core";
import { App } from "./App";
import { DESK } from "./backend/http";
import { selectHttpTransport } from "./backend/transport";
import { mount } from "./components/mount";
import "./app.css";

// In the desktop app's window, Tauri's IPC; in a browser, the page came from `fengqiao serve`.
if (!isTauri()) selectHttpTransport(DESK);
mount(<App />);
