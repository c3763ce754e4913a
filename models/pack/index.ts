export { decodePack, encodePack, fileToParts, PACK_MAGIC, packToFile } from './file.js';
export { openPack, type Pack, PackReadError } from './reader.js';
export { topK } from './top-k.js';
export { buildPack, type EncodeOptions, gramMatrix, type PackInput, PackWriteError, splitChunks } from './writer.js';
