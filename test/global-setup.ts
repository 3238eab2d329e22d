import type { TestProject } from 'vitest/node';
import { type Cluster, startCluster } from './pg-cluster.ts';

let cluster: Cluster | undefined;

export async function setup(project: TestProject) {
  cluster = await startCluster();
  project.provide('pgUrl', cluster.url);
}

export async function teardown() {
  cluster?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}
