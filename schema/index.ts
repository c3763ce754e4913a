export * from './catalog.js';
export * from './errors.js';
export * from './events.js';
export * from './pack-manifest.js';
export * from './recommendations.js';
export * from './routing.js';
