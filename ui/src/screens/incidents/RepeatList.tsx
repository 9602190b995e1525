import { useEffect, useState } from "react";
import { Alert, List, Typography } from "antd";
import { backend, toBackendError } from "../../backend";
import type { IncidentBrief, RepeatIncidents } from "../../backend";

function Brief({ i, onOpen }: { i: IncidentBrief; onOpen: (id: string) => void }) {
  return (
    <List.Item style={{ cursor: "pointer" }} onClick={() => onOpen(i.id)}>
      <Typography.Text>
        {i.occurred_at_local} · {i.kind_label} · {i.place}：{i.summary}（{i.disposition_label}）
      </Typography.Text>
    </List.Item>
  );
}

/** 重复警情: the incidents at the same place or of the same person near this one, shown together. */
export function RepeatList({ id, onOpen }: { id: string; onOpen: (id: string) => void }) {
  const [r, setR] = useState<RepeatIncidents | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    backend.incident.repeats(id).then(setR, (e) => setError(toBackendError(e).message));
  }, [id]);
  if (error) return <Alert type="error" showIcon message={error} />;
  if (!r || r.count === 0) return null;
  return (
    <div data-testid="repeat-list" style={{ marginTop: 16 }}>
      <Typography.Title level={5}>
        重复警情（前后 {r.days} 天内 {r.count} 起）
      </Typography.Title>
      {r.same_place.length > 0 && (
        <List
          size="small"
          header={<Typography.Text strong>一地多报：同一地点</Typography.Text>}
          dataSource={r.same_place}
          renderItem={(i) => <Brief i={i} onOpen={onOpen} />}
        />
      )}
      {r.same_person.map((p) => (
        <List
          key={p.person_id}
          size="small"
          header={<Typography.Text strong>一人多报：{p.name ?? "（已删除的人员）"}</Typography.Text>}
          dataSource={p.incidents}
          renderItem={(i) => <Brief i={i} onOpen={onOpen} />}
        />
      ))}
    </div>
  );
}
