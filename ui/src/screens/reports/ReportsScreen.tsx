import { useCallback, useState } from "react";
import { Alert, Button, Card, Descriptions, Progress, Space, Table, Tabs, Tag, Typography } from "antd";
import { FileExcelOutlined, FilePdfOutlined, ImportOutlined } from "@ant-design/icons";
import { backend, toBackendError } from "../../backend";
import type { ImportReport, LedgerKind, MonthStats } from "../../backend";
import { LedgerKindLabel, RosterHeaders } from "../../backend/types";
import { dialogs } from "../../backend/dialogs";
import { MonthFigures } from "../../components/MonthFigures";
import { CounselFigures } from "../counsel/CounselFigures";
import { AwardMonthFigures } from "../awards/AwardMonthFigures";
import { MonthField, thisMonth } from "../../components/DateField";
import { DesktopOnly, LedgerExportButton, useWriteFile } from "../../components/FileActions";
import { useLoad } from "../../components/useLoad";
import { StationFiguresTable } from "../stations/StationFiguresTable";

/** 月度统计: the month's figures, a chart by category, and export to PDF or Excel. */
export function StatsPanel() {
  const [month, setMonth] = useState(thisMonth());
  const stats = useLoad(useCallback(() => backend.stats.month(month), [month]), null as MonthStats | null);
  const pdf = useWriteFile();
  const xlsx = useWriteFile();
  const s = stats.data;
  return (
    <Card
      size="small"
      title={
        <Space>
          月度统计
          <MonthField value={month} onChange={setMonth} data-testid="stats-month" />
        </Space>
      }
      extra={
        <Space>
          <Button
            icon={<FilePdfOutlined />}
            loading={pdf.busy}
            data-testid="stats-export-pdf"
            onClick={() => void pdf.run("pdf", `月度统计-${month}.pdf`, (path) => backend.stats.export({ month, path }), "月报 PDF")}
          >
            导出 PDF 月报
          </Button>
          <Button
            icon={<FileExcelOutlined />}
            loading={xlsx.busy}
            data-testid="stats-export-xlsx"
            onClick={() => void xlsx.run("xlsx", `月度统计-${month}.xlsx`, (path) => backend.stats.export({ month, path }), "Excel 报表")}
          >
            导出 Excel 报表
          </Button>
        </Space>
      }
    >
      {stats.error && <Alert type="error" showIcon message={stats.error} />}
      {s && <MonthFigures stats={s} />}
      {s && s.service_stations.length > 0 && <StationFiguresTable figures={s.service_stations} />}
      {s?.counsel && <CounselFigures c={s.counsel} />}
      {s?.awards && (
        <div style={{ marginTop: 12 }}>
          <AwardMonthFigures m={s.awards} />
        </div>
      )}
    </Card>
  );
}

/** 台账导出: the core's ledgers, all or one month. */
export function LedgersPanel() {
  const [month, setMonth] = useState(thisMonth());
  const monthly = ["disputes", "follow_ups", "errands", "incidents", "service_stations"] as const;
  return (
    <Card
      size="small"
      title={
        <Space>
          台账导出
          <MonthField value={month} onChange={setMonth} />
        </Space>
      }
    >
      <Table
        rowKey="kind"
        size="small"
        pagination={false}
        dataSource={[{ kind: "households" as const }, ...monthly.map((kind) => ({ kind }))]}
        columns={[
          { title: "台账", dataIndex: "kind", render: (k: LedgerKind) => LedgerKindLabel[k] },
          { title: "范围", dataIndex: "kind", width: 160, render: (k) => (k === "households" ? "全部（不分月）" : month) },
          {
            title: "",
            width: 130,
            render: (_, r) => <LedgerExportButton kind={r.kind} month={r.kind === "households" ? null : month} size="small" />,
          },
        ]}
      />
    </Card>
  );
}

/** 花名册导入: pick an .xlsx, preview each row's outcome and errors, then import in one go. */
export function ImportPanel() {
  const [path, setPath] = useState<string | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState<"preview" | "apply" | null>(null);
  const [error, setError] = useState<string | null>(null);

  const pick = async () => {
    const p = await dialogs.openFile(["xlsx"], "选择户籍花名册");
    if (!p) return;
    setPath(p);
    setReport(null);
    setError(null);
    setBusy("preview");
    try {
      setReport(await backend.roster.preview(p));
    } catch (e) {
      setError(toBackendError(e).message);
    } finally {
      setBusy(null);
    }
  };
  const apply = async () => {
    if (!path) return;
    setBusy("apply");
    setError(null);
    try {
      setReport(await backend.roster.apply(path));
    } catch (e) {
      setError(toBackendError(e).message);
    } finally {
      setBusy(null);
    }
  };
  const valid = report ? report.persons_created + report.persons_updated + report.persons_unchanged : 0;

  return (
    <Card
      size="small"
      title="户籍花名册导入"
      extra={
        <Button icon={<ImportOutlined />} onClick={() => void pick()} loading={busy === "preview"} data-testid="import-pick">
          选择花名册（.xlsx）
        </Button>
      }
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="import-error" />}
      {busy && <Progress percent={100} status="active" showInfo={false} />}
      {busy && <Typography.Text>{busy === "preview" ? "正在读取花名册…" : "正在导入…"}</Typography.Text>}
      {!report && !busy && (
        <Space direction="vertical" data-testid="import-columns">
          <Typography.Text>
            读取花名册的第一张工作表：前 15 行内须有一行表头写明各列名称，至少要有“姓名”（或“户主姓名”）列。可识别的列：
            {Object.values(RosterHeaders)
              .map((h) => h[0])
              .join("、")}
            （也认常见的其他写法，如“身份证号码”“手机号”）。
          </Typography.Text>
          <Typography.Text type="secondary">先预览：逐行检查，列出错误和将新增、更新的内容，确认后再导入。</Typography.Text>
        </Space>
      )}
      {report && (
        <Space direction="vertical" style={{ width: "100%" }}>
          {report.applied ? (
            <Alert type="success" showIcon message={`已导入：新增 ${report.persons_created} 人，更新 ${report.persons_updated} 人，新增 ${report.households_created} 户`} data-testid="import-done" />
          ) : (
            <Alert
              type={report.errors.length ? "warning" : "info"}
              showIcon
              message={`预览（未写入）：共 ${report.rows} 行，可导入 ${valid} 行，有错误 ${report.errors.length} 行`}
              description={`将新增 ${report.persons_created} 人、更新 ${report.persons_updated} 人、不变 ${report.persons_unchanged} 人，新增 ${report.households_created} 户${report.villages_created.length ? `；新增村（社区）：${report.villages_created.join("、")}` : ""}${report.groups_created.length ? `；新增小组：${report.groups_created.join("、")}` : ""}`}
            />
          )}
          <Descriptions size="small" column={2}>
            <Descriptions.Item label="工作表">{report.sheet}</Descriptions.Item>
            <Descriptions.Item label="表头所在行">{report.header_row}</Descriptions.Item>
            <Descriptions.Item label="识别的列" span={2}>
              {report.columns.map((c) => (
                <Tag key={c.column}>
                  {c.column}：{c.header}
                </Tag>
              ))}
            </Descriptions.Item>
            {report.ignored_headers.length > 0 && (
              <Descriptions.Item label="未识别（忽略）的列" span={2}>
                {report.ignored_headers.join("、")}
              </Descriptions.Item>
            )}
          </Descriptions>
          {report.errors.length > 0 && (
            <Table
              rowKey={(e) => `${e.row}-${e.column ?? ""}-${e.message}`}
              size="small"
              title={() => `有错误的行（${report.errors.length}），这些行不会导入`}
              data-testid="import-errors"
              dataSource={report.errors}
              pagination={{ pageSize: 8, showSizeChanger: false }}
              columns={[
                { title: "行号", dataIndex: "row", width: 70 },
                { title: "列", width: 140, render: (_, e) => [e.column, e.header].filter(Boolean).join(" ") },
                { title: "错误", dataIndex: "message" },
              ]}
            />
          )}
          {!report.applied && (
            <Button type="primary" disabled={valid === 0} loading={busy === "apply"} onClick={() => void apply()} data-testid="import-apply">
              导入 {valid} 行
            </Button>
          )}
        </Space>
      )}
    </Card>
  );
}

/** 报表: monthly statistics, ledgers and the roster import. */
export function ReportsScreen() {
  return (
    <Tabs
      items={[
        { key: "stats", label: "月度统计", children: <StatsPanel /> },
        { key: "ledgers", label: "台账导出", children: <LedgersPanel /> },
        {
          key: "import",
          label: "花名册导入",
          children: (
            <DesktopOnly what="导入户籍花名册" cli="fengqiao import-xlsx 花名册.xlsx">
              <ImportPanel />
            </DesktopOnly>
          ),
        },
      ]}
    />
  );
}
