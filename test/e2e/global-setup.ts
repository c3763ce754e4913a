import type { TestProject } from 'vitest/node';
import { startDemoServer } from './demo-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    demoUrl: string;
    demoDir: string;
  }
}

/** One demo pipeline + wrangler dev for all e2e and browser tests. */
export default async function setup(project: TestProject) {
  const server = await startDemoServer();
  project.provide('demoUrl', server.url);
  project.provide('demoDir', server.dir);
  return () => server.stop();
}
