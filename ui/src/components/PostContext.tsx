import { createContext, useContext } from "react";
import type { Post } from "../backend";

/** The post the app is open on, and a way to reload it after 设置 changes it. */
export const PostContext = createContext<{ post: Post; reload: () => void } | null>(null);

export function usePost() {
  const ctx = useContext(PostContext);
  if (!ctx) throw new Error("usePost outside PostContext");
  return ctx;
}
