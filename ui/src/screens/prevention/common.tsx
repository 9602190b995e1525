import { useCallback, useEffect, useState } from "react";
import { Alert, Button, Form, Space } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import type { FormInstance } from "antd";
import { backend, toBackendError } from "../../backend";
import type { LedgerKind, Officer, Team, Village, Volunteer } from "../../backend";
import { LedgerExportButton } from "../../components/FileActions";
import { showError } from "../../components/formErrors";

export const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

/** Loads something, with its error and a reload. */
export function useLoad<T>(load: () => Promise<T>, initial: T) {
  const [data, setData] = useState<T>(initial);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    setLoading(true);
    load()
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e) => setError(toBackendError(e).message))
      .finally(() => setLoading(false));
  }, [load]);
  useEffect(reload, [reload]);
  return { data, loading, error, reload };
}

/** The post's villages, teams, officers and serving volunteers, for the pickers. */
export function useRefs() {
  const [villages, setVillages] = useState<Village[]>([]);
  const [officers, setOfficers] = useState<Officer[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [volunteers, setVolunteers] = useState<Volunteer[]>([]);
  useEffect(() => {
    backend.village.list().then(setVillages, () => {});
    backend.officer.list().then(setOfficers, () => {});
    backend.team.list().then(setTeams, () => {});
    backend.volunteer.list({ active_only: true }).then(setVolunteers, () => {});
  }, []);
  return {
    villages,
    officers,
    teams,
    volunteers,
    villageOptions: villages.map((v) => ({ value: v.id, label: v.name })),
    officerOptions: officers.filter((o) => o.active).map((o) => ({ value: o.id, label: o.name })),
    teamOptions: teams.map((t) => ({ value: t.id, label: t.name })),
    volunteerOptions: volunteers.map((v) => ({ value: v.id, label: `${v.name}${v.team_name ? `（${v.team_name}）` : ""}` })),
    villageName: (id?: string | null) => villages.find((v) => v.id === id)?.name ?? "",
    volunteerName: (id?: string | null) => volunteers.find((v) => v.id === id)?.name ?? "",
  };
}

/**
 * A form's save: sends, and on a refusal shows the core's message under the field it
 * names (or above the form), leaving what was typed in place.
 */
export function useSave<V, R>(form: FormInstance<V>, send: (v: V) => Promise<R>, onSaved: (r: R) => void) {
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const save = async (v: V) => {
    setSaving(true);
    setFormError(null);
    try {
      onSaved(await send(v));
    } catch (e) {
      setFormError(showError(form as FormInstance, e));
    } finally {
      setSaving(false);
    }
  };
  const alert = formError ? <Alert type="error" showIcon message={formError} style={{ marginBottom: 16 }} data-testid="form-error" /> : null;
  return { save, saving, alert };
}

export { Form };

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
