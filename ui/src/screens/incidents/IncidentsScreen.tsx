import { useCallback, useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { Alert, Button, Card, DatePicker, Descriptions, Drawer, Modal, Select, Space, Table, Tag } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import type { Dayjs } from "dayjs";
import { backend, toBackendError } from "../../backend";
import type { Disposition, Incident, IncidentFilter, IncidentKind, IncidentPage } from "../../backend";
import { DispositionLabel, IncidentKindLabel } from "../../backend/types";
import { IncidentForm } from "./IncidentForm";
import { DispositionTag } from "../../components/DispositionTag";
import { options } from "../../components/options";
import { useLoad } from "../../components/useLoad";
import { useVillages, villageOptions } from "../../components/refs";
import { RepeatTags } from "../../components/RepeatTags";
import { RepeatList } from "./RepeatList";
import { Attachments } from "../../components/Attachments";

const PAGE_SIZE = 15;

/** 警情: the incident ledger, newest first, with filters and each incident's repeats; one
 * incident in a drawer (also opened by `?incident=ID`, as a dispute's page and a warning's
 * reason link to it), with its repeats listed together. */
export function IncidentsScreen() {
  const [filter, setFilter] = useState<IncidentFilter>({ page: 1, page_size: PAGE_SIZE });
  const list = useLoad(useCallback(() => backend.incident.list(filter), [filter]), null as IncidentPage | null);
  const page = list.data;
  const villages = useVillages();
  const [params] = useSearchParams();
  const linked = params.get("incident");
  // The linked incident's refusal, if the one asked for cannot be read.
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Incident | null>(null);
  const [editing, setEditing] = useState<Incident | "new" | null>(null);
  useEffect(() => {
    if (linked) backend.incident.get(linked).then(setOpen, (e) => setError(toBackendError(e).message));
  }, [linked]);

  const set = (changes: Partial<IncidentFilter>) => setFilter((f) => ({ ...f, ...changes, page: 1 }));

  return (
    <Card
      title="警情"
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")} data-testid="new-incident">
          登记警情
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Select allowClear placeholder="警情类别" style={{ width: 140 }} options={options(IncidentKindLabel)} onChange={(v?: IncidentKind) => set({ kind: v })} />
        <Select allowClear placeholder="处置结果" style={{ width: 140 }} options={options(DispositionLabel)} onChange={(v?: Disposition) => set({ disposition: v })} />
        <Select allowClear placeholder="村（社区）" style={{ width: 140 }} options={villageOptions(villages)} onChange={(v?: string) => set({ village_id: v })} />
        <DatePicker.RangePicker
          onChange={(r: [Dayjs | null, Dayjs | null] | null) =>
            set({ from: r?.[0]?.format("YYYY-MM-DD") ?? null, to: r?.[1]?.format("YYYY-MM-DD") ?? null })
          }
        />
      </Space>
      {(list.error ?? error) && <Alert type="error" showIcon message={list.error ?? error} style={{ marginBottom: 16 }} />}
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={page?.items ?? []}
        onRow={(i) => ({ onClick: () => setOpen(i), style: { cursor: "pointer" } })}
        pagination={{
          current: page?.page ?? 1,
          pageSize: PAGE_SIZE,
          total: page?.total ?? 0,
          showSizeChanger: false,
          showTotal: (t) => `共 ${t} 起`,
          onChange: (p) => setFilter((f) => ({ ...f, page: p })),
        }}
        columns={[
          { title: "发生时间", dataIndex: "occurred_at_local", width: 150 },
          { title: "类别", dataIndex: "kind_label", width: 100 },
          { title: "地点", dataIndex: "place", width: 200 },
          { title: "简要警情", dataIndex: "summary", ellipsis: true },
          { title: "重复警情", dataIndex: "repeats", width: 180, render: (_, i: Incident) => <RepeatTags repeats={i.repeats} /> },
          {
            title: "处置结果",
            dataIndex: "disposition_label",
            width: 100,
            render: (l: string, i: Incident) => <DispositionTag disposition={i.disposition} label={l} />,
          },
          { title: "处警", dataIndex: "officer_name", width: 90 },
        ]}
      />
      <Drawer
        open={open !== null}
        width={560}
        title={open ? `${open.kind_label} · ${open.occurred_at_local}` : ""}
        onClose={() => setOpen(null)}
        extra={
          open && (
            <Button onClick={() => setEditing(open)} data-testid="incident-edit">
              修改
            </Button>
          )
        }
      >
        {open && (
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label="发生时间">{open.occurred_at_local}</Descriptions.Item>
            <Descriptions.Item label="接报时间">{open.reported_at_local ?? "—"}</Descriptions.Item>
            <Descriptions.Item label="地点">
              {open.place}
              {open.village_name ? `（${open.village_name}）` : ""}
            </Descriptions.Item>
            <Descriptions.Item label="报警人">
              {[open.reporter_name, open.reporter_phone].filter(Boolean).join("　") || "—"}
            </Descriptions.Item>
            <Descriptions.Item label="涉及人员">
              {open.persons.map((p) => (
                <Tag key={p.id}>{p.name ?? "（已删除）"}</Tag>
              ))}
              {open.people}
            </Descriptions.Item>
            <Descriptions.Item label="简要警情">{open.summary}</Descriptions.Item>
            <Descriptions.Item label="处置经过">{open.handling ?? "—"}</Descriptions.Item>
            <Descriptions.Item label="处置结果">
              <DispositionTag disposition={open.disposition} label={open.disposition_label} />
            </Descriptions.Item>
            <Descriptions.Item label="案件编号">{open.case_no ?? "—"}</Descriptions.Item>
            <Descriptions.Item label="处警">{open.officer_name ?? "—"}</Descriptions.Item>
            <Descriptions.Item label="关联纠纷">
              {open.dispute_id ? (
                <Link to={`/disputes/${open.dispute_id}`} data-testid="incident-dispute-link">
                  {open.dispute_title ?? "（已删除的纠纷）"}
                </Link>
              ) : (
                "—"
              )}
            </Descriptions.Item>
          </Descriptions>
        )}
        {open && (
          <div style={{ marginTop: 12 }}>
            <Attachments owner="incident" ownerId={open.id} title="现场照片" />
          </div>
        )}
        {open && open.repeats.total > 0 && (
          <RepeatList id={open.id} onOpen={(id) => backend.incident.get(id).then(setOpen, (e) => setError(toBackendError(e).message))} />
        )}
      </Drawer>
      <Modal
        open={editing !== null}
        title={editing === "new" ? "登记警情" : "修改警情"}
        footer={null}
        width={760}
        onCancel={() => setEditing(null)}
        destroyOnHidden
      >
        {editing !== null && (
          <IncidentForm
            incident={editing === "new" ? undefined : editing}
            onSaved={(i) => {
              setEditing(null);
              if (open) setOpen(i);
              list.reload();
            }}
          />
        )}
      </Modal>
    </Card>
  );
}
