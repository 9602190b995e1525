import { useState } from "react";
import type React from "react";
import { Alert, App, Button } from "antd";
import type { ButtonProps } from "antd";
import { ExportOutlined, PrinterOutlined } from "@ant-design/icons";
import { backend, toBackendError } from "../backend";
import type { LedgerKind, Written } from "../backend";
import { LedgerKindLabel } from "../backend/types";
import { dialogs, openInViewer } from "../backend/dialogs";
import { inBrowser } from "../backend/transport";
import type { FileKind } from "../backend/dialogs";

/**
 * Asks the system's save dialog where to write, then lets `write` write there; shows
 * progress while it runs and offers to open the file. A cancelled dialog sends nothing.
 * In a browser the file is a download of the suggested name, opened from the browser's
 * downloads.
 */
export function useWriteFile() {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const run = async (kind: FileKind, suggested: string, write: (path: string) => Promise<Written>, what: string) => {
    const path = await dialogs.saveFile(kind, suggested.replace(/[\\/:*?"<>|]/g, "_"), `保存${what}`);
    if (!path) return null;
    setBusy(true);
    const key = `write-${suggested}`;
    message.open({ key, type: "loading", content: `正在生成${what}…`, duration: 0 });
    try {
      const w = await write(path);
      if (inBrowser()) {
        message.open({ key, type: "success", duration: 8, content: `${what}已下载：${w.path}（在浏览器的下载列表中打开、打印）` });
        return w;
      }
      message.open({
        key,
        type: "success",
        duration: 6,
        content: (
          <span>
            {what}已保存：{w.path}{" "}
            <Button size="small" type="link" onClick={() => void openInViewer(w.path)}>
              打开
            </Button>
          </span>
        ),
      });
      return w;
    } catch (e) {
      message.open({ key, type: "error", duration: 8, content: toBackendError(e).message });
      return null;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy };
}

/** 导出台账: one ledger as xlsx, optionally only one month. */
export function LedgerExportButton({ kind, month, ...rest }: { kind: LedgerKind; month?: string | null } & ButtonProps) {
  const { run, busy } = useWriteFile();
  const name = LedgerKindLabel[kind];
  return (
    <Button
      icon={<ExportOutlined />}
      loading={busy}
      data-testid={`export-${kind}`}
      {...rest}
      onClick={() =>
        void run("xlsx", `${name}${month ? `-${month}` : ""}.xlsx`, (path) => backend.ledger.export({ kind, month: month ?? null, path }), name)
      }
    >
      导出台账
    </Button>
  );
}

/** 打印: writes a document where the save dialog says, then opens it in the system's viewer to
 * print (in a browser: downloads it, to open and print from the browser). */
export function PrintButton({
  what,
  suggested,
  write,
  ...rest
}: { what: string; suggested: string; write: (path: string) => Promise<Written> } & Omit<ButtonProps, "onClick">) {
  const { run, busy } = useWriteFile();
  const { message } = App.useApp();
  return (
    <Button
      icon={<PrinterOutlined />}
      loading={busy}
      {...rest}
      onClick={() =>
        void run("pdf", suggested, write, what).then((w) => {
          if (w && !inBrowser()) openInViewer(w.path).catch((e) => message.error(`无法打开${what}：${toBackendError(e).message}`));
        })
      }
    >
      {what === "协议书" ? "打印协议书" : what}
    </Button>
  );
}

/**
 * What needs a file or folder of this computer picked in a dialog (a backup, a roster, a USB
 * bundle): in the app as it is; in a browser (`fengqiao serve`) a note saying where to do it.
 */
export function DesktopOnly({ what, cli, children }: { what: string; cli: string; children: React.ReactNode }) {
  if (!inBrowser()) return <>{children}</>;
  return (
    <Alert
      type="info"
      showIcon
      data-testid="desktop-only"
      message={`浏览器版不能${what}`}
      description={`浏览器不能读写本机的文件夹。请在桌面程序中操作，或在命令行中运行：${cli}`}
    />
  );
}
