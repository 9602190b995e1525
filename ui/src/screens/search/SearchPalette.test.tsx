import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { fakeCore } from "../../test/fakeCore";
import { SearchPalette } from "./SearchPalette";

afterEach(() => vi.restoreAllMocks());

/** 13 people hold 1111: the phone's owner, then twelve whose ID numbers hold it. */
const hit = (i: number) =>
  i === 0
    ? { person_id: "p0", household_id: null, name: "赵大海", sex: "male", birth_date: null, id_number: null, phone: "13900001111", address: null, village_name: "青山村", matched: "phone" }
    : { person_id: `p${i}`, household_id: null, name: `居民${i}`, sex: null, birth_date: "1961-11-11", id_number: `33032619611111${String(i).padStart(3, "0")}X`, phone: null, address: null, village_name: null, matched: "id_number" };

describe("查找人员", () => {
  it("pages through everyone it counts, saying what each hit matched", async () => {
    const core = fakeCore({
      search: (p: Record<string, unknown>) => {
        const page = Number(p.page);
        const size = Number(p.page_size);
        const all = Array.from({ length: 13 }, (_, i) => hit(i));
        return { total: 13, more: false, page, page_size: size, hits: all.slice((page - 1) * size, page * size) };
      },
    });
    const user = userEvent.setup({ delay: null });
    render(
      <MemoryRouter>
        <SearchPalette open onClose={() => {}} />
      </MemoryRouter>,
    );
    await user.type(await screen.findByTestId("search-input"), "1111");
    expect(await screen.findByText(/共找到 13 人/)).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByTestId("search-hit")).toHaveLength(12));
    const tags = screen.getAllByTestId("search-matched").map((t) => t.textContent);
    expect(tags[0]).toBe("联系电话");
    expect(tags[1]).toBe("公民身份号码");

    await user.click(screen.getByTestId("search-pages").querySelector(".ant-pagination-next")!);
    await waitFor(() => expect(screen.getAllByTestId("search-hit")).toHaveLength(1));
    expect(screen.getByText("居民12")).toBeInTheDocument();
    expect(core.of("search").at(-1)).toMatchObject({ text: "1111", page: 2 });
  });
});
