/**
 * The in-memory result of training: what the pack writer serialises and what evaluation scores.
 * Factor matrices are row-major Float32Arrays (row i = item/user i, `factors` columns).
 */
export interface AlsParams {
  /** Latent dimensions. @default 64 */
  factors: number;
  /** ALS sweeps (users then items). @default 15 */
  iterations: number;
  /** L2 regularisation λ added to the diagonal. */
  regularization: number;
  /** Confidence slope: c = 1 + alpha · weight (Hu, Koren & Volinsky 2008). */
  alpha: number;
  /** PRNG seed for the initial factors; same seed + same input → same factors. */
  seed: number;
  /** Conjugate-gradient steps per solve (implicit's default is 3). */
  cgSteps: number;
  /** Interaction weight per event type, used when a row names an event and no weight. */
  eventWeights: Record<string, number>;
}

export interface TrainedModel {
  params: AlsParams;
  factors: number;
  itemIds: string[];
  /** nItems × factors, row-major. */
  itemFactors: Float32Array;
  userIds: string[];
  /** nUsers × factors, row-major. */
  userFactors: Float32Array;
  /** Per item: summed interaction weight in the training data (drives the popular fallback). */
  itemPopularity: Float32Array;
  /** Number of (user, item) pairs after merging duplicates. */
  interactions: number;
  /** Optional training/validation metrics recorded into the pack manifest. */
  metrics?: Record<string, number>;
}

export { DEFAULT_EVENT_WEIGHTS } from '../schema/events.js';
