import { createContext, useContext } from "react";
import type { CountySessionInfo } from "../backend/types";

/** Who is logged in, for screens that offer a role's own actions. */
export const RoleContext = createContext<CountySessionInfo | null>(null);

export function useSession(): CountySessionInfo | null {
  return useContext(RoleContext);
}

/** Whether the login works with residents' records (every county role but the viewer). */
export const seesRecords = (s: CountySessionInfo | null) => !!s && s.role !== "viewer";
/** Whether the login is the county admin. */
export const isAdmin = (s: CountySessionInfo | null) => s?.role === "county_admin";
