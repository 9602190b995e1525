import { useEffect, useRef } from "react";

const INPUT_EVENTS = ["keydown", "mousedown", "mousemove", "wheel", "touchstart"] as const;

/**
 * Calls `onIdle` once `minutes` have passed with no key, pointer or wheel input, while
 * `active`. The core ends an idle session only at the next call; this lets the app lock the
 * screen when the officer has walked away from it, residents' records and all. Input only
 * stamps the time; a check every few seconds compares it, so moving the mouse costs nothing.
 */
export function useIdleLock(minutes: number | null | undefined, active: boolean, onIdle: () => void) {
  const callback = useRef(onIdle);
  callback.current = onIdle;
  useEffect(() => {
    if (!active || !minutes || minutes <= 0) return;
    const limit = minutes * 60_000;
    let last = Date.now();
    const stamp = () => {
      last = Date.now();
    };
    INPUT_EVENTS.forEach((e) => window.addEventListener(e, stamp, { passive: true, capture: true }));
    const check = window.setInterval(() => {
      if (Date.now() - last >= limit) {
        window.clearInterval(check);
        callback.current();
      }
    }, Math.min(5_000, limit));
    return () => {
      window.clearInterval(check);
      INPUT_EVENTS.forEach((e) => window.removeEventListener(e, stamp, { capture: true }));
    };
  }, [minutes, active]);
}
