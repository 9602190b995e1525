import { useEffect, useRef, useState } from "react";
import { Alert, Empty, Input, List, Modal, Space, Tag, Typography } from "antd";
import type { InputRef } from "antd";
import { useNavigate } from "react-router-dom";
import { backend, toBackendError } from "../../backend";
import type { SearchHit } from "../../backend";
import { SexLabel } from "../../backend/types";

const MATCHED: Record<string, string> = { name: "姓名", id_number: "身份证号", phone: "电话", text: "住址等" };

/** The search box one key (Ctrl+K or /) opens from anywhere: name, ID number, phone, address. */
export function SearchPalette({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [text, setText] = useState("");
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [total, setTotal] = useState<{ n: number; more: boolean } | null>(null);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<InputRef>(null);
  const navigate = useNavigate();

  useEffect(() => {
    if (open) window.setTimeout(() => input.current?.focus({ cursor: "all" }), 50);
  }, [open]);

  useEffect(() => {
    const q = text.trim();
    if (!q) {
      setHits([]);
      setTotal(null);
      return;
    }
    let stale = false;
    const t = window.setTimeout(() => {
      backend
        .search({ text: q, page: 1, page_size: 12 })
        .then((r) => {
          if (stale) return;
          setHits(r.hits);
          setTotal({ n: r.total, more: r.more });
          setActive(0);
          setError(null);
        })
        .catch((e) => !stale && setError(toBackendError(e).message));
    }, 200);
    return () => {
      stale = true;
      window.clearTimeout(t);
    };
  }, [text]);

  const openHit = (h: SearchHit) => {
    onClose();
    navigate(h.household_id ? `/households/${h.household_id}?person=${h.person_id}` : `/people?person=${h.person_id}`);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, hits.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === "Enter" && hits[active]) {
      e.preventDefault();
      openHit(hits[active]);
    }
  };

  return (
    <Modal open={open} onCancel={onClose} footer={null} title="查找人员" width={720} destroyOnHidden>
      <Input
        ref={input}
        size="large"
        allowClear
        placeholder="姓名（两个字即可）、公民身份号码、电话或住址"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        data-testid="search-input"
      />
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} />}
      {total && (
        <Typography.Text type="secondary" style={{ display: "block", margin: "8px 0" }}>
          共找到 {total.n}
          {total.more ? " 人以上" : " 人"}，↑↓ 选择，回车打开
        </Typography.Text>
      )}
      {total && hits.length === 0 ? (
        <Empty description="没有找到" />
      ) : (
        <List
          size="small"
          dataSource={hits}
          style={{ maxHeight: 420, overflow: "auto" }}
          renderItem={(h, i) => (
            <List.Item
              onClick={() => openHit(h)}
              onMouseEnter={() => setActive(i)}
              style={{ cursor: "pointer", background: i === active ? "#e6f0ff" : undefined, padding: "6px 8px" }}
              data-testid="search-hit"
            >
              <Space size="middle" wrap>
                <Typography.Text strong>{h.name}</Typography.Text>
                <span>{h.sex ? SexLabel[h.sex] : ""}</span>
                <span>{h.birth_date ?? ""}</span>
                <Typography.Text type="secondary">{h.id_number ?? ""}</Typography.Text>
                <span>{h.phone ?? ""}</span>
                <Typography.Text type="secondary">{h.address ?? h.village_name ?? ""}</Typography.Text>
              </Space>
              <Tag>{MATCHED[h.matched] ?? h.matched}</Tag>
            </List.Item>
          )}
        />
      )}
    </Modal>
  );
}
