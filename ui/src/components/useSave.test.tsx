import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Button, Form, Input } from "antd";
import { changedPaths, useSave } from "./useSave";

afterEach(() => vi.restoreAllMocks());

type Values = { name?: string; phone?: string; parties?: { phone?: string }[] };

/** A form like every form of the app: the hook's save, a refusal per attempt from `refuse`. */
function Probe({ refuse, onSaved }: { refuse: (v: Values) => { code: string; message: string; field?: string } | null; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave(async (v: Values) => {
    const r = refuse(v);
    if (r) throw r;
    return v;
  }, onSaved);
  return (
    <Form {...formProps} layout="vertical" initialValues={{ parties: [{ phone: "" }] }}>
      {alert}
      <Form.Item name="name" label="姓名">
        <Input />
      </Form.Item>
      <Form.Item name="phone" label="联系电话">
        <Input />
      </Form.Item>
      <Form.Item name={["parties", 0, "phone"]} label="当事人电话">
        <Input />
      </Form.Item>
      <Button htmlType="submit" loading={saving} data-testid="save">
        保存
      </Button>
    </Form>
  );
}

const type = async (user: ReturnType<typeof userEvent.setup>, label: string, text: string) => {
  await user.clear(screen.getByLabelText(label));
  await user.type(screen.getByLabelText(label), text);
};

describe("useSave", () => {
  it("takes a field's message away as soon as that field changes, and only that field's", async () => {
    const user = userEvent.setup({ delay: null });
    const refuse = vi.fn((v: Values) => (v.phone === "138123" ? { code: "validation", message: "联系电话“138123”格式不对", field: "phone" } : null));
    render(<Probe refuse={refuse} onSaved={() => {}} />);
    await type(user, "联系电话", "138123");
    await user.click(screen.getByTestId("save"));
    expect(await screen.findByText("联系电话“138123”格式不对")).toBeInTheDocument();

    // Another field changing leaves it; the field it names changing takes it away.
    await type(user, "姓名", "王芳");
    expect(screen.getByText("联系电话“138123”格式不对")).toBeInTheDocument();
    await user.type(screen.getByLabelText("联系电话"), "45678");
    await waitFor(() => expect(screen.queryByText("联系电话“138123”格式不对")).not.toBeInTheDocument());
  });

  it("does the same for a field inside a list", async () => {
    const user = userEvent.setup({ delay: null });
    render(<Probe refuse={() => ({ code: "validation", message: "当事人1的联系电话格式不对", field: "parties[0].phone" })} onSaved={() => {}} />);
    await user.click(screen.getByTestId("save"));
    expect(await screen.findByText("当事人1的联系电话格式不对")).toBeInTheDocument();
    await user.type(screen.getByLabelText("当事人电话"), "1");
    await waitFor(() => expect(screen.queryByText("当事人1的联系电话格式不对")).not.toBeInTheDocument());
  });

  it("recomputes a refusal above the form on the next attempt", async () => {
    const user = userEvent.setup({ delay: null });
    const saved = vi.fn();
    let answer: { code: string; message: string } | null = { code: "rule", message: "还缺少 9 项内容" };
    render(<Probe refuse={() => answer} onSaved={saved} />);
    await user.click(screen.getByTestId("save"));
    expect(await screen.findByText("还缺少 9 项内容")).toBeInTheDocument();

    answer = { code: "rule", message: "还缺少 1 项内容" };
    await user.click(screen.getByTestId("save"));
    expect(await screen.findByText("还缺少 1 项内容")).toBeInTheDocument();
    expect(screen.queryByText("还缺少 9 项内容")).not.toBeInTheDocument();

    answer = null;
    await user.click(screen.getByTestId("save"));
    await waitFor(() => expect(saved).toHaveBeenCalled());
    expect(screen.queryByTestId("form-error")).not.toBeInTheDocument();
  });

  it("names every changed path, into lists and records", () => {
    expect(changedPaths({ phone: "1" })).toEqual([["phone"]]);
    // eslint-disable-next-line no-sparse-arrays
    expect(changedPaths({ parties: [, { phone: "1" }] })).toEqual([["parties", 1, "phone"]]);
    expect(changedPaths({ mediators: [] })).toEqual([["mediators"]]);
  });
});
