export {
  type Client,
  type ClientOptions,
  type Consent,
  createClient,
  type LinkResolution,
  type Picks,
  type RecommendOptions,
  type TrackInput,
} from './core.js';
export {
  EdgepickError,
  HTTPError,
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
export { defineElements } from './widgets/element.js';
export { mountRecommendations, type WidgetHandle, type WidgetOptions } from './widgets/mount.js';
