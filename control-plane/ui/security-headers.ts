// The headers every dashboard answer carries. The page runs only its own scripts and styles
// (no inline code, no other origin: everything is served from here, so it works offline),
// may not be framed, and under Trusted Types no string can become HTML or script: the
// dashboard builds its DOM with textContent only.

import type { Response } from "express";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join("; ");

const HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), usb=(), payment=()",
};

/** Sets the dashboard's security headers; `cache` is the Cache-Control value. */
export function setSecurityHeaders(res: Response, cache: "no-cache" | "no-store"): void {
  for (const [name, value] of Object.entries(HEADERS)) res.setHeader(name, value);
  res.setHeader("Cache-Control", cache);
}
