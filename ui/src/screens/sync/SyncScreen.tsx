import { useCallback, useEffect, useState } from "react";
import { Alert, App as AntApp, Button, Card, Descriptions, Empty, Form, Input, Popconfirm, Progress, Space, Table, Tag, Typography } from "antd";
import { Link } from "react-router-dom";
import { backend, toBackendError } from "../../backend";
import type { AssignmentReceived } from "../../backend";
import { beijingNow, beijingTime } from "../../components/time";
import { dialogs } from "../../backend/dialogs";
import { DesktopOnly } from "../../components/FileActions";
import { describeTransfer, syncTransfer } from "../../backend/sync";
import type { SyncConflict, SyncStatus, TransferReport } from "../../backend/sync";

function show(v: unknown): string {
  if (v === null || v === undefined) return "（空）";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Today's date (Beijing) as in a file name. */
const today = () => beijingNow().format("YYYYMMDD");

/** Where an assigned row is opened in the app. */
function assignmentLink(a: AssignmentReceived): string | null {
  switch (a.tbl) {
    case "dispute":
      return `/disputes/${a.row_id}`;
    case "household":
      return `/households/${a.row_id}`;
    case "incident":
      return "/incidents";
    case "errand":
      return "/errands";
    case "lead":
    case "hazard":
    case "feedback":
      return "/prevention";
    default:
      return null;
  }
}

/**
 * 同步: where this post stands with HQ, syncing over the network or by USB stick, the
 * enrollment files, and the conflict log with restoring an overwritten value.
 */
export function SyncScreen({ isAdmin }: { isAdmin: boolean }) {
  const { message } = AntApp.useApp();
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [conflicts, setConflicts] = useState<SyncConflict[] | null>(null);
  const [assignments, setAssignments] = useState<AssignmentReceived[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [form] = Form.useForm<{ url: string }>();
  const [enrollForm] = Form.useForm<{ url: string; code: string }>();

  const load = useCallback(() => {
    Promise.all([backend.sync.status(), backend.conflict.list(), backend.assignment.list()])
      .then(([s, c, a]) => {
        setStatus(s);
        setConflicts(c);
        setAssignments(a);
        setError(null);
      })
      .catch((e) => setError(toBackendError(e).message));
  }, []);
  useEffect(load, [load]);

  /** Runs one transfer with its progress shown; `path` null means the dialog was cancelled. */
  const transfer = async (label: string, f: () => Promise<TransferReport>) => {
    setRunning(label);
    setResult(null);
    try {
      const r = await f();
      setResult({ ok: true, text: `${label}完成：${describeTransfer(r)}` });
      load();
    } catch (e) {
      setResult({ ok: false, text: `${label}未完成：${toBackendError(e).message}` });
    } finally {
      setRunning(null);
    }
  };
  const withPath = async (pick: () => Promise<string | null>, label: string, f: (p: string) => Promise<TransferReport>) => {
    const path = await pick();
    if (path) await transfer(label, () => f(path));
  };

  const restore = async (c: SyncConflict) => {
    try {
      await backend.conflict.restore(c.id);
      message.success("已恢复被覆盖的值，下次同步时发出");
      load();
    } catch (e) {
      message.error(toBackendError(e).message);
    }
  };

  const busy = running !== null;
  const lastSync = status?.peers
    .map((p) => p.last_sync_at)
    .filter((t): t is string => !!t)
    .sort()
    .pop();
  const pending = status?.peers.reduce((n, p) => n + p.pending, 0) ?? 0;

  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Card title="同步">
        <Space direction="vertical" size="middle" style={{ width: "100%" }}>
          {error && <Alert type="error" showIcon message={error} />}
          {status && (
            <Descriptions bordered size="small" column={3} styles={{ label: { whiteSpace: "nowrap" } }} data-testid="sync-status">
              <Descriptions.Item label="本机">{status.name || status.node_id}</Descriptions.Item>
              <Descriptions.Item label="上次同步">{lastSync ? beijingTime(lastSync) : "尚未同步"}</Descriptions.Item>
              <Descriptions.Item label="待发送变更">
                {/* Changes are counted per enrolled peer: before enrolment there is none to count for, so
                    say what the first sync will send rather than “0 条”. */}
                {status.peers.length > 0 ? `${pending} 条` : `尚未登记到县局；登记后首次同步发送本机全部 ${status.local_changes} 条变更`}
              </Descriptions.Item>
              <Descriptions.Item label="本机变更累计">{status.local_changes} 条</Descriptions.Item>
              <Descriptions.Item label="未处理冲突">{status.open_conflicts} 条</Descriptions.Item>
              <Descriptions.Item label="已登记">
                {status.peers.length ? status.peers.map((p) => p.name).join("、") : "尚未登记到县局"}
              </Descriptions.Item>
            </Descriptions>
          )}
          {running && (
            <Space direction="vertical" style={{ width: "100%" }} data-testid="sync-progress">
              <Progress percent={100} status="active" showInfo={false} />
              <Typography.Text>正在{running}，请勿关闭程序…</Typography.Text>
            </Space>
          )}
          {result && <Alert type={result.ok ? "success" : "error"} showIcon message={result.text} data-testid="sync-result" />}
        </Space>
      </Card>
      <Card title="与县局同步">
        <Space direction="vertical" size="middle" style={{ width: "100%" }}>
          <Form form={form} layout="inline" onFinish={(v) => transfer("网络同步", () => syncTransfer.network(v.url.trim()))}>
            <Form.Item name="url" label="县局地址" rules={[{ required: true, message: "请输入县局同步地址" }]}>
              <Input placeholder="如 https://192.168.1.10:8443" style={{ width: 320 }} data-testid="sync-url" />
            </Form.Item>
            <Button type="primary" htmlType="submit" disabled={busy} data-testid="sync-network">
              网络同步
            </Button>
          </Form>
          <DesktopOnly what="导出、导入U盘同步包" cli="fengqiao bundle export --out 同步包.fqsync；fengqiao bundle import 同步包.fqsync">
          <Space>
            <Button
              disabled={busy}
              data-testid="sync-export"
              onClick={() =>
                withPath(() => dialogs.saveFile("fqsync", `同步包-${today()}.fqsync`, "导出到U盘"), "导出到U盘", syncTransfer.export)
              }
            >
              导出到U盘
            </Button>
            <Button
              disabled={busy}
              data-testid="sync-import"
              onClick={() => withPath(() => dialogs.openFile(["fqsync"], "从U盘导入"), "从U盘导入", syncTransfer.import)}
            >
              从U盘导入
            </Button>
          </Space>
          </DesktopOnly>
        </Space>
      </Card>
      {isAdmin && (
        <Card title="登记到县局（首次同步前）">
          <Typography.Paragraph>
            能连上县局时：填写县局服务地址和县局管理员给的一次性登记码，点“联网登记”。
          </Typography.Paragraph>
          <Form
            form={enrollForm}
            layout="inline"
            style={{ marginBottom: 16 }}
            onFinish={(v) => transfer("联网登记", () => syncTransfer.enrollNetwork(v.url.trim(), v.code.trim()))}
          >
            <Form.Item name="url" label="县局服务地址" rules={[{ required: true, whitespace: true, message: "请填写县局服务地址" }]}>
              <Input placeholder="如 https://192.168.1.10:8443" style={{ width: 240 }} data-testid="enroll-url" />
            </Form.Item>
            <Form.Item name="code" label="登记码" rules={[{ required: true, whitespace: true, message: "请填写县局给的登记码" }]}>
              <Input placeholder="XXXX-XXXX-XXXX-XXXX-XXXX" style={{ width: 240 }} data-testid="enroll-code" />
            </Form.Item>
            <Form.Item>
              <Button htmlType="submit" disabled={busy} data-testid="enroll-network">
                联网登记
              </Button>
            </Form.Item>
          </Form>
          <Typography.Paragraph>
            不能联网时：先生成登记申请文件交县局，县局办理后带回登记回执文件，在此导入即完成登记。
          </Typography.Paragraph>
          <DesktopOnly what="用文件登记到县局" cli="fengqiao enroll request --out 申请文件；fengqiao enroll accept 回执文件">
          <Space>
            <Button
              disabled={busy}
              data-testid="enroll-request"
              onClick={() =>
                withPath(() => dialogs.saveFile("fqreq", `登记申请-${today()}.fqreq`, "生成登记申请"), "生成登记申请", syncTransfer.enrollRequest)
              }
            >
              生成登记申请
            </Button>
            <Button
              disabled={busy}
              data-testid="enroll-accept"
              onClick={() => withPath(() => dialogs.openFile(["fqreply"], "导入登记回执"), "导入登记回执", syncTransfer.enrollAccept)}
            >
              导入登记回执
            </Button>
          </Space>
          </DesktopOnly>
        </Card>
      )}
      {assignments && assignments.length > 0 && (
        <Card title={`县局指派（${assignments.length}）`} data-testid="assignments">
          <Typography.Paragraph type="secondary">县局交给本警务室办理的辖区外记录，随同步送达，已在相应台账中。</Typography.Paragraph>
          <Table<AssignmentReceived>
            rowKey="id"
            size="small"
            dataSource={assignments}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            columns={[
              { title: "指派时间", dataIndex: "assigned_at", width: 150, render: (t: string) => beijingTime(t) },
              { title: "类别", dataIndex: "kind", width: 90, render: (k: string) => <Tag>{k}</Tag> },
              {
                title: "内容",
                render: (_, a) => {
                  const to = assignmentLink(a);
                  const text = a.subject ?? a.row_id;
                  return to ? <Link to={to}>{text}</Link> : text;
                },
              },
              { title: "县局说明", dataIndex: "note", render: (n: string | null) => n ?? "" },
            ]}
          />
        </Card>
      )}
      {(status?.refusals ?? []).length > 0 && (
        <Card title={`县局未采用的修改（${status?.refusals.length}）`} data-testid="refusals">
          <Typography.Paragraph type="secondary">
            这些修改超出本警务室的辖区，或修改时本机时钟偏快，县局没有采用，也没有转给其他警务室；它们只留在本机。请核对后改正（如村（社区）代码），改正后的修改会照常同步。
          </Typography.Paragraph>
          <Table
            rowKey="id"
            size="small"
            dataSource={status?.refusals ?? []}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            columns={[
              { title: "县局处理时间", dataIndex: "refused_at", width: 150, render: (t: string) => beijingTime(t) },
              { title: "类别", dataIndex: "kind", width: 100, render: (k: string) => <Tag>{k}</Tag> },
              { title: "记录", render: (_, r) => r.subject ?? r.row_id },
              { title: "原因", dataIndex: "reason" },
            ]}
          />
        </Card>
      )}
      <Card title="同步冲突">
        <Typography.Paragraph type="secondary">
          两处同时修改同一项时，保留较新的修改；被覆盖的值记在这里，可以恢复（作为一次新的修改同步出去）。
        </Typography.Paragraph>
        {conflicts && conflicts.length === 0 ? (
          <Empty description="没有未处理的冲突" />
        ) : (
          <Table<SyncConflict>
            rowKey="id"
            size="small"
            dataSource={conflicts ?? []}
            loading={conflicts === null && !error}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            data-testid="conflict-table"
            columns={[
              { title: "发现时间", dataIndex: "detected_at", width: 150, render: (t: string) => beijingTime(t) },
              { title: "项目", render: (_, c) => `${c.tbl}.${c.col}` },
              { title: "保留的值", render: (_, c) => show(c.winner_value) },
              { title: "被覆盖的值", render: (_, c) => show(c.loser_value) },
              {
                title: "",
                width: 120,
                render: (_, c) =>
                  c.resolved_at ? (
                    <Tag>已处理</Tag>
                  ) : (
                    <Popconfirm title="恢复被覆盖的值？" okText="恢复" cancelText="取消" onConfirm={() => restore(c)}>
                      <Button size="small">恢复此值</Button>
                    </Popconfirm>
                  ),
              },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}
