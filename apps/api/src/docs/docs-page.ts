import { join } from 'node:path';
import express, { type Router } from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import { pageHeaders } from '../portal/portal-page';

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Wrenn Channels API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

// No validator badge: it would load an image from validator.swagger.io.
const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true, validatorUrl: null });`;

/**
 * The files of swagger-ui-dist our page loads, and nothing else: the package
 * also ships a stock `index.html` and `swagger-initializer.js` that render the
 * petstore example from the internet, and an OAuth redirect page we do not use.
 */
const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js']);

/**
 * `/docs`: Swagger UI served from the installed package (no CDN), rendering
 * /openapi.json, with the portal's page headers: a CSP allowing only this
 * origin and `frame-ancestors 'self'`.
 */
export function docsPage(): Router {
  const router = express.Router();
  const dir = getAbsoluteFSPath();
  router.use(pageHeaders("'self'"));
  router.get('/', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/init.js', (_req, res) => {
    res.type('application/javascript').send(INIT);
  });
  router.get('/assets/:file', (req, res, next) => {
    const file = req.params.file;
    if (!ASSETS.has(file)) return next();
    res.sendFile(join(dir, file), { maxAge: '1h' });
  });
  return router;
}
