import { rfc3339 } from '@wrenn/events';
import { PROVIDER_NAMES, providerForms, providers } from '@wrenn/providers';
import type { Request } from 'express';
import type { ApiDeps } from '../deps';
import { errorResponse, USER_ROUTE_ERRORS } from '../http/error-response';
import type { RouteRegistry } from '../http/route';
import { listeningOrigin } from './listening-origin';
import { PortalSession, PortalSessionBody, ProviderList } from './portal-schemas';
import { signPortalToken } from './portal-token';

/** The provider form descriptions never change while the process runs. */
const PROVIDER_LIST: ProviderList = {
  items: PROVIDER_NAMES.map((name) => {
    const form = providerForms[name];
    return {
      name,
      label: form.label,
      message_styles: [...providers[name].messageStyles],
      fields: form.fields.map((field) => ({ ...field })),
    };
  }),
};

/**
 * Where the portal lives for the browser: `WRENN_PORTAL_PUBLIC_URL`, else the
 * address this request reached the API on (its socket's, never the `Host`
 * header, which whoever sends or forwards the request chooses: a rewritten
 * one would hand the token to another origin).
 */
function portalBase(deps: ApiDeps, req: Request): string {
  const configured = deps.portal?.publicUrl;
  if (configured) return configured.replace(/\/+$/, '');
  return `${listeningOrigin(req.socket)}/portal`;
}

/** `GET /v1/providers` and `POST /internal/v1/portal-sessions`. */
export function registerPortalRoutes(registry: RouteRegistry, deps: ApiDeps): void {
  registry.add({
    method: 'get',
    path: '/v1/providers',
    summary: 'Describe every provider’s config fields (what the portal builds its forms from)',
    tag: 'portal',
    auth: 'user',
    responses: {
      200: {
        description:
          'Every provider, its label and its config fields with label, placeholder, help and where to find it',
        schema: ProviderList,
      },
      ...USER_ROUTE_ERRORS,
    },
    async handler({ res }) {
      res.json(PROVIDER_LIST);
    },
  });

  registry.add({
    method: 'post',
    path: '/internal/v1/portal-sessions',
    summary: 'Open a portal session for a team member: a link with a one-hour token in its fragment',
    tag: 'portal',
    auth: 'internal',
    body: PortalSessionBody,
    responses: {
      201: {
        description:
          'The portal link. Its `#token=` fragment is a JWT with `"typ":"portal"`, valid one hour, accepted by `/v1/*` for that team only.',
        schema: PortalSession,
      },
      400: errorResponse('Invalid `team_id`, `user_id`, `role` or `user_name` (`invalid_request`)'),
      401: errorResponse('Missing or wrong internal token (`unauthorized`)'),
      415: errorResponse('The body is not `application/json` (`unsupported_media_type`)'),
    },
    async handler({ body, req, res }) {
      const { token, expiresAt } = await signPortalToken(deps.jwtSecret, {
        teamId: body.team_id,
        userId: body.user_id,
        role: body.role,
        userName: body.user_name,
      });
      const session: PortalSession = {
        url: `${portalBase(deps, req)}/#token=${token}`,
        expires_at: rfc3339(expiresAt),
      };
      res.status(201).json(session);
    },
  });
}
