import { useState } from "react";
import { Alert, Button, Card, Col, Collapse, Form, Input, Progress, Row, Space, Typography } from "antd";
import { backend, toBackendError } from "../../backend";
import type { PostInput } from "../../backend";
import type { SessionInfo } from "../../backend";
import { blankToNull } from "../../components/formErrors";
import { useSave } from "../../components/useSave";
import { CreateAdminCard } from "../login/CreateAdmin";
import { RestoreCard } from "../backup/RestoreCard";
import { DesktopOnly } from "../../components/FileActions";
import { Field } from "../../components/Field";

/** How many households the demo post has: enough to feel real, quick to generate. */
export const DEMO_HOUSEHOLDS = 500;

/**
 * First run: the database is empty, so offer the demo post or an empty start; while the
 * database is still in setup mode (unencrypted, no users), also creating the admin.
 */
export function FirstRun({
  onDone,
  setupMode = false,
  onAdminCreated,
}: {
  onDone: () => void;
  setupMode?: boolean;
  onAdminCreated?: (s: SessionInfo) => void;
}) {
  const [importing, setImporting] = useState(false);
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const startEmpty = useSave((v: PostInput) => backend.post.save(blankToNull(v)), onDone);

  const importDemo = async () => {
    setImporting(true);
    setError(null);
    const started = Date.now();
    const timer = window.setInterval(() => setElapsed(Math.round((Date.now() - started) / 1000)), 500);
    try {
      await backend.demo(DEMO_HOUSEHOLDS);
      onDone();
    } catch (e) {
      setError(toBackendError(e).message);
    } finally {
      window.clearInterval(timer);
      setImporting(false);
    }
  };

  return (
    <div style={{ maxWidth: 960, margin: "24px auto", padding: "0 24px" }}>
      <Typography.Title level={2}>欢迎使用枫桥警务台账</Typography.Title>
      <Typography.Paragraph type="secondary">
        数据库还是空的。可以先导入一个演示警务室熟悉软件，也可以直接填写本警务室的名称开始使用；换了电脑的，可从备份恢复。
      </Typography.Paragraph>
      {setupMode && onAdminCreated && (
        <div style={{ marginBottom: 24 }}>
          <CreateAdminCard onCreated={onAdminCreated} />
        </div>
      )}
      <Row gutter={24}>
        <Col span={12}>
          <Card title="导入演示数据" style={{ height: "100%" }}>
            <Typography.Paragraph>
              生成一个演示警务室：{DEMO_HOUSEHOLDS} 户居民，以及走访、矛盾纠纷、代办、警情、群防群治等记录，全部为虚构数据。
            </Typography.Paragraph>
            {importing ? (
              <Space direction="vertical" style={{ width: "100%" }} data-testid="demo-progress">
                <Progress percent={100} status="active" showInfo={false} />
                <Typography.Text>正在生成演示数据，已用 {elapsed} 秒…</Typography.Text>
              </Space>
            ) : (
              <Button type="primary" size="large" onClick={importDemo} data-testid="import-demo">
                导入演示数据
              </Button>
            )}
            {error && <Alert type="error" showIcon message={error} style={{ marginTop: 16 }} />}
          </Card>
        </Col>
        <Col span={12}>
          <Card title="空白开始">
            <Form {...startEmpty.formProps} layout="vertical" disabled={importing}>
              {startEmpty.alert}
              <Field name="name" label="警务室名称" required><Input placeholder="如：青山中心警务室" /></Field>
              <Field name="station_name" label="所属派出所"><Input placeholder="如：平安县公安局青山派出所" /></Field>
              <Button htmlType="submit" loading={startEmpty.saving} data-testid="start-empty">
                空白开始
              </Button>
            </Form>
          </Card>
        </Col>
      </Row>
      {/* Folded so that the page fits a 768-pixel-high window; most posts start fresh. */}
      <Collapse
        style={{ marginTop: 24 }}
        destroyOnHidden
        items={[
          {
            key: "restore",
            label: "从备份恢复（换了电脑、重装系统时）",
            children: (
              <DesktopOnly what="从备份恢复" cli="fengqiao restore 备份文件">
                <RestoreCard bare onRestored={() => onDone()} />
              </DesktopOnly>
            ),
          },
        ]}
        data-testid="restore-section"
      />
    </div>
  );
}
