// The ESM entry (`import … from 'edgepick'`): the headless client, the widgets and the errors.
export {
  type Channel,
  type Client,
  type ClientOptions,
  type Consent,
  createClient,
  type LinkResolution,
  type MiniProgramApi,
  type Picks,
  type RecommendOptions,
  type TrackInput,
} from './core.js';
export {
  EdgepickError,
  HTTPError,
  type Issue,
  isEdgepickError,
  isHTTPError,
  isNetworkError,
  isTimeoutError,
  isValidationError,
  NetworkError,
  TimeoutError,
  ValidationError,
} from './errors.js';
export { type KeyValueStorage, memoryStorage } from './storage.js';
export type { Transport, TransportRequest } from './transport.js';
export { defineElements, type ElementDefaults } from './widgets/element.js';
export { mountRecommendations, type WidgetHandle, type WidgetOptions } from './widgets/mount.js';
export type { Locale, Placement, Texts } from './widgets/texts.js';
