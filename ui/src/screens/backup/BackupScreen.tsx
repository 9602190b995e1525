import { useState } from "react";
import { Alert, Button, Card, Descriptions, Space, Typography } from "antd";
import { backend, toBackendError } from "../../backend";
import type { BackupReport } from "../../backend";
import { dialogs } from "../../backend/dialogs";
import { RestoreCard } from "./RestoreCard";
import { DesktopOnly } from "../../components/FileActions";

/**
 * 备份: an encrypted copy of the database (and its key file) into a folder the officer picks,
 * e.g. a USB stick, and restoring one over the open database.
 */
export function BackupScreen() {
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<BackupReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [restored, setRestored] = useState(false);

  const run = async () => {
    setError(null);
    const folder = await dialogs.openFolder("选择备份到的文件夹（如 U 盘）");
    if (!folder) return;
    setRunning(true);
    setReport(null);
    try {
      setReport(await backend.backup.create(folder));
    } catch (e) {
      setError(toBackendError(e).message);
    } finally {
      setRunning(false);
    }
  };

  return (
    <DesktopOnly what="备份、恢复数据库" cli="fengqiao backup --out 文件夹；fengqiao restore 备份文件">
      <Space direction="vertical" size="large" style={{ width: "100%", maxWidth: 880 }}>
        <Card title="备份到文件夹">
          <Typography.Paragraph>
            备份文件与数据库一样加密，连同密钥文件一起写入所选文件夹；恢复时须用备份当时的管理员账号和密码。
          </Typography.Paragraph>
          <Button type="primary" onClick={run} loading={running} data-testid="backup-run">
            {running ? "正在备份…" : "选择文件夹并备份"}
          </Button>
          {error && <Alert type="error" showIcon message={error} style={{ marginTop: 16 }} />}
          {report && (
            <Descriptions bordered size="small" column={1} style={{ marginTop: 16 }} data-testid="backup-report">
              <Descriptions.Item label="备份文件">{report.file}</Descriptions.Item>
              <Descriptions.Item label="密钥文件">{report.key_file}</Descriptions.Item>
              <Descriptions.Item label="数据结构版本">{report.schema_version}</Descriptions.Item>
              <Descriptions.Item label="审计日志">{report.audit_entries} 条，哈希链已校验</Descriptions.Item>
            </Descriptions>
          )}
        </Card>
        <RestoreCard onRestored={() => setRestored(true)} />
        {restored && (
          <Alert
            type="success"
            showIcon
            message="已从备份恢复，当前登录保持不变"
            description="各页面需重新载入才显示恢复后的数据。"
            action={
              <Button type="primary" onClick={() => window.location.reload()} data-testid="restore-reload">
                重新载入
              </Button>
            }
          />
        )}
      </Space>
    </DesktopOnly>
  );
}
