import { isId } from '@wrenn/events';
import { MESSAGE_STYLES } from '@wrenn/providers';
import { z } from 'zod';

export const PortalSessionBody = z.strictObject(
  {
    team_id: z
      .string({ error: 'is required and must be a team id (team-…)' })
      .refine((v) => isId('team', v), 'must be a team id (team- followed by 25 base-36 characters)'),
    user_id: z
      .string({ error: 'is required and must be a user id (usr-…)' })
      .refine((v) => isId('user', v), 'must be a user id (usr- followed by 25 base-36 characters)'),
    role: z.enum(['owner', 'admin', 'member'], { error: 'must be owner, admin or member' }),
    user_name: z
      .string({ error: 'must be a string (the name shown as the actor of audit entries)' })
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .refine((v) => !/\p{Cs}/u.test(v), 'must be well-formed Unicode (no unpaired surrogate)')
      .optional()
      .meta({ description: 'Shown as `actor_name` of the audit entries the portal causes (e.g. "Ada").' }),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : 'must be an object',
  },
);

export const PortalSession = z.object({
  url: z.string().meta({ description: 'The portal address with the token in its fragment (`#token=…`).' }),
  expires_at: z.string().meta({ description: 'When the token expires (RFC 3339), one hour from now.' }),
});

export const ProviderFormField = z.object({
  key: z.string().meta({ description: 'The config key.' }),
  label: z.string().meta({ description: 'The form label.' }),
  required: z.boolean(),
  secret: z.boolean().meta({ description: 'A credential: typed into a password field, never shown again.' }),
  placeholder: z.string(),
  help: z.string().meta({ description: 'One line about the value.' }),
  where: z.string().meta({ description: 'Where to find the value, step by step.' }),
  form: z.string().optional().meta({
    description:
      'For a provider whose config comes in alternative forms (Slack: "Incoming webhook" or "Slack app"): the form this field belongs to. Fill in every field of one form and none of another.',
  }),
});

export const ProviderDescription = z.object({
  name: z.string().meta({ description: 'The provider name used in `provider`.' }),
  label: z.string(),
  message_styles: z.array(z.enum(MESSAGE_STYLES)).meta({
    description: 'The message styles the provider supports (`resource`: one message per resource, kept up to date).',
  }),
  fields: z.array(ProviderFormField),
});

export const ProviderList = z.object({ items: z.array(ProviderDescription) });
export type ProviderList = z.infer<typeof ProviderList>;
export type PortalSession = z.infer<typeof PortalSession>;
