import { render } from "@testing-library/react";
import { App } from "antd";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { DisputeCase } from "../screens/disputes/DisputeCase";

/** Renders the case page of dispute `d1` as the app routes to it (for the page's tests). */
export const renderCase = () =>
  render(
    <App>
      <MemoryRouter initialEntries={["/disputes/d1"]}>
        <Routes>
          <Route path="/disputes/:id" element={<DisputeCase />} />
        </Routes>
      </MemoryRouter>
    </App>,
  );
