import { useCallback, useState } from "react";
import { Alert, Button, Card, Modal, Select, Space, Switch, Table, Tag, Typography } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { useNavigate } from "react-router-dom";
import { backend } from "../../backend";
import type { ServiceStation } from "../../backend";
import { LedgerExportButton } from "../../components/FileActions";
import { useVillages, villageOptions } from "../../components/refs";
import { useLoad } from "../../components/useLoad";
import { StationForm } from "./StationForm";

/** Open or closed, as a tag. */
export function OpenTag({ station }: { station: ServiceStation }) {
  return station.open ? <Tag color="green">开放中</Tag> : <Tag>{station.closed_on ? `已于${station.closed_on}撤销` : "未启用"}</Tag>;
}

/**
 * 驿站 (opened from 代办, where its requests end up): the service stations by village, each
 * opening its page; 设立驿站.
 */
export function StationsScreen() {
  const navigate = useNavigate();
  const villages = useVillages();
  const [villageId, setVillageId] = useState<string | null>(null);
  const [closed, setClosed] = useState(false);
  const [creating, setCreating] = useState(false);
  const { data, loading, error } = useLoad(
    useCallback(() => backend.serviceStation.list({ village_id: villageId, include_closed: closed }), [villageId, closed]),
    [] as ServiceStation[],
  );
  return (
    <Card
      title="驿站"
      data-testid="stations-screen"
      extra={
        <Space>
          <LedgerExportButton kind="service_stations" />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="station-new">
            设立驿站
          </Button>
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Select allowClear placeholder="村（社区）" style={{ width: 160 }} options={villageOptions(villages)} value={villageId} onChange={setVillageId} />
        <span>
          <Switch checked={closed} onChange={setClosed} data-testid="stations-closed" /> 含已撤销
        </span>
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Table<ServiceStation>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data}
        pagination={false}
        onRow={(s) => ({ onClick: () => navigate(`/errands/stations/${s.id}`), style: { cursor: "pointer" }, "data-testid": "station-row" }) as never}
        columns={[
          { title: "驿站", dataIndex: "name", render: (n: string) => <Typography.Text strong>{n}</Typography.Text> },
          { title: "村（社区）", dataIndex: "village_name", width: 120 },
          { title: "开放时间", dataIndex: "hours" },
          { title: "警务助理", dataIndex: "assistants", width: 90, render: (n: number) => `${n} 人` },
          { title: "状态", width: 160, render: (_, s) => <OpenTag station={s} /> },
        ]}
      />
      <Modal open={creating} title="设立驿站" footer={null} onCancel={() => setCreating(false)} destroyOnHidden width={640}>
        <StationForm
          onSaved={(s) => {
            setCreating(false);
            navigate(`/errands/stations/${s.id}`);
          }}
        />
      </Modal>
    </Card>
  );
}
