import { Tag } from "antd";
import type { Disposition } from "../backend";

/**
 * A colour per incident disposition, the same wherever one is shown: still being handled
 * orange (it needs work), settled by mediation green, a case opened red (the serious
 * outcome), help given cyan, referred purple (as a referred dispute); no action grey.
 */
export const DISPOSITION_COLOR: Record<Disposition, string | undefined> = {
  pending: "orange",
  mediated: "green",
  case_opened: "red",
  assisted: "cyan",
  referred: "purple",
  no_action: undefined,
};

/** An incident's disposition as a coloured tag, labelled with the core's Chinese label. */
export function DispositionTag({ disposition, label, ...rest }: { disposition: Disposition; label: string; "data-testid"?: string }) {
  return (
    <Tag color={DISPOSITION_COLOR[disposition]} {...rest}>
      {label}
    </Tag>
  );
}
