import { useCallback, useEffect, useState } from "react";
import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { toBackendError } from "../../backend";
import type { CodeRecord, IssuedCode, PostInfo, Station } from "../../backend/types";
import { hq } from "../api";
import { ErrorLine } from "../ConsoleApp";
import { usePaged } from "../paging";
import { isAdmin, useSession } from "../role";
import { StationSelect, useAction, when } from "./common";

/**
 * 警务室: the enrolled posts with their villages and station; for the county admin, a
 * one-time enrollment code for a new post (shown once, to be read out to the post's
 * admin), the codes issued so far, renaming a post or moving it to another station, and
 * the stations (派出所) themselves.
 */
export function PostsScreen() {
  const session = useSession();
  const admin = isAdmin(session);
  const [stationsVersion, setStationsVersion] = useState(0);
  const stations = useStationsVersion(stationsVersion);
  const [station, setStation] = useState<string | null>(null);
  const [editing, setEditing] = useState<PostInfo | null>(null);
  const [enrolling, setEnrolling] = useState(false);
  const load = useCallback((page: number, page_size: number) => hq.posts({ station_id: station, page, page_size }), [station]);
  const list = usePaged<PostInfo>(load);
  return (
    <Space direction="vertical" size={16} style={{ width: "100%" }}>
      <Card
        size="small"
        title="警务室"
        extra={
          <Space>
            <StationSelect stations={stations} value={station} onChange={setStation} />
            {admin && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEnrolling(true)} data-testid="enroll-code">
                发放登记码
              </Button>
            )}
          </Space>
        }
      >
        <ErrorLine error={list.error} />
        <Table<PostInfo>
          rowKey="id"
          size="small"
          loading={list.loading}
          dataSource={list.items}
          pagination={list.pagination}
          data-testid="posts"
          columns={[
            { title: "名称", dataIndex: "name" },
            { title: "派出所", dataIndex: "station_name", render: (v) => v ?? <Typography.Text type="secondary">未归属</Typography.Text> },
            { title: "辖区村（社区）代码", dataIndex: "villages", render: (v: string[]) => v.join("、") },
            { title: "登记时间", dataIndex: "enrolled_at", width: 150, render: when },
            { title: "上次同步", dataIndex: "last_sync_at", width: 150, render: (v) => (v ? when(v) : "从未同步") },
            {
              title: "",
              width: 70,
              render: (_, p) =>
                admin && (
                  <Button size="small" onClick={() => setEditing(p)}>
                    修改
                  </Button>
                ),
            },
          ]}
        />
      </Card>
      {admin && <CodesCard />}
      {admin && <StationsCard stations={stations} onChanged={() => setStationsVersion((v) => v + 1)} />}
      <EditPost post={editing} stations={stations} onClose={() => setEditing(null)} onSaved={list.reload} />
      <EnrollCode open={enrolling} stations={stations} onClose={() => setEnrolling(false)} />
    </Space>
  );
}

function useStationsVersion(version: number): Station[] {
  const [stations, setStations] = useState<Station[]>([]);
  useEffect(() => {
    hq.stations().then(setStations, () => {});
  }, [version]);
  return stations;
}

function EditPost({ post, stations, onClose, onSaved }: { post: PostInfo | null; stations: Station[]; onClose: () => void; onSaved: () => void }) {
  const [form] = Form.useForm<{ name: string; station_id: string | null }>();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (post) form.setFieldsValue({ name: post.name, station_id: post.station_id });
    setError(null);
  }, [post, form]);
  const submit = async (v: { name: string; station_id: string | null }) => {
    if (!post) return;
    try {
      await hq.postUpdate({ id: post.id, name: v.name, station_id: v.station_id });
      onSaved();
      onClose();
    } catch (e) {
      setError(toBackendError(e).message);
    }
  };
  return (
    <Modal title={`修改警务室：${post?.name ?? ""}`} open={!!post} onOk={() => form.submit()} onCancel={onClose} okText="保存">
      <ErrorLine error={error} />
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="name" label="名称" rules={[{ required: true, message: "请输入名称" }]}>
          <Input />
        </Form.Item>
        <Form.Item name="station_id" label="所属派出所">
          <Select allowClear options={stations.map((s) => ({ value: s.id, label: s.name }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type CodeValues = { name?: string; villages: string; station_id?: string; hours?: number };

function EnrollCode({ open, stations, onClose }: { open: boolean; stations: Station[]; onClose: () => void }) {
  const [form] = Form.useForm<CodeValues>();
  const [issued, setIssued] = useState<IssuedCode | null>(null);
  const { busy, error, setError, run } = useAction();
  const close = () => {
    setIssued(null);
    setError(null);
    form.resetFields();
    onClose();
  };
  const submit = async (v: CodeValues) => {
    await run(async () => {
      const villages = v.villages.split(/[\s,，、]+/).filter((c) => c !== "");
      setIssued(await hq.enrollCode({ villages, name: v.name?.trim() || null, station_id: v.station_id ?? null, hours: v.hours ?? null }));
    });
  };
  return (
    <Modal
      title="发放一次性登记码"
      open={open}
      onCancel={close}
      footer={
        issued ? (
          <Button type="primary" onClick={close} data-testid="enroll-code-done">
            完成
          </Button>
        ) : (
          <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="enroll-code-submit">
            发放
          </Button>
        )
      }
      destroyOnHidden
    >
      {issued ? (
        <Space direction="vertical" style={{ width: "100%" }}>
          <Alert type="success" showIcon message="登记码已发放，只显示这一次" />
          <Typography.Title level={3} copyable style={{ textAlign: "center", letterSpacing: 2 }} data-testid="issued-code">
            {issued.code}
          </Typography.Title>
          <Typography.Paragraph>
            辖区：{issued.villages.join("、")}；有效至 {when(issued.expires_at)}（北京时间），只能使用一次。请当面或电话告知警务室管理员，由其在同步页面（或
            <Typography.Text code>fengqiao enroll --hq 本服务地址 --code 登记码</Typography.Text>）登记。
          </Typography.Paragraph>
        </Space>
      ) : (
        <>
          <ErrorLine error={error} />
          <Form form={form} layout="vertical" onFinish={submit} initialValues={{ hours: 72 }}>
            <Form.Item name="name" label="警务室名称（县局登记时采用）">
              <Input placeholder="如：青山警务室" data-testid="code-name" />
            </Form.Item>
            <Form.Item name="villages" label="辖区村（社区）代码（12 位，多个用逗号或空格分开）" rules={[{ required: true, message: "请输入辖区村（社区）代码" }]}>
              <Input.TextArea rows={2} placeholder="330326101201, 330326101202" data-testid="code-villages" />
            </Form.Item>
            <Form.Item name="station_id" label="所属派出所">
              <Select allowClear options={stations.map((s) => ({ value: s.id, label: s.name }))} data-testid="code-station" />
            </Form.Item>
            <Form.Item name="hours" label="有效期（小时）">
              <InputNumber min={1} max={720} />
            </Form.Item>
          </Form>
        </>
      )}
    </Modal>
  );
}

function CodesCard() {
  const [codes, setCodes] = useState<CodeRecord[]>([]);
  useEffect(() => {
    hq.enrollCodes().then(setCodes, () => {});
  }, []);
  return (
    <Card size="small" title="已发放的登记码（不含码本身）">
      <Table<CodeRecord>
        rowKey={(c) => c.created_at + c.villages.join()}
        size="small"
        dataSource={codes}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        columns={[
          { title: "发放时间", dataIndex: "created_at", width: 150, render: when },
          { title: "名称", dataIndex: "name", render: (v) => v ?? "—" },
          { title: "辖区", dataIndex: "villages", render: (v: string[]) => v.join("、") },
          { title: "有效至", dataIndex: "expires_at", width: 150, render: when },
          { title: "状态", dataIndex: "used_at", render: (v) => (v ? <Tag color="green">已使用 {when(v)}</Tag> : <Tag>未使用</Tag>) },
        ]}
      />
    </Card>
  );
}

function StationsCard({ stations, onChanged }: { stations: Station[]; onChanged: () => void }) {
  const { message } = App.useApp();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const save = async (id: string | null, value: string) => {
    try {
      await hq.stationSave({ id, name: value });
      message.success(id ? "已改名" : `已新增派出所“${value}”`);
      setName("");
      setError(null);
      onChanged();
    } catch (e) {
      setError(toBackendError(e).message);
    }
  };
  return (
    <Card size="small" title="派出所">
      <ErrorLine error={error} />
      <Space style={{ marginBottom: 12 }}>
        <Input placeholder="新派出所名称，如青山派出所" value={name} onChange={(e) => setName(e.target.value)} data-testid="station-name" />
        <Button onClick={() => void save(null, name)} data-testid="station-add">
          新增
        </Button>
      </Space>
      <Table<Station>
        rowKey="id"
        size="small"
        dataSource={stations}
        pagination={false}
        data-testid="stations"
        columns={[
          {
            title: "名称",
            dataIndex: "name",
            render: (n: string, s) => <Typography.Text editable={{ onChange: (v) => v !== n && void save(s.id, v) }}>{n}</Typography.Text>,
          },
          { title: "警务室", dataIndex: "posts", width: 100, align: "right" },
        ]}
      />
    </Card>
  );
}
