import { useCallback, useEffect, useState } from "react";
import { Alert, Button, Card, DatePicker, Form, Input, Select, Space, Table } from "antd";
import { beijingTime } from "../../components/time";
import type { Dayjs } from "dayjs";
import { backend, toBackendError } from "../../backend";
import type { AuditEntry, AuditFilter, AuditPage } from "../../backend";
import { METHOD_SUMMARY } from "../../backend/types/methods";
import { Field } from "../../components/Field";

/** The audit log's action codes (SECURITY.md) in Chinese. */
export const AUDIT_ACTIONS: Record<string, string> = {
  login: "登录",
  login_failed: "登录失败",
  logout: "退出登录",
  view_person: "查看人员",
  view: "查看",
  search: "查找",
  list: "列表查看",
  export: "导出",
  print: "打印",
  create: "新增",
  update: "修改",
  delete: "删除",
  denied: "越权被拒",
  restore: "恢复备份",
  rekey: "更换数据库密钥",
  audit_cut: "日志被截断",
  failed: "未完成",
};

const PAGE_SIZE = 20;

/** What kind of record an entry's object is (the method's first word), in Chinese. */
const OBJECT_KINDS: Record<string, string> = {
  agreement: "调解协议",
  assignment: "县局指派",
  audit_log: "审计日志",
  conflict: "同步冲突",
  backup: "备份",
  dispute: "纠纷",
  errand: "代办",
  feedback: "群众意见",
  five_nones: "五无",
  followup: "回访",
  fulfilment: "履行",
  group: "村民小组",
  hazard: "隐患",
  import: "花名册",
  household: "户",
  incident: "警情",
  lead: "线索",
  ledger: "台账",
  mediation: "调解",
  officer: "民警辅警",
  outreach: "宣传",
  party: "当事人",
  patrol: "巡逻",
  person: "人员",
  post: "警务室",
  search: "人员",
  service_item: "服务事项",
  stats: "统计",
  sync: "同步",
  team: "队伍",
  user: "用户",
  village: "村（社区）",
  visit: "走访",
  volunteer: "队员",
};

/** An entry's object: its kind in Chinese and its id (in full on hover), or — for none. */
export function describeObject(tbl: string | null, rowId: string | null): { text: string; title?: string } {
  if (!tbl && !rowId) return { text: "—" };
  const kind = tbl ? (OBJECT_KINDS[tbl] ?? tbl) : "";
  if (!rowId) return { text: kind };
  const short = rowId.length > 12 ? `…${rowId.slice(-8)}` : rowId;
  return { text: kind ? `${kind} ${short}` : short, title: rowId };
}

/**
 * An entry's 说明 for the officer: a method the core ran is named by its Chinese summary
 * (without the parenthesised note, e.g. 保存调解协议草稿); anything else (查找：汪明, 密码错误)
 * is shown as written.
 */
export function describeDetail(detail: string | null): string {
  if (!detail) return "";
  const summary = Object.hasOwn(METHOD_SUMMARY, detail) ? METHOD_SUMMARY[detail as keyof typeof METHOD_SUMMARY] : null;
  return summary ? summary.replace(/（[^（）]*）$/, "") : detail;
}

type FilterValues = { login?: string; action?: string; since?: Dayjs | null };

/** 审计日志: who did what, newest first, with filters; and checking the hash chain. */
export function AuditScreen() {
  const [filter, setFilter] = useState<AuditFilter>({ page: 1, page_size: PAGE_SIZE });
  const [page, setPage] = useState<AuditPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [check, setCheck] = useState<{ ok: boolean; text: string } | null>(null);
  const [checking, setChecking] = useState(false);
  const [form] = Form.useForm<FilterValues>();

  const load = useCallback((f: AuditFilter) => {
    backend.audit
      .list(f)
      .then((p) => {
        setPage(p);
        setError(null);
      })
      .catch((e) => setError(toBackendError(e).message));
  }, []);
  useEffect(() => load(filter), [filter, load]);

  const apply = (v: FilterValues) =>
    setFilter({
      login: v.login?.trim() || null,
      action: v.action || null,
      since: v.since ? v.since.startOf("day").format() : null,
      page: 1,
      page_size: PAGE_SIZE,
    });

  const verify = async () => {
    setChecking(true);
    try {
      const r = await backend.audit.verify();
      setCheck({ ok: true, text: `审计日志完整：共 ${r.entries} 条，SM3 哈希链逐条校验通过。` });
    } catch (e) {
      setCheck({ ok: false, text: toBackendError(e).message });
    } finally {
      setChecking(false);
    }
  };

  return (
    <Card
      title="审计日志"
      extra={
        <Button onClick={verify} loading={checking} data-testid="audit-verify">
          校验是否被篡改
        </Button>
      }
    >
      <Space direction="vertical" size="middle" style={{ width: "100%" }}>
        {check && (
          <Alert type={check.ok ? "success" : "error"} showIcon message={check.text} data-testid="audit-check" />
        )}
        <Form form={form} layout="inline" onFinish={apply}>
          <Field name="login" label="用户名"><Input allowClear style={{ width: 140 }} data-testid="audit-login" /></Field>
          <Form.Item name="action" label="操作">
            <Select
              allowClear
              style={{ width: 140 }}
              options={Object.entries(AUDIT_ACTIONS).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          <Field name="since" label="起始日期"><DatePicker /></Field>
          <Button type="primary" htmlType="submit" data-testid="audit-filter">
            筛选
          </Button>
        </Form>
        {error && <Alert type="error" showIcon message={error} />}
        <Table<AuditEntry>
          rowKey="seq"
          size="small"
          loading={page === null && !error}
          dataSource={page?.entries ?? []}
          data-testid="audit-table"
          pagination={{
            current: page?.page ?? 1,
            pageSize: PAGE_SIZE,
            total: page?.total ?? 0,
            showSizeChanger: false,
            showTotal: (t) => `共 ${t} 条`,
            onChange: (p) => setFilter((f) => ({ ...f, page: p })),
          }}
          columns={[
            { title: "序号", dataIndex: "seq", width: 80 },
            { title: "时间", dataIndex: "at", width: 150, render: (t: string) => beijingTime(t) },
            { title: "用户", dataIndex: "login", width: 120, render: (l: string | null) => l ?? "（未登录）" },
            { title: "操作", dataIndex: "action", width: 110, render: (a: string) => AUDIT_ACTIONS[a] ?? a },
            {
              title: "对象",
              width: 200,
              render: (_, e) => {
                const o = describeObject(e.tbl, e.row_id);
                return <span title={o.title}>{o.text}</span>;
              },
            },
            {
              title: "说明",
              dataIndex: "detail",
              render: (d: string | null) => <span title={d ?? undefined}>{describeDetail(d)}</span>,
            },
          ]}
        />
      </Space>
    </Card>
  );
}
