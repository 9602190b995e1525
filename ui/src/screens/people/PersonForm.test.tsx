import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { transport } from "../../backend/transport";
import { PersonForm } from "./PersonForm";

const BAD = "110105194912310021";
const GOOD = "11010519491231002X";
const CHECKSUM = "公民身份号码校验位错误：末位应为“X”，输入的是“1”，请核对号码";

/** A fake core: id_number.check knows GOOD, person.create refuses a bad phone. */
function fakeCore() {
  const calls: { method: string; params: Record<string, unknown> }[] = [];
  vi.spyOn(transport, "invoke").mockImplementation(async (_cmd, args) => {
    const { method, params } = args as { method: string; params: Record<string, unknown> };
    calls.push({ method, params });
    if (method === "id_number.check") {
      if (params.id_number === GOOD) return { id_number: GOOD, birth_date: "1949-12-31", sex: "female", age: 76 } as never;
      throw { code: "validation", message: CHECKSUM, field: "id_number" };
    }
    if (method === "person.create") {
      if (params.phone === "12345") throw { code: "validation", message: "联系电话“12345”不是有效的手机或固定电话号码", field: "phone" };
      return { id: "p1", ...params } as never;
    }
    throw new Error(`unexpected ${method}`);
  });
  return calls;
}

afterEach(() => vi.restoreAllMocks());

/** The form on the fake core, and a user who pastes each value into the field clicked. */
function setup(onSaved: Parameters<typeof PersonForm>[0]["onSaved"] = () => {}) {
  const calls = fakeCore();
  const user = userEvent.setup({ delay: null });
  render(<PersonForm onSaved={onSaved} />);
  const enter = async (field: HTMLElement, text: string) => {
    await user.click(field);
    await user.paste(text);
  };
  return { calls, user, enter };
}

describe("PersonForm", () => {
  it("shows the core's message under the ID number as it is typed, then fills birth date and sex", async () => {
    const { user, enter } = setup();
    const id = screen.getByTestId("person-id-number");
    await enter(id, BAD);
    expect(await screen.findByText(CHECKSUM)).toBeInTheDocument();

    await user.clear(id);
    await enter(id, GOOD);
    await waitFor(() => expect(screen.queryByText(CHECKSUM)).not.toBeInTheDocument());
    await waitFor(() => expect(screen.getByTestId("person-birth-date")).toHaveValue("1949-12-31"));
    expect(screen.getByLabelText("女")).toBeChecked();
  });

  it("does not complain about a number still being typed", async () => {
    const { calls, enter } = setup();
    await enter(screen.getByTestId("person-id-number"), "1101051949");
    expect(calls.filter((c) => c.method === "id_number.check")).toHaveLength(0);
    expect(screen.queryByText(/公民身份号码/, { selector: ".ant-form-item-explain-error" })).not.toBeInTheDocument();
  });

  it("keeps what was typed when the core refuses, with the message under the field it names", async () => {
    const saved = vi.fn();
    const { calls, user, enter } = setup(saved);
    await enter(screen.getByTestId("person-name"), "王芳");
    await enter(screen.getByLabelText("联系电话"), "12345");
    await user.click(screen.getByTestId("person-save"));
    expect(await screen.findByText("联系电话“12345”不是有效的手机或固定电话号码")).toBeInTheDocument();
    expect(saved).not.toHaveBeenCalled();
    expect(screen.getByTestId("person-name")).toHaveValue("王芳");
    expect(screen.getByLabelText("联系电话")).toHaveValue("12345");

    await user.clear(screen.getByLabelText("联系电话"));
    await enter(screen.getByLabelText("联系电话"), "13800138000");
    await user.click(screen.getByTestId("person-save"));
    await waitFor(() => expect(saved).toHaveBeenCalled());
    const create = calls.filter((c) => c.method === "person.create").at(-1)!;
    expect(create.params).toMatchObject({ name: "王芳", phone: "13800138000", id_number: null, tags: [] });
  });

  it("takes the core's message away as soon as the field it names is changed", async () => {
    const { user, enter } = setup();
    await enter(screen.getByTestId("person-name"), "王芳");
    await enter(screen.getByLabelText("联系电话"), "12345");
    await user.click(screen.getByTestId("person-save"));
    expect(await screen.findByText("联系电话“12345”不是有效的手机或固定电话号码")).toBeInTheDocument();
    await user.type(screen.getByLabelText("联系电话"), "678901");
    await waitFor(() => expect(screen.queryByText("联系电话“12345”不是有效的手机或固定电话号码")).not.toBeInTheDocument());
  });

  it("takes away the birth date and sex a cleared ID number had filled in", async () => {
    const { calls, user, enter } = setup();
    await enter(screen.getByTestId("person-name"), "王芳");
    await enter(screen.getByTestId("person-id-number"), GOOD);
    await waitFor(() => expect(screen.getByTestId("person-birth-date")).toHaveValue("1949-12-31"));
    await user.clear(screen.getByTestId("person-id-number"));
    await waitFor(() => expect(screen.getByTestId("person-birth-date")).toHaveValue(""));
    expect(screen.getByLabelText("女")).not.toBeChecked();
    await user.click(screen.getByTestId("person-save"));
    await waitFor(() => expect(calls.some((c) => c.method === "person.create")).toBe(true));
    expect(calls.find((c) => c.method === "person.create")!.params).toMatchObject({ id_number: null, birth_date: null, sex: null });
  });

  it("takes a name as long as the core's rule allows (30 characters), not cut at 20", async () => {
    const { enter } = setup();
    const long = "阿卜杜热合曼·买买提艾力·阿不都热西提·吐尔逊";
    expect(long.length).toBeGreaterThan(20);
    await enter(screen.getByTestId("person-name"), long);
    expect(screen.getByTestId("person-name")).toHaveValue(long);
  });
});
