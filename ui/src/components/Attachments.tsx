import { useCallback, useState } from "react";
import { Alert, App, AutoComplete, Button, Card, Empty, Image, Modal, Popconfirm, Space, Typography } from "antd";
import { DeleteOutlined, FilePdfOutlined, PlusOutlined } from "@ant-design/icons";
import { backend, toBackendError } from "../backend";
import type { Attachment, AttachmentFile, AttachmentOwner } from "../backend";
import { dialogs } from "../backend/dialogs";
import { useLoad } from "./useLoad";
import { DesktopOnly } from "./FileActions";

const CAPTIONS: Record<AttachmentOwner, string[]> = {
  hazard: ["整改前", "整改后"],
  incident: ["现场"],
  agreement: ["协议书签字页", "协议书全文"],
};

/**
 * 照片/扫描件 of one record (a hazard, an incident, a dispute's agreement): thumbnails made by
 * the core, 添加 from the system's file dialog (the core tells the type from the content and
 * refuses what is too big or not a photo or PDF), a click opens the file full size (a photo in
 * the image viewer, a PDF scan in a frame; the bytes come as a data URL, never a file on disk),
 * 删除 with a confirmation. In a browser (`fengqiao serve`) the thumbnails and full views work;
 * adding is for the desktop app (no dialog of this computer's files there).
 */
export function Attachments({ owner, ownerId, title = "照片/扫描件" }: { owner: AttachmentOwner; ownerId: string; title?: string }) {
  const { message } = App.useApp();
  const list = useLoad(useCallback(() => backend.attachment.list(owner, ownerId), [owner, ownerId]), [] as Attachment[]);
  const [caption, setCaption] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<AttachmentFile | null>(null);

  const add = async () => {
    const path = await dialogs.openFile(["image"], "选择照片或扫描件");
    if (!path) return;
    setBusy(true);
    try {
      await backend.attachment.add({ owner_kind: owner, owner_id: ownerId, path, caption: caption.trim() || null });
      setError(null);
      setCaption("");
      message.success("已添加");
      list.reload();
    } catch (e) {
      setError(toBackendError(e).message);
    } finally {
      setBusy(false);
    }
  };
  const open = (a: Attachment) =>
    backend.attachment.get(a.id).then(setShown, (e) => setError(toBackendError(e).message));
  const remove = (a: Attachment) =>
    backend.attachment.remove(a.id).then(list.reload, (e) => setError(toBackendError(e).message));

  return (
    <Card size="small" title={title} data-testid={`attachments-${owner}`}>
      {(error || list.error) && <Alert type="error" showIcon message={error ?? list.error} style={{ marginBottom: 8 }} data-testid="attachment-error" />}
      <Space wrap align="start" size={12}>
        {list.data.map((a) => (
          <Space key={a.id} direction="vertical" size={2} align="center" data-testid="attachment">
            <a onClick={() => void open(a)} title={a.name ?? undefined} data-testid={`attachment-open-${a.id}`}>
              {a.thumb ? (
                <img src={a.thumb} alt={a.caption ?? a.name ?? "照片"} style={{ width: 120, height: 90, objectFit: "cover", borderRadius: 4 }} />
              ) : (
                <Space direction="vertical" align="center" style={{ width: 120, height: 90, justifyContent: "center", background: "#fafafa", borderRadius: 4 }}>
                  <FilePdfOutlined style={{ fontSize: 28 }} />
                  {a.held ? "PDF 扫描件" : "尚未同步到本机"}
                </Space>
              )}
            </a>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {[a.caption, a.attached_on].filter(Boolean).join(" · ")}
            </Typography.Text>
            <Popconfirm title="删除这个文件？" okText="删除" cancelText="取消" onConfirm={() => remove(a)}>
              <Button size="small" type="link" danger icon={<DeleteOutlined />} data-testid={`attachment-delete-${a.id}`}>
                删除
              </Button>
            </Popconfirm>
          </Space>
        ))}
        {list.data.length === 0 && !list.loading && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无照片或扫描件" />}
      </Space>
      <div style={{ marginTop: 8 }}>
        <DesktopOnly what="添加照片或扫描件" cli={`fengqiao attach --to ${owner} --id ${ownerId} 文件`}>
          <Space>
            <AutoComplete
              value={caption}
              onChange={setCaption}
              options={CAPTIONS[owner].map((c) => ({ value: c }))}
              placeholder="说明（可不填）"
              style={{ width: 160 }}
              data-testid="attachment-caption"
            />
            <Button icon={<PlusOutlined />} loading={busy} onClick={() => void add()} data-testid={`attachment-add-${owner}`}>
              添加
            </Button>
            <Typography.Text type="secondary">JPEG、PNG 照片不超过 10 MB，PDF 扫描件不超过 20 MB</Typography.Text>
          </Space>
        </DesktopOnly>
      </div>
      {shown && shown.file_type !== "pdf" && (
        <Image
          style={{ display: "none" }}
          src={shown.data_url}
          preview={{ visible: true, src: shown.data_url, onVisibleChange: (v) => !v && setShown(null) }}
          data-testid="attachment-full"
        />
      )}
      <Modal
        open={shown?.file_type === "pdf"}
        title={shown?.name ?? "扫描件"}
        footer={null}
        width="80vw"
        onCancel={() => setShown(null)}
        destroyOnHidden
      >
        {shown?.file_type === "pdf" && (
          <iframe title={shown.name ?? "扫描件"} src={shown.data_url} style={{ width: "100%", height: "75vh", border: 0 }} data-testid="attachment-pdf" />
        )}
      </Modal>
    </Card>
  );
}
