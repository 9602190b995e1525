import { useEffect, useRef, useState } from "react";
import { Alert, Empty, Input, List, Modal, Pagination, Space, Tag, Typography } from "antd";
import type { InputRef } from "antd";
import { useNavigate } from "react-router-dom";
import { backend, toBackendError } from "../../backend";
import type { SearchHit } from "../../backend";
import { SearchMatchLabel, SexLabel } from "../../backend/types";

/** Hits on one page of the list. */
const PAGE_SIZE = 12;

/** The search box one key (Ctrl+K or /) opens from anywhere: name, ID number, phone, address. */
export function SearchPalette({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [text, setText] = useState("");
  const [page, setPage] = useState(1);
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
        .search({ text: q, page, page_size: PAGE_SIZE })
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
  }, [text, page]);

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
        onChange={(e) => {
          setText(e.target.value);
          setPage(1);
        }}
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
              <Tag data-testid="search-matched">{SearchMatchLabel[h.matched]}</Tag>
            </List.Item>
          )}
        />
      )}
      {total && total.n > PAGE_SIZE && (
        <Pagination size="small" simple current={page} pageSize={PAGE_SIZE} total={total.n} showSizeChanger={false} onChange={setPage} style={{ marginTop: 8, textAlign: "right" }} data-testid="search-pages" />
      )}
    </Modal>
  );
}
