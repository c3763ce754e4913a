// The contract's public surface, listed name by name (no `export *`): what the worker, the SDK (types
// only) and the trainer may rely on. Each name is documented where it is defined.

export {
  CATALOG_BATCH_MAX,
  Catalog,
  CatalogItem,
  CatalogUpsertRequest,
  CatalogUpsertResponse,
  LiveCatalogBucket,
  LiveCatalogMeta,
  SiteConfig,
} from './catalog.js';
export { ERROR_CODES, ErrorBody, type ErrorCode, Issue, toIssues } from './errors.js';
export {
  Channel,
  DEFAULT_EVENT_WEIGHTS,
  EVENTS_MAX_BATCH,
  Event,
  EventsBatch,
  EventsResponse,
  EventType,
  TrainingEvent,
} from './events.js';
export { hasLoneSurrogate, Identifier, SafeText, SITE_ID_PATTERN, SiteId, Slug } from './ids.js';
export {
  Boost,
  DEFAULT_EXPLORE,
  Explore,
  ItemCondition,
  MERCH_LIMITS,
  MerchFilter,
  Pin,
  PlacementRules,
  PlacementRulesResponse,
  Rotation,
} from './merchandising.js';
export {
  ActivePointer,
  AncillarySection,
  AncillarySectionName,
  CatalogManifest,
  DEFAULT_CHUNK_SIZE,
  Dtype,
  KV_VALUE_LIMIT,
  kvKeys,
  PACK_FORMAT,
  PACK_FORMAT_VERSION,
  PackManifest,
  PackSection,
  SectionName,
  VersionHistory,
} from './pack-manifest.js';
export {
  EXCLUDE_MAX,
  ItemFilter,
  K_MAX,
  ListQuery,
  ListRequest,
  RECENT_MAX,
  Reason,
  ReasonType,
  RecentInteraction,
  RecommendationSource,
  RecommendationsQuery,
  RecommendationsRequest,
  RecommendationsResponse,
  RecommendedItem,
} from './recommendations.js';
export { ReferralLevel, ReferralsResponse, SharerReferrals } from './referrals.js';
export {
  Action,
  CompiledLink,
  Condition,
  HostName,
  HttpsUrl,
  LinkDefinition,
  LinkPointer,
  linkKey,
  linkUrls,
  linkVersionKey,
  OsName,
  ROUTING_LIMITS,
  Rule,
  SameOriginPath,
  Target,
  WechatShortLink,
} from './routing.js';
export { DiffQuery, RollbackRequest, SimulateRequest, StatsQuery } from './routing-admin.js';
export { LinkResolution, Plan, PublicEnv, SimulateResponse, SkippedRule, WarningCode } from './routing-decision.js';
export {
  CreateKeyRequest,
  CreateSiteRequest,
  CreateSiteResponse,
  KeyInfo,
  KeyRole,
  NewKey,
  PatchSiteRequest,
  SiteInfo,
  TokenGrant,
} from './sites.js';
