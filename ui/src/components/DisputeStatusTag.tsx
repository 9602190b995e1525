import { Tag } from "antd";
import type { DisputeStatus } from "../backend";

/**
 * A colour per dispute status, the same wherever a status is shown: waiting gold, being
 * mediated blue, agreed and being fulfilled cyan/lime, fulfilled green, defaulted red,
 * failed orange-red, referred purple; closed and withdrawn grey.
 */
export const DISPUTE_STATUS_COLOR: Record<DisputeStatus, string | undefined> = {
  registered: "gold",
  mediating: "blue",
  agreed: "cyan",
  fulfilling: "lime",
  fulfilled: "green",
  defaulted: "red",
  failed: "volcano",
  referred: "purple",
  closed: undefined,
  withdrawn: undefined,
};

/** A dispute's status as a coloured tag, labelled with the core's Chinese label. */
export function DisputeStatusTag({ status, label, ...rest }: { status: DisputeStatus; label: string; "data-testid"?: string }) {
  return (
    <Tag color={DISPUTE_STATUS_COLOR[status]} {...rest}>
      {label}
    </Tag>
  );
}
