import { useCallback } from "react";
import { Button, Space } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { backend } from "../../backend";
import type { LedgerKind, Team, Volunteer } from "../../backend";
import { LedgerExportButton } from "../../components/FileActions";
import { officerOptions, useOfficers, useVillages, villageOptions } from "../../components/refs";
import { useLoad } from "../../components/useLoad";

/** The post's villages, teams, officers and serving volunteers, for the pickers. */
export function useRefs() {
  const villages = useVillages();
  const officers = useOfficers();
  const teams = useLoad(useCallback(() => backend.team.list(), []), [] as Team[]).data;
  const volunteers = useLoad(useCallback(() => backend.volunteer.list({ active_only: true }), []), [] as Volunteer[]).data;
  return {
    villages,
    officers,
    teams,
    volunteers,
    villageOptions: villageOptions(villages),
    officerOptions: officerOptions(officers),
    teamOptions: teams.map((t) => ({ value: t.id, label: t.name })),
    volunteerOptions: volunteers.map((v) => ({ value: v.id, label: `${v.name}${v.team_name ? `（${v.team_name}）` : ""}` })),
    villageName: (id?: string | null) => villages.find((v) => v.id === id)?.name ?? "",
    volunteerName: (id?: string | null) => volunteers.find((v) => v.id === id)?.name ?? "",
  };
}

/** A ledger card's actions: 导出台账 (of `month`, when the ledger is by month) and the
 * primary button that registers a new entry. */
export function LedgerActions({ kind, month, addLabel, onAdd, addTestId }: { kind: LedgerKind; month?: string; addLabel: string; onAdd: () => void; addTestId: string }) {
  return (
    <Space>
      <LedgerExportButton kind={kind} month={month} />
      <Button type="primary" icon={<PlusOutlined />} onClick={onAdd} data-testid={addTestId}>
        {addLabel}
      </Button>
    </Space>
  );
}
