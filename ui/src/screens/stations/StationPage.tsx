import { useCallback, useState } from "react";
import { Alert, Button, Card, Descriptions, Modal, Space, Table, Tag } from "antd";
import { EditOutlined, UserAddOutlined } from "@ant-design/icons";
import { useParams } from "react-router-dom";
import { backend } from "../../backend";
import type { Errand, ServiceStationDetail, Volunteer } from "../../backend";
import { useLoad } from "../../components/useLoad";
import { AssistantForm, StationForm } from "./StationForm";
import { StationFiguresTable } from "./StationFiguresTable";
import { OpenTag } from "./StationsScreen";

/** A 驿站's page: the station, its 警务助理, this month's figures and the errands taken there. */
export function StationPage() {
  const { id = "" } = useParams();
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);
  const { data, error, reload } = useLoad(useCallback(() => backend.serviceStation.get(id), [id]), null as ServiceStationDetail | null);
  const done = () => {
    setEditing(false);
    setAdding(false);
    reload();
  };
  if (error) return <Alert type="error" showIcon message={error} />;
  if (!data) return null;
  const s = data.station;
  return (
    <Space direction="vertical" style={{ width: "100%" }} data-testid="station-page">
      <Card
        title={s.name}
        extra={
          <Space>
            <Button icon={<UserAddOutlined />} onClick={() => setAdding(true)} disabled={!s.open} data-testid="assistant-new">
              添加警务助理
            </Button>
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="station-edit">
              修改 / 撤销
            </Button>
          </Space>
        }
      >
        <Descriptions size="small" column={2} bordered>
          <Descriptions.Item label="村（社区）">{s.village_name}</Descriptions.Item>
          <Descriptions.Item label="状态">
            <OpenTag station={s} />
          </Descriptions.Item>
          <Descriptions.Item label="地址">{s.address ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="开放时间">{s.hours ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="启用日期">{s.opened_on}</Descriptions.Item>
          <Descriptions.Item label="撤销日期">{s.closed_on ?? "—"}</Descriptions.Item>
          {s.notes && <Descriptions.Item label="备注" span={2}>{s.notes}</Descriptions.Item>}
        </Descriptions>
      </Card>
      <Card size="small" title="本月数据">
        <StationFiguresTable figures={[data.month]} />
      </Card>
      <Card size="small" title={`警务助理（在岗 ${s.assistants} 人）`}>
        <Table<Volunteer>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={data.assistants}
          onRow={() => ({ "data-testid": "assistant-row" }) as never}
          columns={[
            { title: "姓名", dataIndex: "name" },
            { title: "电话", dataIndex: "phone", width: 140 },
            { title: "起始日期", dataIndex: "active_from", width: 110 },
            { title: "在岗", width: 120, render: (_, v) => (v.active ? <Tag color="green">在岗</Tag> : <Tag>{`${v.active_to} 离岗`}</Tag>) },
          ]}
        />
      </Card>
      <Card size="small" title={`受理的代办（共 ${data.errands_total} 件，显示最近 ${data.errands.length} 件）`}>
        <Table<Errand>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={data.errands}
          onRow={() => ({ "data-testid": "station-errand-row" }) as never}
          columns={[
            { title: "受理日期", dataIndex: "requested_on", width: 110 },
            { title: "申请人", dataIndex: "applicant_name", width: 100 },
            { title: "服务事项", dataIndex: "service_item_name" },
            { title: "警务助理", dataIndex: "assistant_name", width: 100 },
            { title: "方式", dataIndex: "mode_label", width: 70 },
            { title: "状态", dataIndex: "status_label", width: 90 },
            { title: "一次不用跑", width: 100, render: (_, e) => (e.no_trip ? <Tag color="green">是</Tag> : null) },
          ]}
        />
      </Card>
      <Modal open={editing} title="修改驿站" footer={null} onCancel={() => setEditing(false)} destroyOnHidden width={640}>
        <StationForm station={s} onSaved={done} />
      </Modal>
      <Modal open={adding} title={`添加${s.name}的警务助理`} footer={null} onCancel={() => setAdding(false)} destroyOnHidden width={560}>
        <AssistantForm station={s} onSaved={done} />
      </Modal>
    </Space>
  );
}
