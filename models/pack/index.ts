export { decodePack, encodePack, fileToParts, PACK_MAGIC, packToFile } from './file.js';
export { gramMatrix } from './gram.js';
export { openPack, type Pack, PackReadError } from './reader.js';
export { choleskySolve, foldIn, type Weighted } from './serve/fold-in.js';
export { dotScores, exclusion, type Pick, popularItems, scoreUser, similarItems } from './serve/score.js';
export { topK } from './serve/top-k.js';
export { buildPack, type EncodeOptions, type PackInput, PackWriteError, splitChunks } from './writer.js';
