import { useEffect, useMemo, useState } from "react";
import { Alert, Button, Card, Input, Modal, Select, Space, Table, Tag, Typography } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { useNavigate, useSearchParams } from "react-router-dom";
import { backend, toBackendError } from "../../backend";
import type { HouseholdPage, SearchPage, Village } from "../../backend";
import { KnownTagLabel, SexLabel } from "../../backend/types";
import { HouseholdForm } from "./HouseholdForm";
import { PersonForm } from "./PersonForm";
import { options } from "../../components/options";
import { villageOptions } from "../../components/refs";

const PAGE_SIZE = 15;

/** 户籍人员: households filtered by village, group and tag; or residents found by search. */
export function HouseholdsScreen() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [villages, setVillages] = useState<Village[]>([]);
  const [page, setPage] = useState<HouseholdPage | null>(null);
  const [found, setFound] = useState<SearchPage | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState(params.get("q") ?? "");
  const [creating, setCreating] = useState<"household" | "person" | null>(null);

  const villageId = params.get("village") ?? undefined;
  const groupId = params.get("group") ?? undefined;
  const tag = params.get("tag") ?? undefined;
  const q = params.get("q") ?? "";
  const pageNo = Number(params.get("page") ?? 1);

  const setParam = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!("page" in changes)) next.delete("page");
    setParams(next, { replace: true });
  };

  useEffect(() => {
    backend.village.list().then(setVillages, (e) => setError(toBackendError(e).message));
  }, []);

  useEffect(() => {
    setLoading(true);
    const request = q
      ? backend.search({ text: q, page: pageNo, page_size: PAGE_SIZE }).then((r) => {
          setFound(r);
          setPage(null);
        })
      : backend.household
          .list({ village_id: villageId, group_id: groupId, tag, page: pageNo, page_size: PAGE_SIZE })
          .then((r) => {
            setPage(r);
            setFound(null);
          });
    request
      .then(() => setError(null))
      .catch((e) => setError(toBackendError(e).message))
      .finally(() => setLoading(false));
  }, [villageId, groupId, tag, q, pageNo]);

  const groups = useMemo(() => villages.find((v) => v.id === villageId)?.groups ?? [], [villages, villageId]);

  return (
    <Card
      title="户籍人员"
      extra={
        <Space>
          <Button icon={<PlusOutlined />} onClick={() => setCreating("household")} data-testid="new-household">
            登记户
          </Button>
          <Button icon={<PlusOutlined />} onClick={() => setCreating("person")} data-testid="new-person">
            登记人员
          </Button>
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          allowClear
          placeholder="村（社区）"
          style={{ width: 160 }}
          value={villageId}
          options={villageOptions(villages)}
          onChange={(v) => setParam({ village: v, group: undefined, q: undefined })}
          data-testid="filter-village"
        />
        <Select
          allowClear
          placeholder="村民小组"
          style={{ width: 120 }}
          value={groupId}
          disabled={!villageId}
          options={groups.map((g) => ({ value: g.id, label: g.name }))}
          onChange={(v) => setParam({ group: v, q: undefined })}
        />
        <Select
          allowClear
          placeholder="人员标签"
          style={{ width: 140 }}
          value={tag}
          options={options(KnownTagLabel)}
          onChange={(v) => setParam({ tag: v, q: undefined })}
        />
        <Input.Search
          allowClear
          placeholder="姓名、身份证号、电话或住址"
          style={{ width: 300 }}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => setParam({ q: v.trim() || undefined })}
          data-testid="people-search"
        />
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      {found ? (
        <Table
          rowKey="person_id"
          size="small"
          loading={loading}
          dataSource={found.hits}
          onRow={(h) => ({
            onClick: () => h.household_id && navigate(`/households/${h.household_id}?person=${h.person_id}`),
            style: { cursor: h.household_id ? "pointer" : undefined },
          })}
          pagination={{
            current: found.page,
            pageSize: PAGE_SIZE,
            total: found.total,
            showTotal: (t) => `共 ${t}${found.more ? " 人以上" : " 人"}`,
            onChange: (p) => setParam({ page: String(p) }),
          }}
          columns={[
            { title: "姓名", dataIndex: "name", width: 100 },
            { title: "性别", dataIndex: "sex", width: 60, render: (s) => (s ? SexLabel[s as "male"] : "") },
            { title: "出生日期", dataIndex: "birth_date", width: 110 },
            { title: "公民身份号码", dataIndex: "id_number", width: 190 },
            { title: "电话", dataIndex: "phone", width: 130 },
            { title: "住址", dataIndex: "address" },
          ]}
        />
      ) : (
        <Table
          rowKey="id"
          size="small"
          loading={loading}
          dataSource={page?.items ?? []}
          onRow={(h) => ({ onClick: () => navigate(`/households/${h.id}`), style: { cursor: "pointer" } })}
          pagination={{
            current: page?.page ?? 1,
            pageSize: PAGE_SIZE,
            total: page?.total ?? 0,
            showSizeChanger: false,
            showTotal: (t) => `共 ${t}${page?.more ? " 户以上" : " 户"}`,
            onChange: (p) => setParam({ page: String(p) }),
          }}
          columns={[
            { title: "户主", dataIndex: "head_name", width: 110, render: (n) => n ?? <Tag>未定户主</Tag> },
            { title: "村（社区）", dataIndex: "village_name", width: 120 },
            { title: "小组", dataIndex: "group_name", width: 80 },
            { title: "住址", dataIndex: "address" },
            { title: "联系电话", dataIndex: "phone", width: 140 },
            { title: "人数", dataIndex: "member_count", width: 70, align: "right" },
          ]}
        />
      )}
      <Typography.Text type="secondary">按 Ctrl+K 或 / 可随时查找人员。</Typography.Text>
      <Modal
        open={creating === "household"}
        title="登记户"
        footer={null}
        width={720}
        onCancel={() => setCreating(null)}
        destroyOnHidden
      >
        <HouseholdForm
          villages={villages}
          onSaved={(h) => {
            setCreating(null);
            navigate(`/households/${h.id}`);
          }}
        />
      </Modal>
      <Modal
        open={creating === "person"}
        title="登记人员（不属于任何户）"
        footer={null}
        width={760}
        onCancel={() => setCreating(null)}
        destroyOnHidden
      >
        <PersonForm
          onSaved={(p) => {
            setCreating(null);
            setText(p.name);
            setParam({ q: p.name });
          }}
          onCancel={() => setCreating(null)}
        />
      </Modal>
    </Card>
  );
}
