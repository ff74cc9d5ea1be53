/**
 * The data pipeline's public API for training code: typed readers of datasets and sequences, and
 * the alignment maths (so a model's output can be mapped back onto a photo).
 */
export { readDataFile, readDataset, readSequences } from './files.ts';
export { decodeDataset, decodeSequences, MESH_STEP_CM, MESH_VALUES, SIMILARITY_VALUES, FRAME_REASONS, TEXTURE_TEXELS } from './format.ts';
export type { Clip, ClipInfo, DatasetHeader, FaceDataset, Sequences, SequencesHeader } from './format.ts';
export { DataFileError } from './container.ts';
export { alignMesh, headPoseFromRotation, mirrorAligned, MIRROR_INDEX, NORMALISATION, rotationFromHeadPose } from './align.ts';
export type { Alignment, HeadPose } from './align.ts';
export { REJECT_REASONS } from './judge.ts';
