import React from "react";
import type { ReactNode } from "react";
import ReactDOM from "react-dom/client";
import { ConfigProvider, App as AntApp } from "antd";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { HashRouter } from "react-router-dom";

/**
 * Renders an entry's app into the page's `#root`, in Chinese, with the house colours and
 * routes in the URL's hash: the desktop app (main.tsx) and the county console
 * (console/main.tsx) start the same way.
 */
export function mount(app: ReactNode) {
  dayjs.locale("zh-cn");
  ReactDOM.createRoot(document.getElementById("root")!).render(
    <React.StrictMode>
      <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: "#1f4e99", borderRadius: 4 } }}>
        <AntApp>
          <HashRouter>{app}</HashRouter>
        </AntApp>
      </ConfigProvider>
    </React.StrictMode>,
  );
}
