import type { FrameState } from '../motion/animator.ts';

/** A face renderer: frames in, RGBA pixels out. Backends: photo warp (CPU), EmoteBot character. */
export interface FaceRenderer {
  readonly width: number;
  readonly height: number;
  /** Renders the frame into `out` (allocated when omitted) and returns it: width x height RGBA. */
  render(frame: FrameState, out?: Uint8ClampedArray): Uint8ClampedArray;
  dispose(): void;
}
