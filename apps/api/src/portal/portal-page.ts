import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

export interface PortalOptions {
  /** The built portal (`apps/portal/dist`); null when it was not built. */
  dir: string | null;
  /** `WRENN_PORTAL_FRAME_ANCESTORS`: who may show the portal in an iframe. */
  frameAncestors: string;
  /** `WRENN_PORTAL_PUBLIC_URL`: the portal's address as browsers reach it. */
  publicUrl?: string | undefined;
}

/**
 * The portal's Content-Security-Policy: only its own files and its own API,
 * nothing inline, nothing from elsewhere; the embedding pages come from the
 * operator's configuration.
 */
export function portalCsp(frameAncestors: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/**
 * The headers of a page we serve (the portal, `/docs`): its CSP, no referrer
 * leaving it, and a browsing context of its own.
 */
export function pageHeaders(frameAncestors: string): RequestHandler {
  const csp = portalCsp(frameAncestors);
  return (_req, res, next) => {
    res.setHeader('Content-Security-Policy', csp);
    // The portal's token lives in the fragment, which browsers never send; no referrer leaves either.
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    next();
  };
}

/** The first built portal folder among the usual places, relative to the running API. */
export function findPortalDir(apiDir: string): string | null {
  const candidates = [join(apiDir, '..', '..', 'portal', 'dist'), join(apiDir, '..', '..', '..', 'portal', 'dist')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/** Serves the built portal under `/portal/` with its CSP; a clear 503 page when it was not built. */
export function portalPage(options: PortalOptions): Router {
  const router = express.Router();
  router.use(pageHeaders(options.frameAncestors));
  const dir = options.dir;
  if (!dir) {
    router.use((_req, res) => {
      res
        .status(503)
        .type('text/plain')
        .send('The portal was not built: run "pnpm build" (or npm start), then reload.\n');
    });
    return router;
  }
  // File names under assets/ carry a content hash: they never change.
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), {
      index: false,
      setHeaders: (res) => res.setHeader('Cache-Control', 'public, max-age=31536000, immutable'),
    }),
  );
  router.use(express.static(dir, { index: 'index.html', cacheControl: false, redirect: true }));
  return router;
}
