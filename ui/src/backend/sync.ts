// Sync as the UI sees it: the transfer methods of the core's registry (`sync.*`, `enroll.*`),
// typed with the generated bindings, and one sentence in Chinese for what each reported.
import { call } from ".";
import type {
  BundleImportReport,
  BundleSent,
  Conflict,
  Enrolled,
  EnrollRequestWritten,
  NetworkSync,
  Status,
} from "./types";

export type SyncStatus = Status;
export type SyncConflict = Conflict;
/** What any transfer reports. */
export type TransferReport = BundleSent | BundleImportReport | NetworkSync | Enrolled | EnrollRequestWritten;

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function received(r: BundleImportReport): string {
  if (r.repeat) return `第 ${r.counter} 号同步包本机已导入过，这次没有重复导入（${r.changes} 条变更均已有），数据未变`;
  const parts = [`收到第 ${r.counter} 号同步包，变更 ${r.changes} 条`, `应用 ${r.applied} 条`];
  if (r.duplicates) parts.push(`已有 ${r.duplicates} 条`);
  if (r.ignored) parts.push(`无需应用 ${r.ignored} 条`);
  if (r.conflicts) parts.push(`冲突 ${r.conflicts} 条（见下方同步冲突）`);
  if (r.refusals.length) parts.push(`县局未采用本机的 ${r.refusals.length} 条记录（见下方）`);
  if (r.recovered) parts.push(`从县局取回本机恢复前的改动 ${r.recovered} 条`);
  return parts.join("，");
}

function sent(r: BundleSent): string {
  return `第 ${r.counter} 号同步包，变更 ${r.changes} 条，${size(r.bytes)}`;
}

/** One sentence for what a transfer did. */
export function describeTransfer(r: TransferReport): string {
  if ("received" in r) return `发出${sent(r.sent)}；${received(r.received)}`;
  if ("applied" in r) return received(r);
  if ("bytes" in r) return `${sent(r)}，已写入 ${r.path}`;
  if ("hq_name" in r)
    return `已登记到${r.hq_name}，辖区 ${r.villages.length} 个村（社区）${r.tls_pinned ? "；已记录县局的 HTTPS 证书，此后只认它" : ""}`;
  return `登记申请已写入 ${r.path}`;
}

// Paths to write come only from the system's save dialog, which has asked the officer
// before replacing a file: so the core may replace it (`overwrite`).
export const syncTransfer = {
  /** Syncs with HQ over the network. */
  network: (url: string) => call<NetworkSync>("sync.network", { url }),
  /** Writes a sync bundle for HQ to a file (e.g. on a USB stick). */
  export: (path: string) => call<BundleSent>("sync.export", { path, overwrite: true }),
  /** Reads HQ's bundle from a file. */
  import: (path: string) => call<BundleImportReport>("sync.import", { path }),
  /** Writes this post's enrollment request to a file, to carry to HQ. */
  enrollRequest: (path: string) => call<EnrollRequestWritten>("enroll.request", { path, overwrite: true }),
  /** Reads HQ's enrollment reply from a file. */
  enrollAccept: (path: string) => call<Enrolled>("enroll.accept", { path }),
  /** Enrolls over the network with the one-time code HQ's admin gave. */
  enrollNetwork: (url: string, code: string) => call<Enrolled>("enroll.network", { url, code }),
};
