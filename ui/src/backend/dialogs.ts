// File paths reach the core only from the system's file dialogs (the security issue's rule):
// no screen has a text box for a path. Each function returns null when the officer cancels.
// In a browser (`fengqiao serve`) there is no dialog of this computer's files: a file to
// save is a download of the suggested name, and screens that must pick a file or folder
// are hidden (`DesktopOnly`).
import { open, save } from "@tauri-apps/plugin-dialog";
import { openPath } from "@tauri-apps/plugin-opener";
import { inBrowser } from "./transport";

export type FileKind = "pdf" | "xlsx" | "fqsync" | "fqreq" | "fqreply" | "backup" | "image";

const FILTERS: Record<FileKind, { name: string; extensions: string[] }> = {
  pdf: { name: "PDF 文书", extensions: ["pdf"] },
  xlsx: { name: "Excel 表格", extensions: ["xlsx"] },
  fqsync: { name: "同步包", extensions: ["fqsync"] },
  fqreq: { name: "登记申请", extensions: ["fqreq"] },
  fqreply: { name: "登记回执", extensions: ["fqreply"] },
  backup: { name: "数据库备份", extensions: ["db"] },
  image: { name: "照片或扫描件", extensions: ["jpg", "jpeg", "png", "pdf", "JPG", "JPEG", "PNG", "PDF"] },
};

export const dialogs = {
  /** Where to write a new file; `suggested` is the file name offered. */
  async saveFile(kind: FileKind, suggested: string, title?: string): Promise<string | null> {
    if (inBrowser()) return suggested;
    return save({ title, defaultPath: suggested, filters: [FILTERS[kind]] });
  },
  /** One existing file to read. */
  async openFile(kinds: FileKind[], title?: string): Promise<string | null> {
    const picked = await open({ title, multiple: false, directory: false, filters: kinds.map((k) => FILTERS[k]) });
    return typeof picked === "string" ? picked : null;
  },
  /** A folder, e.g. a USB stick for a backup. */
  async openFolder(title?: string): Promise<string | null> {
    const picked = await open({ title, multiple: false, directory: true });
    return typeof picked === "string" ? picked : null;
  },
};

/** Opens a document the app has just written (a PDF to print, a ledger) in the system's viewer. */
export async function openInViewer(path: string): Promise<void> {
  await openPath(path);
}
