// Sync as the UI sees it. The shapes below mirror the core's `sync::{Status, Peer, Conflict}`
// (src/sync/mod.rs), which are not yet among the generated bindings; the transfer methods
// (`sync.network`, `sync.export`, `sync.import`, `enroll.request`, `enroll.accept`) are named
// exactly as the core's registry names them.
import { callUnchecked } from ".";

/** A node's role in the star. */
export type NodeRole = "post" | "hq";

/** An enrolled peer (`sync::Peer`). */
export interface SyncPeer {
  node_id: string;
  name: string;
  role: NodeRole;
  villages: string[];
  enrolled_at: string;
  last_sync_at: string | null;
  pending: number;
}

/** `sync.status` (`sync::Status`). */
export interface SyncStatus {
  node_id: string;
  name: string;
  role: NodeRole;
  local_changes: number;
  peers: SyncPeer[];
  open_conflicts: number;
}

/** One logged conflict (`sync::Conflict`). */
export interface SyncConflict {
  id: number;
  tbl: string;
  row_id: string;
  col: string;
  loser_value: unknown;
  loser_hlc: string;
  loser_origin: string;
  winner_value: unknown;
  winner_hlc: string;
  winner_origin: string;
  detected_at: string;
  resolved_at: string | null;
}

/** What a transfer reports; the screen shows the counts it recognises. */
export type TransferReport = Record<string, unknown>;

export const syncTransfer = {
  /** Syncs with HQ over the network. */
  network: (url: string) => callUnchecked<TransferReport>("sync.network", { url }),
  /** Writes a sync bundle for HQ to a file (e.g. on a USB stick). */
  export: (path: string) => callUnchecked<TransferReport>("sync.export", { path }),
  /** Reads HQ's bundle from a file. */
  import: (path: string) => callUnchecked<TransferReport>("sync.import", { path }),
  /** Writes this post's enrollment request to a file, to carry to HQ. */
  enrollRequest: (path: string) => callUnchecked<TransferReport>("enroll.request", { path }),
  /** Reads HQ's enrollment reply from a file. */
  enrollAccept: (path: string) => callUnchecked<TransferReport>("enroll.accept", { path }),
};
