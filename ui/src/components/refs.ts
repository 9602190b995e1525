import { useCallback } from "react";
import { backend } from "../backend";
import type { Incident, Officer, Village } from "../backend";
import { RoleLabel } from "../backend/types";
import { useLoad } from "./useLoad";

/** The post's officers (民警 and 辅警), for the pickers. */
export function useOfficers(): Officer[] {
  return useLoad(useCallback(() => backend.officer.list(), []), [] as Officer[]).data;
}

/** The post's villages with their groups, for the pickers. */
export function useVillages(): Village[] {
  return useLoad(useCallback(() => backend.village.list(), []), [] as Village[]).data;
}

/**
 * Officers as a picker offers them: those on post (and `keep`, already chosen, even if they
 * have left), each 辅警 marked as such. With `presiding`, an officer the core would not let
 * preside is shown greyed with the core's reason, so the rule shows before saving.
 */
export function officerOptions(officers: Officer[], { keep, presiding = false }: { keep?: string | null; presiding?: boolean } = {}) {
  return officers
    .filter((o) => o.active || o.id === keep)
    .map((o) => {
      const name = o.role === "auxiliary" ? `${o.name}（${RoleLabel.auxiliary}）` : o.name;
      const refusal = presiding ? o.preside_refusal : null;
      return { value: o.id, label: refusal ? `${name}：${refusal}` : name, disabled: refusal !== null };
    });
}

/** Villages as a picker offers them. */
export const villageOptions = (villages: Village[]) => villages.map((v) => ({ value: v.id, label: v.name }));

/** The 50 latest incidents as a picker offers them (time, kind, place), loaded only when
 * `wanted` (a form that may link one). */
export function useIncidentOptions(wanted = true) {
  const incidents = useLoad(
    useCallback(() => (wanted ? backend.incident.list({ page: 1, page_size: 50 }).then((p) => p.items) : Promise.resolve([])), [wanted]),
    [] as Incident[],
  ).data;
  return incidents.map((i) => ({ value: i.id, label: `${i.occurred_at_local} ${i.kind_label} ${i.place}` }));
}
