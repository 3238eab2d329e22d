// A module resolve hook that adds the `laurel-source` export condition, under which the workspace's
// @laurel/openbadges resolves to its TypeScript sources rather than its build (see
// packages/openbadges/README.md). For threads and processes started without --conditions.
export function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, 'laurel-source'] });
}
