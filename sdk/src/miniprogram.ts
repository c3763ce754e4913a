// The CommonJS entry for mini-programs (dist/miniprogram/edgepick.js): the headless client and its
// errors, nothing that needs a DOM. WeChat, Baidu and Douyin load it with `require('./libs/edgepick.js')`.
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
