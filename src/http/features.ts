// Every feature of the platform, registered in this order, each in its own scope.
// One line per feature.
import type { Feature } from './context.ts';

export const features: Feature[] = [];
