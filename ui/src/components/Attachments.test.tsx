import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "antd";
import { fakeCore } from "../test/fakeCore";
import { transport } from "../backend/transport";
import type { Attachment } from "../backend";
import { Attachments } from "./Attachments";

vi.mock("../backend/dialogs", () => ({
  dialogs: { saveFile: vi.fn(), openFile: vi.fn(), openFolder: vi.fn() },
  openInViewer: vi.fn(),
}));
import { dialogs } from "../backend/dialogs";

afterEach(() => {
  vi.restoreAllMocks();
  vi.clearAllMocks();
  transport.kind = "ipc";
});

const THUMB = "data:image/jpeg;base64,/9j/thumb";
const file = (id: string, extra: Partial<Attachment> = {}): Attachment => ({
  id,
  owner_kind: "hazard",
  owner_id: "h1",
  file_type: "jpeg",
  sm3: "ab".repeat(32),
  size: 52000,
  name: "桥头.jpg",
  caption: "整改前",
  attached_on: "2026-11-20",
  thumb: THUMB,
  held: true,
  ...extra,
});

const at = () =>
  render(
    <App>
      <Attachments owner="hazard" ownerId="h1" />
    </App>,
  );

describe("照片/扫描件", () => {
  it("shows the core's thumbnails, adds a file picked in the dialog with its caption, and shows a refusal", async () => {
    let files = [file("a1")];
    const core = fakeCore({
      "attachment.list": () => files,
      "attachment.add": (p: Record<string, unknown>) => {
        if (String(p.path).endsWith(".txt.jpg")) throw { code: "validation", message: "文件不是照片（JPEG、PNG）或 PDF 扫描件，未保存", field: "file" };
        files = [...files, file("a2", { caption: p.caption as string })];
        return files[1];
      },
    });
    const user = userEvent.setup({ delay: null });
    at();
    const shown = await screen.findAllByTestId("attachment");
    expect(shown).toHaveLength(1);
    expect(shown[0].querySelector("img")).toHaveAttribute("src", THUMB);
    expect(shown[0]).toHaveTextContent("整改前 · 2026-11-20");

    vi.mocked(dialogs.openFile).mockResolvedValueOnce("/home/民警/桥头-整改后.jpg");
    await user.type(within(screen.getByTestId("attachment-caption")).getByRole("combobox"), "整改后");
    await user.click(screen.getByTestId("attachment-add-hazard"));
    await waitFor(() => expect(screen.getAllByTestId("attachment")).toHaveLength(2));
    expect(vi.mocked(dialogs.openFile)).toHaveBeenCalledWith(["image"], "选择照片或扫描件");
    expect(core.of("attachment.add")).toEqual([{ owner_kind: "hazard", owner_id: "h1", path: "/home/民警/桥头-整改后.jpg", caption: "整改后" }]);

    vi.mocked(dialogs.openFile).mockResolvedValueOnce("/tmp/notes.txt.jpg");
    await user.click(screen.getByTestId("attachment-add-hazard"));
    expect(await screen.findByTestId("attachment-error")).toHaveTextContent("不是照片（JPEG、PNG）或 PDF 扫描件");
    expect(screen.getAllByTestId("attachment")).toHaveLength(2);

    vi.mocked(dialogs.openFile).mockResolvedValueOnce(null);
    await user.click(screen.getByTestId("attachment-add-hazard"));
    expect(core.of("attachment.add")).toHaveLength(2);
  });

  it("opens a photo full size from its bytes, a PDF scan in a frame, and deletes after a confirmation", async () => {
    let files = [file("a1"), file("a2", { file_type: "pdf", thumb: null, name: "协议书.pdf", caption: null })];
    const core = fakeCore({
      "attachment.list": () => files,
      "attachment.get": (p: Record<string, unknown>) =>
        p.id === "a1"
          ? { id: "a1", file_type: "jpeg", name: "桥头.jpg", data_url: "data:image/jpeg;base64,/9j/full" }
          : { id: "a2", file_type: "pdf", name: "协议书.pdf", data_url: "data:application/pdf;base64,JVBERi0x" },
      "attachment.delete": (p: Record<string, unknown>) => {
        files = files.filter((f) => f.id !== p.id);
        return { id: p.id };
      },
    });
    const user = userEvent.setup({ delay: null });
    at();
    await user.click(await screen.findByTestId("attachment-open-a1"));
    await waitFor(() => expect(document.querySelector('img[src="data:image/jpeg;base64,/9j/full"]')).not.toBeNull());
    expect(core.of("attachment.get")).toEqual([{ id: "a1" }]);

    await user.click(screen.getByTestId("attachment-open-a2"));
    expect(await screen.findByTestId("attachment-pdf")).toHaveAttribute("src", "data:application/pdf;base64,JVBERi0x");
    await user.click(screen.getByRole("button", { name: "Close" }));

    await user.click(screen.getByTestId("attachment-delete-a2"));
    const ok = await waitFor(() => {
      const b = document.querySelector<HTMLElement>(".ant-popconfirm .ant-btn-primary");
      expect(b).not.toBeNull();
      return b as HTMLElement;
    });
    await user.click(ok);
    await waitFor(() => expect(screen.getAllByTestId("attachment")).toHaveLength(1));
    expect(core.of("attachment.delete")).toEqual([{ id: "a2" }]);
  });

  it("in a browser shows the files but says adding is for the desktop app", async () => {
    transport.kind = "http";
    fakeCore({ "attachment.list": [file("a1")] });
    at();
    expect(await screen.findAllByTestId("attachment")).toHaveLength(1);
    expect(screen.getByTestId("desktop-only")).toHaveTextContent("浏览器版不能添加照片或扫描件");
    expect(screen.queryByTestId("attachment-add-hazard")).toBeNull();
  });
});
