/**
 * The WebGL2 photo renderer of the page: the same warp geometry, poser, detail layer and mouth
 * rule as the CPU renderer (photo-renderer.ts), drawn by the GPU (or SwiftShader). Per frame:
 * the still photo; the moving face, its skin multiplied by the expression's detail factors
 * (render/detail.ts, sampled from a small float texture in the canonical UV layout); the band
 * to the fixed ring and the mouth opening warped from the photo's own pixels; each eye's opening
 * drawn again as a rigid eyeball under the moving lids (render/eyes.ts, the photo's eyes read
 * once from its pixels; unless `eyes: false`); then the mouth interior blended over the opening
 * as it parts.
 *
 * Coordinates: vertex positions are photo pixels (x right, y down); the photo fills the canvas.
 */
import type { ExpressionRig } from '../core/rig.ts';
import type { FrameState } from '../motion/animator.ts';
import { CANONICAL_UVS, FACE_OVAL, LANDMARK_COUNT } from '../core/topology.ts';
import { DETAIL_TRIANGLES, shadingFactors } from './detail.ts';
import { EYE_OPENING_TRIANGLES, type EyeAxes, type EyeSource, type EyeTarget, eyeTargets, LID_BAND, readEyes, TABLE_N } from './eyes.ts';
import { buildWarpGeometry, MOUTH_EDGE_FEATHER, MOUTH_EDGE_MIN_PIXELS, mouthGaps, mouthOpenness, targetPositions, type WarpGeometry } from './geometry.ts';
import { binPosition, chromaWeight, estimateSkin, type MouthInterior, type MouthTable, tableTexels } from './mouth-interior.ts';
import { type PhotoRendererOptions, restDetail } from './photo-renderer.ts';
import { type FacePoser, photoPoser } from './pose.ts';

export interface WebGlPhotoInput {
  /** The square crop around the face (see face/crop.ts). */
  image: TexImageSource;
  width: number;
  height: number;
  /** 468 x (x, y, z) in the image's pixels. */
  mesh: ArrayLike<number>;
  /**
   * The photo's skin colour (RGB 0..255, mouth-interior.ts estimateSkin), for the learned mouth
   * interior; read from `image` when absent (ImageData directly, anything else through a 2D canvas).
   */
  skin?: readonly [number, number, number];
}

/** An RGBA raster of the photo (row-major, 4 bytes per pixel). */
interface PhotoPixels { data: Uint8ClampedArray; width: number; height: number }

/**
 * The photo's pixels, for what is read from them once (the skin, the eyes): ImageData
 * directly, anything else drawn into a 2D OffscreenCanvas; undefined when they cannot be read.
 */
function pixelsOf(photo: WebGlPhotoInput): PhotoPixels | undefined {
  const img = photo.image;
  if (typeof ImageData !== 'undefined' && img instanceof ImageData) return { data: img.data, width: img.width, height: img.height };
  if (typeof OffscreenCanvas === 'undefined') return undefined;
  try {
    const c = new OffscreenCanvas(photo.width, photo.height);
    const ctx = c.getContext('2d');
    if (!ctx) return undefined;
    ctx.drawImage(img as CanvasImageSource, 0, 0, photo.width, photo.height);
    return { data: ctx.getImageData(0, 0, photo.width, photo.height).data, width: photo.width, height: photo.height };
  } catch {
    // A canvas the page may not read (a cross-origin image): nothing is read from the pixels.
    return undefined;
  }
}

/** The skin colour of the photo for the learned interior: given, or read from its pixels. */
function skinOf(photo: WebGlPhotoInput, pixels: () => PhotoPixels | undefined): [number, number, number] | undefined {
  if (photo.skin) return [photo.skin[0], photo.skin[1], photo.skin[2]];
  const px = pixels();
  return px ? estimateSkin({ ...px, channels: 4 }, photo.mesh) : undefined;
}

export interface WebGlPhotoRenderer {
  readonly geometry: WarpGeometry;
  readonly poser: FacePoser;
  /** Draws the frame into the context's canvas (its whole drawing buffer). */
  render(frame: FrameState): void;
  /** Frees the GPU objects; the context itself belongs to the caller. */
  dispose(): void;
}

const VERTEX = `#version 300 es
uniform vec2 u_size;
in vec2 a_dst;
in vec2 a_src;
in float a_side;
in float a_gap;
in vec2 a_tex;
in float a_mu;
out vec2 v_uv;
out vec2 v_tex;
out float v_side;
out float v_gap;
out float v_mu;
out vec2 v_dst;
void main() {
  v_uv = a_src / u_size;
  v_dst = a_dst;
  v_tex = a_tex;
  v_mu = a_mu;
  v_side = a_side;
  v_gap = a_gap;
  vec2 p = a_dst / u_size * 2.0 - 1.0;
  gl_Position = vec4(p.x, -p.y, 0.0, 1.0);
}`;

const PHOTO_FRAGMENT = `#version 300 es
precision highp float;
uniform sampler2D u_photo;
uniform sampler2D u_detail;
uniform float u_detailOn;
in vec2 v_uv;
in vec2 v_tex;
in float v_side;
in float v_gap;
in float v_mu;
out vec4 colour;
void main() {
  float f = u_detailOn > 0.5 ? texture(u_detail, v_tex).r : 1.0;
  colour = vec4(texture(u_photo, v_uv).rgb * f, 1.0);
}`;

/** A number as a GLSL float literal. */
const glFloat = (x: number): string => (Number.isInteger(x) ? x.toFixed(1) : String(x));

/**
 * geometry.ts mouthInteriorColour, mouthEdgeCoverage and cpu-warp.ts paintMouth, per fragment; with u_learned, the
 * learned table (mouth-interior.ts lookupMouth: a cols x (rows x bins) float texture, bilinear
 * inside a bin with its edges clamped, the two bins of this frame's openness mixed) times the skin.
 */
const MOUTH_FRAGMENT = `#version 300 es
precision highp float;
uniform float u_invWidth;
uniform float u_open;
uniform float u_learned;
uniform sampler2D u_table;
uniform vec3 u_grid;
uniform vec3 u_bins;
uniform vec3 u_skin;
uniform float u_chroma;
in vec2 v_uv;
in vec2 v_tex;
in float v_side;
in float v_gap;
in float v_mu;
out vec4 colour;
vec3 tableAt(float bin, float u, float v) {
  float x = clamp(u * u_grid.x, 0.5, u_grid.x - 0.5) / u_grid.x;
  float y = (clamp(v * u_grid.y, 0.5, u_grid.y - 0.5) + bin * u_grid.y) / (u_grid.y * u_grid.z);
  return texture(u_table, vec2(x, y)).rgb;
}
vec3 interior(float down, float up) {
  float gap = down + up;
  float wide = clamp((gap - 0.08) / 0.08, 0.0, 1.0);
  float upperTeeth = min(0.06, 0.4 * gap);
  float lowerTeeth = min(0.035, 0.2 * gap) * wide * wide * (3.0 - 2.0 * wide);
  float light = 0.45 + 0.4 * min(gap / 0.18, 1.0);
  if (down < upperTeeth) {
    float s = light * (0.75 + 0.25 * sin((down / upperTeeth) * 3.14159265));
    return vec3(225.0, 214.0, 192.0) * s;
  }
  if (up < lowerTeeth) {
    float s = light * (0.55 + 0.2 * (up / lowerTeeth));
    return vec3(210.0, 200.0, 185.0) * s;
  }
  float depth = min(down / (gap + 1e-6), 1.0);
  return vec3(30.0 + 60.0 * depth * depth, 10.0 + 14.0 * depth * depth, 12.0 + 14.0 * depth * depth);
}
void main() {
  float s = v_side, g = v_gap;
  vec3 rgb;
  if (u_learned > 0.5) {
    vec3 t = mix(tableAt(u_bins.x, v_mu, s), tableAt(u_bins.y, v_mu, s), u_bins.z);
    float y = dot(t, vec3(0.299, 0.587, 0.114));
    rgb = min((vec3(y) + (t - vec3(y)) * u_chroma) * u_skin, vec3(255.0)) / 255.0;
  } else {
    rgb = interior(s * g * u_invWidth, (1.0 - s) * g * u_invWidth) / 255.0;
  }
  float feather = max(${glFloat(MOUTH_EDGE_MIN_PIXELS)}, ${glFloat(MOUTH_EDGE_FEATHER)} / u_invWidth);
  float edge = clamp(min(s, 1.0 - s) * g / feather, 0.0, 1.0);
  colour = vec4(rgb, u_open * edge * edge * (3.0 - 2.0 * edge));
}`;

/**
 * eyes.ts eyePixel and cpu-warp.ts paintEyes, per fragment: the eye's opening drawn again, the
 * eyeball rigid under the moving lids. v_dst is the fragment's centre in the output (photo
 * pixels); u_src* / u_dst* are the photo's and the frame's eye frames (origin, axes, unit in
 * pixels) and lid tables. Outside the frame's opening (eyePixel false) the plain warp pixel.
 */
const EYE_FRAGMENT = `#version 300 es
precision highp float;
precision highp int;
const int TABLE_N = ${TABLE_N};
const float LID_BAND = ${glFloat(LID_BAND)};
uniform vec2 u_size;
uniform sampler2D u_photo;
uniform vec2 u_srcO;
uniform vec2 u_srcE1;
uniform vec2 u_srcE2;
uniform float u_srcW;
uniform vec2 u_dstO;
uniform vec2 u_dstE1;
uniform vec2 u_dstE2;
uniform float u_dstW;
uniform float u_srcTop[TABLE_N];
uniform float u_srcBottom[TABLE_N];
uniform float u_dstTop[TABLE_N];
uniform float u_dstBottom[TABLE_N];
uniform vec3 u_iris;
uniform vec3 u_sclera;
uniform float u_scleraWeight;
in vec2 v_uv;
in vec2 v_tex;
in float v_side;
in float v_gap;
in float v_mu;
in vec2 v_dst;
out vec4 colour;
float tableAt(float t[TABLE_N], float u) {
  float s = clamp(u, 0.0, 1.0) * float(TABLE_N - 1);
  int i = min(int(floor(s)), TABLE_N - 2);
  float f = s - float(i);
  return t[i] + (t[i + 1] - t[i]) * f;
}
void main() {
  colour = vec4(texture(u_photo, v_uv).rgb, 1.0);
  vec2 d = v_dst - u_dstO;
  float u = dot(d, u_dstE1) / u_dstW, v = dot(d, u_dstE2) / u_dstW;
  if (u < 0.0 || u > 1.0) return;
  float T = tableAt(u_dstTop, u), B = tableAt(u_dstBottom, u);
  if (v < T || v > B) return;
  float t = tableAt(u_srcTop, u), b = tableAt(u_srcBottom, u);
  float h = max(0.0, min(LID_BAND, (b - t) / 3.0));
  float k = h > 0.0 ? min(1.0, max(0.0, B - T) / (2.0 * h)) : 1.0;
  float sv, mul = 1.0;
  vec3 add = vec3(0.0);
  if (v < T + k * h) {
    sv = t + (k > 0.0 ? (v - T) / k : 0.0);
  } else if (v > B - k * h) {
    sv = b - (k > 0.0 ? (B - v) / k : 0.0);
  } else {
    float px = 1.0 / max(u_dstW, 1e-6);
    float lo = t + h, ev = v - max(0.0, B - k * h - (b - h));
    sv = max(ev, lo);
    float w = clamp((lo - ev) / px, 0.0, 1.0);
    if (w > 0.0) {
      float ii = clamp((u_iris.z - length(vec2(u - u_iris.x, ev - u_iris.y))) / px + 0.5, 0.0, 1.0);
      float below = max(0.0, v - (T + k * h));
      float strip = clamp(((lo - (T + k * h)) / px - 1.5) / 3.0, 0.0, 1.0);
      float s = strip * u_scleraWeight * (1.0 - ii) * (1.0 - 0.5 * exp(-below / 0.05));
      float shade = 1.0 - 0.3 * strip * exp(-below / 0.04);
      mul = 1.0 - w + w * (1.0 - s) * shade;
      add = w * s * shade * u_sclera;
    }
  }
  vec2 sp = u_srcO + u_srcW * (u * u_srcE1 + sv * u_srcE2);
  colour = vec4(texture(u_photo, sp / u_size).rgb * mul + add / 255.0, 1.0);
}`;

function compile(gl: WebGL2RenderingContext, type: number, src: string): WebGLShader {
  const sh = gl.createShader(type);
  if (!sh) throw new Error('WebGL could not create a shader');
  gl.shaderSource(sh, src);
  gl.compileShader(sh);
  if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS) && !gl.isContextLost()) {
    const log = gl.getShaderInfoLog(sh);
    gl.deleteShader(sh);
    throw new Error(`WebGL shader failed to compile: ${log ?? ''}`);
  }
  return sh;
}

/** A program's uniform locations by name. */
function uniforms<const N extends string>(gl: WebGL2RenderingContext, p: WebGLProgram, names: readonly N[]): Record<N, WebGLUniformLocation | null> {
  return Object.fromEntries(names.map((n) => [n, gl.getUniformLocation(p, n)])) as Record<N, WebGLUniformLocation | null>;
}

/** A new 2D texture, bound, sampled bilinearly with its edges clamped (as the CPU renderer samples). */
function linearTexture(gl: WebGL2RenderingContext): WebGLTexture {
  const t = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  return t;
}

function program(gl: WebGL2RenderingContext, fragment: string): WebGLProgram {
  const p = gl.createProgram();
  const vs = compile(gl, gl.VERTEX_SHADER, VERTEX), fs = compile(gl, gl.FRAGMENT_SHADER, fragment);
  gl.attachShader(p, vs);
  gl.attachShader(p, fs);
  // One attribute layout for every program, so one vertex array serves every pass.
  ['a_dst', 'a_src', 'a_side', 'a_gap', 'a_tex', 'a_mu'].forEach((name, i) => gl.bindAttribLocation(p, i, name));
  gl.linkProgram(p);
  gl.deleteShader(vs);
  gl.deleteShader(fs);
  if (!gl.getProgramParameter(p, gl.LINK_STATUS) && !gl.isContextLost()) {
    const log = gl.getProgramInfoLog(p);
    gl.deleteProgram(p);
    throw new Error(`WebGL program failed to link: ${log ?? ''}`);
  }
  return p;
}

export function createWebGlPhotoRenderer(gl: WebGL2RenderingContext, photo: WebGlPhotoInput, rig: ExpressionRig, options: PhotoRendererOptions = {}): WebGlPhotoRenderer {
  const { width, height } = photo;
  const geometry = buildWarpGeometry(photo.mesh, width, height);
  const poser = photoPoser(rig, photo.mesh, options.neutralise, restDetail(options), options.apexNeutral);
  const n = geometry.vertexCount;
  // Four extra vertices: the photo's corners, for the still background.
  const corners = n;
  const total = n + 4;

  const src = new Float32Array(total * 2);
  src.set(geometry.source);
  src.set([0, 0, width, 0, 0, height, width, height], corners * 2);
  const dst = new Float32Array(total * 2);
  dst.set(src.subarray(corners * 2), corners * 2);
  const side = new Float32Array(total);
  side.set(geometry.mouthSide);
  const mu = new Float32Array(total);
  mu.set(geometry.mouthU);
  const gaps = new Float32Array(total);
  const target = new Float32Array(n * 2);
  // Canonical UVs for the detail texture; a ring point takes its face-oval point's.
  const uv = new Float32Array(total * 2);
  uv.set(CANONICAL_UVS.slice(0, LANDMARK_COUNT * 2));
  FACE_OVAL.forEach((o, k) => { uv[(LANDMARK_COUNT + k) * 2] = CANONICAL_UVS[o * 2]!; uv[(LANDMARK_COUNT + k) * 2 + 1] = CANONICAL_UVS[o * 2 + 1]!; });
  const detail = options.detail;
  let factors = new Float32Array(0);

  // The photo's pixels, read once (when something needs them) for the skin and the eyes.
  let pixelsRead = false, pixels: PhotoPixels | undefined;
  const pixelsNow = (): PhotoPixels | undefined => {
    if (!pixelsRead) { pixels = pixelsOf(photo); pixelsRead = true; }
    return pixels;
  };
  // The learned mouth interior's photo skin.
  const mouth = options.mouth, skin = mouth ? skinOf(photo, pixelsNow) : undefined;
  // The photo's eyes (render/eyes.ts), for the eye pass; none when it is off or the pixels cannot be read.
  const eyePx = options.eyes === false ? undefined : pixelsNow();
  const eyes: (EyeSource | undefined)[] | undefined = eyePx ? readEyes(eyePx, photo.mesh) : undefined;
  const eyesOn = eyes?.some((e) => e !== undefined) ?? false;
  let eyesNow: (EyeTarget | undefined)[] | undefined;

  const photoProgram = program(gl, PHOTO_FRAGMENT);
  const mouthProgram = program(gl, MOUTH_FRAGMENT);
  const eyeProgram = eyesOn ? program(gl, EYE_FRAGMENT) : null;
  const photoU = uniforms(gl, photoProgram, ['u_size', 'u_photo', 'u_detail', 'u_detailOn']);
  const mouthU = uniforms(gl, mouthProgram, ['u_size', 'u_invWidth', 'u_open', 'u_learned', 'u_table', 'u_grid', 'u_bins', 'u_skin', 'u_chroma']);
  const eyeU = eyeProgram ? uniforms(gl, eyeProgram, ['u_size', 'u_photo', 'u_srcO', 'u_srcE1', 'u_srcE2', 'u_srcW', 'u_dstO', 'u_dstE1', 'u_dstE2', 'u_dstW',
    'u_srcTop', 'u_srcBottom', 'u_dstTop', 'u_dstBottom', 'u_iris', 'u_sclera', 'u_scleraWeight']) : null;

  const vao = gl.createVertexArray();
  gl.bindVertexArray(vao);
  const buffer = (data: Float32Array, loc: number, comps: number, usage: number): WebGLBuffer => {
    const b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, data, usage);
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, comps, gl.FLOAT, false, 0, 0);
    return b;
  };
  const dstBuf = buffer(dst, 0, 2, gl.DYNAMIC_DRAW);
  const srcBuf = buffer(src, 1, 2, gl.STATIC_DRAW);
  const sideBuf = buffer(side, 2, 1, gl.STATIC_DRAW);
  const gapBuf = buffer(gaps, 3, 1, gl.DYNAMIC_DRAW);
  const texBuf = buffer(uv, 4, 2, gl.STATIC_DRAW);
  const muBuf = buffer(mu, 5, 1, gl.STATIC_DRAW);
  // One index buffer: background quad; the triangles that carry detail (as the CPU's
  // compositeDetail); the rest of the warp (eye openings, the band to the ring); the mouth;
  // each eye's opening again, for the eye pass.
  const quad = [corners, corners + 1, corners + 2, corners + 2, corners + 1, corners + 3];
  const key = (a: number, b: number, c: number) => [a, b, c].sort((x, y) => x - y).join(',');
  const detailKeys = new Set<string>();
  for (let t = 0; t < DETAIL_TRIANGLES.length; t += 3) detailKeys.add(key(DETAIL_TRIANGLES[t]!, DETAIL_TRIANGLES[t + 1]!, DETAIL_TRIANGLES[t + 2]!));
  const faceTris: number[] = [], restTris: number[] = [];
  for (let t = 0; t < geometry.triangles.length; t += 3) {
    const a = geometry.triangles[t]!, b = geometry.triangles[t + 1]!, c = geometry.triangles[t + 2]!;
    (detailKeys.has(key(a, b, c)) ? faceTris : restTris).push(a, b, c);
  }
  const eyesStart = quad.length + geometry.triangles.length + geometry.mouthTriangles.length;
  const eyeRanges: { start: number; count: number }[] = [];
  let eyeEnd = eyesStart;
  for (const tris of EYE_OPENING_TRIANGLES) { eyeRanges.push({ start: eyeEnd, count: tris.length }); eyeEnd += tris.length; }
  const indices = new Uint16Array(eyeEnd);
  indices.set(quad);
  indices.set(faceTris, quad.length);
  indices.set(restTris, quad.length + faceTris.length);
  indices.set(geometry.mouthTriangles, quad.length + geometry.triangles.length);
  EYE_OPENING_TRIANGLES.forEach((tris, e) => indices.set(tris, eyeRanges[e]!.start));
  const indexBuf = gl.createBuffer();
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, indexBuf);
  gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, indices, gl.STATIC_DRAW);
  gl.bindVertexArray(null);
  const faceStart = quad.length, restStart = quad.length + faceTris.length, mouthStart = quad.length + geometry.triangles.length;

  const texture = linearTexture(gl);
  gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, width, height, 0, gl.RGBA, gl.UNSIGNED_BYTE, photo.image);
  // The detail factors (exp of the shading), one float channel, filtered like the CPU's bilinear sample.
  const detailTexture = linearTexture(gl);
  let detailSize = 0;
  // The learned mouth interior's table (RGBA16F, filtered like the CPU's bilinear sample).
  let uploadedTable: MouthTable | null = null, uploadedTableVersion: number | undefined;
  const tableTexture = linearTexture(gl);
  let uploaded: { size: number; shading: Float32Array; version?: number } | null = null, uploadedVersion: number | undefined;

  let disposed = false;
  return {
    geometry, poser,
    render(frame: FrameState): void {
      if (disposed) throw new Error('the WebGL photo renderer was disposed');
      const mesh = poser.imageFor(frame);
      targetPositions(geometry, mesh, target);
      dst.set(target);
      const open = mouthOpenness(geometry, target);
      const mw = open > 0 ? mouthGaps(target, gaps) : 0;
      const canvas = gl.canvas;
      gl.viewport(0, 0, canvas.width, canvas.height);
      gl.disable(gl.DEPTH_TEST);
      gl.disable(gl.CULL_FACE);
      gl.bindVertexArray(vao);
      gl.bindBuffer(gl.ARRAY_BUFFER, dstBuf);
      gl.bufferSubData(gl.ARRAY_BUFFER, 0, dst);
      gl.bindBuffer(gl.ARRAY_BUFFER, gapBuf);
      gl.bufferSubData(gl.ARRAY_BUFFER, 0, gaps);

      const map = detail?.detailFor(frame) ?? null;
      gl.activeTexture(gl.TEXTURE1);
      gl.bindTexture(gl.TEXTURE_2D, detailTexture);
      if (map && (map !== uploaded || map.version === undefined || map.version !== uploadedVersion)) {
        uploaded = map;
        uploadedVersion = map.version;
        if (factors.length !== map.size * map.size) factors = new Float32Array(map.size * map.size);
        shadingFactors(map, factors);
        gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
        if (detailSize !== map.size) {
          gl.texImage2D(gl.TEXTURE_2D, 0, gl.R16F, map.size, map.size, 0, gl.RED, gl.FLOAT, factors);
          detailSize = map.size;
        } else {
          gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, map.size, map.size, gl.RED, gl.FLOAT, factors);
        }
        gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
      }

      gl.useProgram(photoProgram);
      gl.uniform2f(photoU.u_size, width, height);
      gl.activeTexture(gl.TEXTURE0);
      gl.bindTexture(gl.TEXTURE_2D, texture);
      gl.uniform1i(photoU.u_photo, 0);
      gl.uniform1i(photoU.u_detail, 1);
      gl.disable(gl.BLEND);
      // Background; the face with its detail; the rest of the warp and the mouth opening, from the photo.
      gl.uniform1f(photoU.u_detailOn, 0);
      gl.drawElements(gl.TRIANGLES, faceStart, gl.UNSIGNED_SHORT, 0);
      gl.uniform1f(photoU.u_detailOn, map ? 1 : 0);
      gl.drawElements(gl.TRIANGLES, restStart - faceStart, gl.UNSIGNED_SHORT, faceStart * 2);
      gl.uniform1f(photoU.u_detailOn, 0);
      gl.drawElements(gl.TRIANGLES, eyesStart - restStart, gl.UNSIGNED_SHORT, restStart * 2);

      if (eyes && eyeProgram && eyeU) {
        // Each eye's opening again: the eyeball rigid under the lids (cpu-warp.ts paintEyes), opaque.
        eyesNow = eyeTargets(target, 2, eyesNow);
        gl.useProgram(eyeProgram);
        gl.uniform2f(eyeU.u_size, width, height);
        gl.uniform1i(eyeU.u_photo, 0);
        const axes = (o: WebGLUniformLocation | null, e1: WebGLUniformLocation | null, e2: WebGLUniformLocation | null, w: WebGLUniformLocation | null, a: EyeAxes) => {
          gl.uniform2f(o, a.ox, a.oy);
          gl.uniform2f(e1, a.e1x, a.e1y);
          gl.uniform2f(e2, a.e2x, a.e2y);
          gl.uniform1f(w, a.w);
        };
        eyeRanges.forEach(({ start, count }, e) => {
          const s = eyes[e], t = eyesNow?.[e];
          if (!s || !t || count === 0) return;
          axes(eyeU.u_srcO, eyeU.u_srcE1, eyeU.u_srcE2, eyeU.u_srcW, s.axes);
          axes(eyeU.u_dstO, eyeU.u_dstE1, eyeU.u_dstE2, eyeU.u_dstW, t.axes);
          gl.uniform1fv(eyeU.u_srcTop, s.top);
          gl.uniform1fv(eyeU.u_srcBottom, s.bottom);
          gl.uniform1fv(eyeU.u_dstTop, t.top);
          gl.uniform1fv(eyeU.u_dstBottom, t.bottom);
          gl.uniform3f(eyeU.u_iris, s.iris[0], s.iris[1], s.iris[2]);
          gl.uniform3f(eyeU.u_sclera, s.sclera[0], s.sclera[1], s.sclera[2]);
          gl.uniform1f(eyeU.u_scleraWeight, s.scleraWeight);
          gl.drawElements(gl.TRIANGLES, count, gl.UNSIGNED_SHORT, start * 2);
        });
      }

      if (open > 0) {
        const interior: MouthInterior | undefined = mouth && skin ? { table: mouth.tableFor(frame), skin } : undefined;
        gl.activeTexture(gl.TEXTURE2);
        gl.bindTexture(gl.TEXTURE_2D, tableTexture);
        if (interior && (interior.table !== uploadedTable || interior.table.version !== uploadedTableVersion)) {
          // The table (a new blend of the per-emotion tables when the frame's emotions moved).
          const t = interior.table;
          gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
          gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA16F, t.cols, t.rows * t.bins, 0, gl.RGBA, gl.FLOAT, tableTexels(t));
          gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
          uploadedTable = t;
          uploadedTableVersion = t.version;
        }
        gl.useProgram(mouthProgram);
        gl.uniform2f(mouthU.u_size, width, height);
        gl.uniform1f(mouthU.u_invWidth, 1 / Math.max(mw, 1));
        gl.uniform1f(mouthU.u_open, open);
        gl.uniform1f(mouthU.u_learned, interior ? 1 : 0);
        gl.uniform1i(mouthU.u_table, 2);
        if (interior) {
          const t = interior.table, b = binPosition(t, gaps[13]! / Math.max(mw, 1));
          gl.uniform3f(mouthU.u_grid, t.cols, t.rows, t.bins);
          gl.uniform3f(mouthU.u_bins, b.b0, b.b1, b.f);
          gl.uniform3f(mouthU.u_skin, interior.skin[0], interior.skin[1], interior.skin[2]);
          gl.uniform1f(mouthU.u_chroma, chromaWeight(interior.skin));
        }
        gl.enable(gl.BLEND);
        // The canvas stays opaque: colour blends, alpha is kept.
        gl.blendFuncSeparate(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA, gl.ZERO, gl.ONE);
        gl.drawElements(gl.TRIANGLES, eyesStart - mouthStart, gl.UNSIGNED_SHORT, mouthStart * 2);
        gl.disable(gl.BLEND);
      }
      gl.bindVertexArray(null);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      gl.deleteVertexArray(vao);
      for (const b of [dstBuf, srcBuf, sideBuf, gapBuf, texBuf, muBuf, indexBuf]) gl.deleteBuffer(b);
      gl.deleteTexture(texture);
      gl.deleteTexture(tableTexture);
      gl.deleteTexture(detailTexture);
      gl.deleteProgram(photoProgram);
      gl.deleteProgram(mouthProgram);
      if (eyeProgram) gl.deleteProgram(eyeProgram);
    },
  };
}
