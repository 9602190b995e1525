import { useCallback } from "react";
import { Form, Input, Row, Select } from "antd";
import { backend } from "../../backend";
import type { ServiceStation, ServiceStationInput, Volunteer } from "../../backend";
import { DateField } from "../../components/DateField";
import { Field, NotesField } from "../../components/Field";
import { SaveButton } from "../../components/SaveButton";
import { PersonPicker } from "../../components/PersonPicker";
import { blankToNull } from "../../components/formErrors";
import { useVillages, villageOptions } from "../../components/refs";
import { useLoad } from "../../components/useLoad";
import { useSave } from "../../components/useSave";

/** The stations open today, for the pickers. */
export function useStations(): ServiceStation[] {
  return useLoad(useCallback(() => backend.serviceStation.list(), []), [] as ServiceStation[]).data;
}

/** The 警务助理 of a station serving today, for the errand form (none until a station is chosen). */
export function useAssistants(stationId: string | null | undefined): Volunteer[] {
  return useLoad(
    useCallback(
      () =>
        stationId
          ? backend.volunteer.list({ role: "police_assistant", service_station_id: stationId, active_only: true })
          : Promise.resolve([] as Volunteer[]),
      [stationId],
    ),
    [] as Volunteer[],
  ).data;
}

/**
 * 设立 or 修改 a 驿站: its name, village, address, opening hours, the day it opened and, to
 * close it, the day it stops taking requests. The core checks everything; its refusal shows
 * under the field it names.
 */
export function StationForm({ station, onSaved }: { station?: ServiceStation; onSaved: (s: ServiceStation) => void }) {
  const villages = useVillages();
  const { formProps, saving, alert } = useSave(
    (v: ServiceStationInput) =>
      station ? backend.serviceStation.update({ id: station.id, ...blankToNull(v) }) : backend.serviceStation.create(blankToNull(v)),
    onSaved,
  );
  const initial: Partial<ServiceStationInput> = station
    ? {
        name: station.name,
        village_id: station.village_id,
        address: station.address,
        hours: station.hours,
        notes: station.notes,
        opened_on: station.opened_on,
        closed_on: station.closed_on,
      }
    : {};
  return (
    <Form {...formProps} layout="vertical" initialValues={initial} data-testid="station-form">
      {alert}
      <Row gutter={16}>
        <Field span={12} name="name" label="驿站名称" required>
          <Input placeholder="如 青山村红警驿站" data-testid="station-name" />
        </Field>
        <Field span={12} name="village_id" label="所在村（社区）" required>
          <Select options={villageOptions(villages)} data-testid="station-village" />
        </Field>
        <Field span={24} name="address" label="地址" />
        <Field span={24} name="hours" label="开放时间" extra="如 每周一、三、五 8:30-11:30，其余时间电话预约" />
        <Field span={12} name="opened_on" label="启用日期" extra="不填为今天">
          <DateField />
        </Field>
        {station && (
          <Field span={12} name="closed_on" label="撤销日期" extra="从这天起不再受理新的代办">
            <DateField />
          </Field>
        )}
        <NotesField />
      </Row>
      <SaveButton saving={saving} testId="station-save" />
    </Form>
  );
}

type AssistantValues = { person_id?: string | null; name?: string | null; phone?: string | null; active_from?: string | null; training?: string | null };

/** 添加警务助理: a volunteer with the role 警务助理 serving this station (a resident, or a name and phone). */
export function AssistantForm({ station, onSaved }: { station: ServiceStation; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave(
    (v: AssistantValues) =>
      backend.volunteer.create({
        ...blankToNull(v),
        role: "police_assistant",
        service_station_id: station.id,
        village_id: station.village_id,
      }),
    onSaved,
  );
  return (
    <Form {...formProps} layout="vertical" data-testid="assistant-form">
      {alert}
      <Row gutter={16}>
        <Field span={24} name="person_id" label="登记人员" extra="不是登记人员时，直接填写下面的姓名和电话">
          <PersonPicker data-testid="assistant-person" />
        </Field>
        <Field span={12} name="name" label="姓名">
          <Input data-testid="assistant-name" />
        </Field>
        <Field span={12} name="phone" label="联系电话" />
        <Field span={12} name="active_from" label="起始日期" extra="不填为今天">
          <DateField />
        </Field>
        <Field span={12} name="training" label="培训情况" />
      </Row>
      <SaveButton saving={saving} testId="assistant-save" />
    </Form>
  );
}
