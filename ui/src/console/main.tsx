// The county console's entry (console.html): the same React code and components as the
// desktop app, over the HTTP transport to `fengqiao-hq serve`.
import React from "react";
import ReactDOM from "react-dom/client";
import { ConfigProvider, App as AntApp } from "antd";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { HashRouter } from "react-router-dom";
import { selectHttpTransport } from "../backend/transport";
import { ConsoleApp } from "./ConsoleApp";
import "../app.css";
import "./console.css";

selectHttpTransport();
dayjs.locale("zh-cn");

ReactDOM.createRoot(document.getElementById("root")!).render(
  <React.StrictMode>
    <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: "#1f4e99", borderRadius: 4 } }}>
      <AntApp>
        <HashRouter>
          <ConsoleApp />
        </HashRouter>
      </AntApp>
    </ConfigProvider>
  </React.StrictMode>,
);
