import React from "react";
import ReactDOM from "react-dom/client";
import { ConfigProvider, App as AntApp } from "antd";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { HashRouter } from "react-router-dom";
import { isTauri } from "@tauri-apps/api/core";
import { App } from "./App";
import { DESK } from "./backend/http";
import { selectHttpTransport } from "./backend/transport";
import "./app.css";

// In the desktop app's window, Tauri's IPC; in a browser, the page came from `fengqiao serve`.
if (!isTauri()) selectHttpTransport(DESK);
dayjs.locale("zh-cn");

ReactDOM.createRoot(document.getElementById("root")!).render(
  <React.StrictMode>
    <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: "#1f4e99", borderRadius: 4 } }}>
      <AntApp>
        <HashRouter>
          <App />
        </HashRouter>
      </AntApp>
    </ConfigProvider>
  </React.StrictMode>,
);
