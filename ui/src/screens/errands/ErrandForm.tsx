import { useCallback } from "react";
import { Button, Form, Input, Radio, Row, Select } from "antd";
import { backend } from "../../backend";
import type { Catalogue, Errand, ErrandInput } from "../../backend";
import { ErrandModeLabel } from "../../backend/types";
import { PersonPicker } from "../../components/PersonPicker";
import { blankToNull } from "../../components/formErrors";
import { DateField } from "../../components/DateField";
import { options } from "../../components/options";
import { officerOptions, useOfficers } from "../../components/refs";
import { useLoad } from "../../components/useLoad";
import { useSave } from "../../components/useSave";
import { Field, NotesField } from "../../components/Field";
import { useAssistants, useStations } from "../stations/StationForm";

/** 受理代办: the resident (registered, or just a name and phone), the service item, the mode. */
export function ErrandForm({ onSaved }: { onSaved: (e: Errand) => void }) {
  const catalogue = useLoad(useCallback(() => backend.serviceItem.list(), []), null as Catalogue | null).data;
  const officers = useOfficers();
  const { form, formProps, saving, alert } = useSave((v: ErrandInput) => backend.errand.create(blankToNull(v)), onSaved);
  const stations = useStations();
  const stationId = Form.useWatch("service_station_id", form) as string | null | undefined;
  const assistants = useAssistants(stationId);

  return (
    <Form {...formProps} layout="vertical" initialValues={{ mode: "proxy" }} data-testid="errand-form">
      {alert}
      <Row gutter={16}>
        <Field span={24} name="service_item_id" label="服务事项" required>
          <Select
            showSearch
            optionFilterProp="label"
            placeholder="选择或输入事项名称"
            data-testid="errand-item"
            options={catalogue?.categories.map((c) => ({
              label: c.category,
              title: c.category,
              options: c.items.map((i) => ({
                value: i.id,
                label: i.time_limit_days != null ? `${i.name}（${i.time_limit_days} 天）` : i.name,
              })),
            }))}
          />
        </Field>
        <Field span={24} name="person_id" label="办事群众（登记人员）" extra="不是登记人员时，直接填写下面的申请人姓名和电话"><PersonPicker data-testid="errand-person" /></Field>
        <Field span={12} name="applicant_name" label="申请人姓名"><Input data-testid="errand-applicant" /></Field>
        <Field span={12} name="applicant_phone" label="申请人联系电话" />
        <Field span={24} name="mode" label="代办方式"><Radio.Group optionType="button" options={options(ErrandModeLabel)} /></Field>
        <Field span={8} name="requested_on" label="受理日期" extra="不填为今天"><DateField /></Field>
        <Field span={8} name="due_on" label="到期日期" extra="不填按事项办理时限计算"><DateField /></Field>
        <Field span={8} name="officer_id" label="经办民警/辅警"><Select allowClear options={officerOptions(officers)} /></Field>
        {stations.length > 0 && (
          <>
            <Field span={12} name="service_station_id" label="受理驿站" extra="在驿站收集的诉求：选择驿站和受理的警务助理">
              <Select
                allowClear
                data-testid="errand-station"
                options={stations.map((s) => ({ value: s.id, label: s.name }))}
                onChange={() => form.setFieldValue("assistant_id", null)}
              />
            </Field>
            <Field span={12} name="assistant_id" label="受理的警务助理">
              <Select
                allowClear
                disabled={!stationId}
                data-testid="errand-assistant"
                options={assistants.map((a) => ({ value: a.id, label: a.name }))}
              />
            </Field>
          </>
        )}
        <NotesField />
      </Row>
      <div className="fq-form-actions">
        <Button type="primary" htmlType="submit" loading={saving} data-testid="errand-save">
          受理
        </Button>
      </div>
    </Form>
  );
}
