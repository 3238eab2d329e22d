/** Factory for tests of any feature: a badge template (active by default, designer image). */
import type { Org } from '../orgs/service.ts';
import { parseDesign } from './designer.ts';
import { type Template, type TemplateWriter, createTemplate } from './service.ts';
import type { TemplateInput } from './policy.ts';

export async function makeTemplate(
  ctx: TemplateWriter,
  org: Pick<Org, 'id'> | string,
  overrides: Partial<TemplateInput> = {},
): Promise<Template> {
  const orgId = typeof org === 'string' ? org : org.id;
  const name = overrides.name ?? 'Safety Training';
  return createTemplate(
    ctx,
    orgId,
    {
      description: 'Completed the annual safety training.',
      criteriaNarrative: 'Attend the full course and pass the final quiz.',
      tags: ['safety'],
      status: 'active',
      ...overrides,
      name,
    },
    { design: parseDesign({ shape: 'circle', icon: 'star', title: name }) },
  );
}
