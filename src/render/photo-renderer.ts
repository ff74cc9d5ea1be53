/**
 * The CPU photo renderer: the photo warped by its moving mesh, the expression's detail laid on
 * the face as shading (render/detail.ts, when a detail layer is given), the eyes drawn as
 * eyeballs under their lids (render/eyes.ts), and the mouth interior
 * painted where the lips part. The page's WebGL renderer draws the same (render/geometry.ts).
 */
import type { ExpressionRig } from '../core/rig.ts';
import type { FrameState } from '../motion/animator.ts';
import { paintEyes, paintMouth, type RgbaImage, warpTriangles } from './cpu-warp.ts';
import { compositeDetail, type DetailLayer, type DetailMap, shadingFactors } from './detail.ts';
import { type EyeTarget, eyeTargets, readEyes } from './eyes.ts';
import { buildWarpGeometry, mouthGaps, mouthOpenness, targetPositions, type WarpGeometry } from './geometry.ts';
import { estimateSkin, type MouthSource } from './mouth-interior.ts';
import { type ApexNeutraliser, type FacePoser, photoPoser } from './pose.ts';
import type { FaceRenderer } from './types.ts';

export interface PhotoInput {
  image: RgbaImage;
  mesh: ArrayLike<number>;
}

export interface PhotoRendererOptions {
  /**
   * Takes the photo's own expression out of its canonical-frame face before animating (the
   * learned expression space's neutraliseFace), so code 0 is this face at rest.
   */
  neutralise?: (canonical: Float64Array) => Float64Array;
  /**
   * The face expressions are drawn on, when it is not the face at rest (a learned removal floor:
   * models/expression-gan.ts createApexNeutral): the face moves towards it as the frame's code
   * shows an expression.
   */
  apexNeutral?: ApexNeutraliser;
  /**
   * The expression code the photo shows, handed to the detail layer's fromRest so that detail
   * is drawn relative to the photo's own.
   */
  photoExpression?: (canonical: Float64Array) => Float64Array;
  /** Expression detail (wrinkles, folds, shading) laid on the face; none when absent. */
  detail?: DetailLayer;
  /**
   * The learned mouth interior (models/mouth-interior/: its table for each frame, blended by
   * the frame's emotions), times the photo's skin colour (read once from its cheeks); the
   * procedural interior of geometry.ts when absent.
   */
  mouth?: MouthSource;
  /**
   * The eyes as rigid eyeballs under the moving lids (render/eyes.ts), the default; false: the
   * eye openings stretched by the warp like the rest of the face.
   */
  eyes?: boolean;
}

/**
 * The photo's skin colour for the learned interior, estimated from the source pixels (RGBA) and
 * mesh; undefined (procedural interior) without a mouth source or a readable skin patch.
 */
export function mouthSkinFor(mouth: MouthSource | undefined, image: { data: ArrayLike<number>; width: number; height: number }, mesh: ArrayLike<number>): [number, number, number] | undefined {
  return mouth ? estimateSkin({ ...image, channels: 4 }, mesh) : undefined;
}

/**
 * What tells the detail layer what the photo already shows, given the photo's fitted face
 * (photoPoser's `seen`; both photo renderers use it); undefined when there is nothing to tell.
 */
export function restDetail(options: PhotoRendererOptions): ((canonical: Float64Array) => void) | undefined {
  const { detail, photoExpression } = options;
  if (!detail?.fromRest || !photoExpression) return undefined;
  return (canonical) => detail.fromRest!(photoExpression(canonical));
}

export function createPhotoRenderer(photo: PhotoInput, rig: ExpressionRig, options: PhotoRendererOptions = {}): FaceRenderer & { readonly geometry: WarpGeometry; readonly poser: FacePoser } {
  const { width, height } = photo.image;
  const geometry = buildWarpGeometry(photo.mesh, width, height);
  const poser = photoPoser(rig, photo.mesh, options.neutralise, restDetail(options), options.apexNeutral);
  const target = new Float32Array(geometry.vertexCount * 2);
  const gaps = new Float32Array(geometry.vertexCount);
  const base = photo.image;
  const detail = options.detail;
  const mouth = options.mouth, skin = mouthSkinFor(mouth, photo.image, photo.mesh);
  let factors = new Float32Array(0);
  let factorsOf: DetailMap | null = null, factorsVersion: number | undefined;
  const scratch = detail ? new Float32Array(width * height) : new Float32Array(0);
  const eyes = options.eyes === false ? undefined : readEyes(photo.image, photo.mesh);
  let eyesNow: (EyeTarget | undefined)[] | undefined;

  return {
    width, height, geometry, poser,
    render(frame: FrameState, out = new Uint8ClampedArray(width * height * 4)): Uint8ClampedArray {
      const mesh = poser.imageFor(frame);
      targetPositions(geometry, mesh, target);
      out.set(base.data);
      const dst = { data: out, width, height };
      warpTriangles(base, dst, geometry.source, target, geometry.triangles);
      // The mouth opening is warped too (the photo's own lip line, stretched), then painted over.
      warpTriangles(base, dst, geometry.source, target, geometry.mouthTriangles);
      const map = detail?.detailFor(frame);
      if (map) {
        if (factors.length !== map.size * map.size) { factors = new Float32Array(map.size * map.size); factorsOf = null; }
        if (map !== factorsOf || map.version === undefined || map.version !== factorsVersion) {
          shadingFactors(map, factors);
          factorsOf = map;
          factorsVersion = map.version;
        }
        compositeDetail(dst, target, factors, map.size, scratch);
      }
      if (eyes) {
        eyesNow = eyeTargets(target, 2, eyesNow);
        paintEyes(base, dst, target, eyes, eyesNow);
      }
      const open = mouthOpenness(geometry, target);
      if (open > 0) {
        const mw = mouthGaps(target, gaps);
        paintMouth(dst, geometry, target, gaps, mw, open, mouth && skin ? { table: mouth.tableFor(frame), skin } : undefined);
      }
      return out;
    },
    dispose() {},
  };
}
