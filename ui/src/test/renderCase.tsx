import { render } from "@testing-library/react";
import { App } from "antd";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { DisputeCase } from "../screens/disputes/DisputeCase";

/** Renders the case page of dispute `id` (`d1` unless given) as the app routes to it (for the page's tests). */
export const renderCase = (id = "d1") =>
  render(
    <App>
      <MemoryRouter initialEntries={[`/disputes/${id}`]}>
        <Routes>
          <Route path="/disputes/:id" element={<DisputeCase />} />
        </Routes>
      </MemoryRouter>
    </App>,
  );
