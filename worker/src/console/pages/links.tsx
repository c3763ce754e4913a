import { Hono } from 'hono';
import type { ConsoleEnv } from '../context.js';

/** `/console/sites/:site/links…` — the marketer's pages (list, create, edit rules, simulate, publish, versions, results). */
export const linksPages = new Hono<ConsoleEnv>();
