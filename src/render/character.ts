/**
 * The EmoteBot character: a friendly rounded robot ("Bolt") with a cream face plate,
 * big glossy eyes, soft brows, a blushing face and a reactive antenna, drawn with the
 * standard Canvas 2D API only (it runs in browsers and under @napi-rs/canvas alike).
 *
 * Every shape is a continuous function of the FaceFeatures, so expressions blend and
 * animate smoothly, and the same features always give the same pixels. The drawing is
 * done in a 100 x 100 design space scaled to the requested size.
 *
 * Sides: feature "Left" is the subject's own left, which is image RIGHT. In this file
 * `side = +1` means image right (subject's left) and `side = -1` image left.
 */
import type { FaceFeatures } from '../core/features.ts';

export interface CharacterStyle {
  /** Backdrop radial gradient, centre and edge colours. */
  backgroundInner: string;
  backgroundOuter: string;
  /** Head shell (the robot "helmet") and its shaded edge. */
  shell: string;
  shellShade: string;
  /** Face plate and its shaded edge; the eyelids are drawn in `lid`. */
  plate: string;
  plateShade: string;
  lid: string;
  /** Lines: brows, lash lines, mouth outline. */
  ink: string;
  eyeWhite: string;
  iris: string;
  irisLight: string;
  pupil: string;
  mouthInside: string;
  tongue: string;
  teeth: string;
  blush: string;
  nose: string;
  /** Antenna bulb colour at rest. */
  bulb: string;
}

export const DEFAULT_CHARACTER_STYLE: CharacterStyle = Object.freeze({
  backgroundInner: '#fdf6ff',
  backgroundOuter: '#c9d8f5',
  shell: '#5ec4c1',
  shellShade: '#3a9a9f',
  plate: '#fff6ea',
  plateShade: '#f3dcc6',
  lid: '#f5e3d2',
  ink: '#3b2c3f',
  eyeWhite: '#ffffff',
  iris: '#3d6fd1',
  irisLight: '#7fb3ff',
  pupil: '#1b1f3b',
  mouthInside: '#6b2436',
  tongue: '#ff7d8f',
  teeth: '#ffffff',
  blush: '#ff7f9a',
  nose: '#f7b39a',
  bulb: '#ffd257',
});

// ---------------------------------------------------------------------------------------
// Small maths helpers

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);
const clamp01 = (v: number): number => clamp(v, 0, 1);
const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;
/** Smooth 0..1 ramp between e0 and e1 (continuous, no pops). */
const smooth = (e0: number, e1: number, x: number): number => {
  const t = clamp01((x - e0) / (e1 - e0));
  return t * t * (3 - 2 * t);
};

type RGB = readonly [number, number, number];

function parseColour(c: string): RGB {
  const h = c.trim().replace(/^#/, '');
  if (/^[0-9a-f]{3}$/i.test(h)) {
    return [parseInt(h[0]! + h[0]!, 16), parseInt(h[1]! + h[1]!, 16), parseInt(h[2]! + h[2]!, 16)];
  }
  if (/^[0-9a-f]{6}$/i.test(h)) {
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  const m = /rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)/i.exec(c);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return [128, 128, 128];
}

function mixRGB(a: RGB, b: RGB, t: number): RGB {
  const k = clamp01(t);
  return [lerp(a[0], b[0], k), lerp(a[1], b[1], k), lerp(a[2], b[2], k)];
}

function css(c: RGB, alpha = 1): string {
  const r = Math.round(clamp(c[0], 0, 255));
  const g = Math.round(clamp(c[1], 0, 255));
  const b = Math.round(clamp(c[2], 0, 255));
  const a = clamp01(alpha);
  return a >= 1 ? `rgb(${r},${g},${b})` : `rgba(${r},${g},${b},${Math.round(a * 1000) / 1000})`;
}

// ---------------------------------------------------------------------------------------
// Feature sanitising and derived "mood cues"

const RANGES: Readonly<Record<keyof FaceFeatures, readonly [number, number, number]>> = {
  // [min, max, neutral]
  jawOpen: [0, 1.2, 0],
  mouthSmileLeft: [-1.2, 1.2, 0],
  mouthSmileRight: [-1.2, 1.2, 0],
  mouthStretch: [-1.2, 1.2, 0],
  lipPress: [0, 1.2, 0],
  upperLipRaise: [0, 1.2, 0],
  browInnerUp: [0, 1.2, 0],
  browOuterUpLeft: [0, 1.2, 0],
  browOuterUpRight: [0, 1.2, 0],
  browDownLeft: [0, 1.2, 0],
  browDownRight: [0, 1.2, 0],
  eyeOpenLeft: [0, 1.8, 1],
  eyeOpenRight: [0, 1.8, 1],
  cheekRaise: [0, 1.2, 0],
  noseWrinkle: [0, 1.2, 0],
  headYaw: [-0.4, 0.4, 0],
  headPitch: [-0.4, 0.4, 0],
  headRoll: [-0.5, 0.5, 0],
  gazeX: [-1.2, 1.2, 0],
  gazeY: [-1.2, 1.2, 0],
};

/** Clamps every feature to a sensible range; missing or non-finite values become neutral. */
export function sanitiseFeatures(f: Partial<FaceFeatures> | null | undefined): FaceFeatures {
  const out = {} as FaceFeatures;
  for (const key of Object.keys(RANGES) as (keyof FaceFeatures)[]) {
    const [lo, hi, neutral] = RANGES[key];
    const v = f ? f[key] : undefined;
    out[key] = typeof v === 'number' && Number.isFinite(v) ? clamp(v, lo, hi) : neutral;
  }
  return out;
}

interface Cues {
  /** Sadness: inner brows up while the mouth frowns. */
  sad: number;
  /** Anger: brows down with pressed lips. */
  anger: number;
  /** Fear: inner brows up with a stretched mouth. */
  fear: number;
  /** Disgust: wrinkled nose with a raised upper lip. */
  disgust: number;
  /** Surprise / alarm: wide eyes with an open jaw. */
  alarm: number;
  /** Joy: both corners up with raised cheeks. */
  joy: number;
  /** One-sided smile: positive when the subject's left (image right) corner is higher. */
  smirk: number;
}

function moodCues(f: FaceFeatures): Cues {
  const smileAvg = (f.mouthSmileLeft + f.mouthSmileRight) / 2;
  const browDown = (f.browDownLeft + f.browDownRight) / 2;
  const open = (f.eyeOpenLeft + f.eyeOpenRight) / 2;
  const minSmile = Math.min(f.mouthSmileLeft, f.mouthSmileRight);
  return {
    sad: clamp01(f.browInnerUp * Math.max(0, -smileAvg) * 1.7),
    anger: clamp01((browDown * (0.35 + f.lipPress) - 0.12) / 1.0),
    fear: clamp01(f.browInnerUp * Math.max(0, f.mouthStretch) * 1.5),
    disgust: clamp01(f.noseWrinkle * 0.55 + f.upperLipRaise * 0.55 - 0.1),
    alarm: clamp01(Math.max(0, open - 1) * 2 * (0.3 + f.jawOpen)),
    joy: clamp01(Math.max(0, minSmile) * (0.4 + f.cheekRaise) * 0.9),
    smirk: clamp(f.mouthSmileLeft - f.mouthSmileRight, -1, 1) * (1 - 0.5 * clamp01(Math.max(0, minSmile) * 2)),
  };
}

// ---------------------------------------------------------------------------------------
// Geometry of the design space (100 x 100)

const HEAD_CX = 50;
const HEAD_CY = 57;
const HEAD_RX = 36;
const HEAD_RY = 34;
const EYE_DX = 14.5;
const EYE_Y = 53;
const EYE_A = 8.2; // half width
const EYE_B = 9.6; // half height
const MOUTH_Y = 74.5;

/** A squircle-ish rounded shape built from four cubic curves (k > 0.5523 makes it squarer). */
function blobPath(ctx: CanvasRenderingContext2D, cx: number, cy: number, rx: number, ry: number, k: number, bottomBulge = 0): void {
  const kx = rx * k;
  const ky = ry * k;
  ctx.beginPath();
  ctx.moveTo(cx, cy - ry);
  ctx.bezierCurveTo(cx + kx, cy - ry, cx + rx, cy - ky, cx + rx, cy);
  ctx.bezierCurveTo(cx + rx, cy + ky + bottomBulge, cx + kx, cy + ry, cx, cy + ry);
  ctx.bezierCurveTo(cx - kx, cy + ry, cx - rx, cy + ky + bottomBulge, cx - rx, cy);
  ctx.bezierCurveTo(cx - rx, cy - ky, cx - kx, cy - ry, cx, cy - ry);
  ctx.closePath();
}

function ellipsePath(ctx: CanvasRenderingContext2D, cx: number, cy: number, rx: number, ry: number, rot = 0): void {
  ctx.beginPath();
  ctx.ellipse(cx, cy, Math.max(0.001, rx), Math.max(0.001, ry), rot, 0, Math.PI * 2);
}

function polyPath(ctx: CanvasRenderingContext2D, pts: readonly (readonly [number, number])[], close: boolean): void {
  ctx.beginPath();
  pts.forEach((p, i) => (i === 0 ? ctx.moveTo(p[0], p[1]) : ctx.lineTo(p[0], p[1])));
  if (close) ctx.closePath();
}

// ---------------------------------------------------------------------------------------
// Parts

interface Palette {
  style: CharacterStyle;
  ink: RGB;
  plate: RGB;
  lid: RGB;
  shell: RGB;
  shellShade: RGB;
}

function drawBackground(ctx: CanvasRenderingContext2D, style: CharacterStyle): void {
  const g = ctx.createRadialGradient(50, 42, 4, 50, 50, 75);
  g.addColorStop(0, style.backgroundInner);
  g.addColorStop(1, style.backgroundOuter);
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, 100, 100);
  // a few soft bokeh dots for depth (fixed positions: deterministic)
  const dots: readonly (readonly [number, number, number])[] = [[12, 16, 5], [88, 22, 4], [84, 84, 6], [10, 80, 3.5]];
  for (const [x, y, r] of dots) {
    const dg = ctx.createRadialGradient(x, y, 0, x, y, r);
    dg.addColorStop(0, 'rgba(255,255,255,0.55)');
    dg.addColorStop(1, 'rgba(255,255,255,0)');
    ctx.fillStyle = dg;
    ellipsePath(ctx, x, y, r, r);
    ctx.fill();
  }
}

function drawAntenna(ctx: CanvasRenderingContext2D, f: FaceFeatures, c: Cues, pal: Palette, topY: number, yawShift: number): void {
  // Bend: droops sideways when sad, leans back when disgusted, stands tall when alarmed.
  const droop = c.sad * 0.9 + c.disgust * 0.25 - c.alarm * 0.2;
  const lean = -f.headRoll * 0.8 + yawShift * 0.04 + droop * 0.9 + c.smirk * 0.15;
  const len = 13 * (1 + 0.12 * c.alarm - 0.18 * c.sad);
  const baseX = HEAD_CX + yawShift * 0.3;
  const baseY = topY + 1;
  const ang = -Math.PI / 2 + lean; // pointing up, rotated clockwise by lean
  // A curved stalk: the tip follows `ang`, the mid control stays more upright.
  const tipX = baseX + Math.cos(ang) * len;
  const tipY = baseY + Math.sin(ang) * len + droop * 4;
  const ctrlX = baseX + Math.cos(-Math.PI / 2 + lean * 0.3) * len * 0.6;
  const ctrlY = baseY + Math.sin(-Math.PI / 2 + lean * 0.3) * len * 0.6;

  ctx.lineCap = 'round';
  ctx.strokeStyle = css(pal.shellShade);
  ctx.lineWidth = 2.2;
  ctx.beginPath();
  ctx.moveTo(baseX, baseY);
  ctx.quadraticCurveTo(ctrlX, ctrlY, tipX, tipY);
  ctx.stroke();

  // socket
  ctx.fillStyle = css(pal.shellShade);
  ellipsePath(ctx, baseX, baseY + 0.4, 4.2, 2.2);
  ctx.fill();

  // Bulb colour follows the mood: red anger, blue sadness, green disgust, white flash for alarm.
  let bulb = parseColour(pal.style.bulb);
  bulb = mixRGB(bulb, [255, 200, 120], c.joy * 0.5);
  bulb = mixRGB(bulb, [120, 170, 255], c.sad);
  bulb = mixRGB(bulb, [160, 210, 90], c.disgust * 0.85);
  bulb = mixRGB(bulb, [255, 80, 70], c.anger);
  bulb = mixRGB(bulb, [190, 170, 255], c.fear * 0.6);
  bulb = mixRGB(bulb, [255, 255, 235], c.alarm * 0.5);
  const r = 4.2 * (1 + 0.2 * c.alarm + 0.12 * c.joy - 0.1 * c.sad);
  const glowR = r * (2.2 + 1.2 * c.alarm + 0.8 * c.anger + 0.6 * c.joy - 0.6 * c.sad);
  const glow = ctx.createRadialGradient(tipX, tipY, r * 0.5, tipX, tipY, glowR);
  glow.addColorStop(0, css(bulb, 0.55));
  glow.addColorStop(1, css(bulb, 0));
  ctx.fillStyle = glow;
  ellipsePath(ctx, tipX, tipY, glowR, glowR);
  ctx.fill();

  const bg = ctx.createRadialGradient(tipX - r * 0.35, tipY - r * 0.4, r * 0.1, tipX, tipY, r);
  bg.addColorStop(0, css(mixRGB(bulb, [255, 255, 255], 0.7)));
  bg.addColorStop(1, css(bulb));
  ctx.fillStyle = bg;
  ellipsePath(ctx, tipX, tipY, r, r);
  ctx.fill();
  ctx.strokeStyle = css(mixRGB(bulb, pal.ink, 0.45), 0.6);
  ctx.lineWidth = 0.6;
  ctx.stroke();

  // Alarm sparks around the bulb.
  if (c.alarm > 0) {
    ctx.strokeStyle = css(pal.ink, 0.75 * c.alarm);
    ctx.lineWidth = 1.1;
    for (let i = 0; i < 5; i++) {
      const a = -Math.PI / 2 + (i - 2) * 0.55 + lean;
      const r0 = r + 1.8;
      const r1 = r + 1.8 + 2.8 * c.alarm;
      ctx.beginPath();
      ctx.moveTo(tipX + Math.cos(a) * r0, tipY + Math.sin(a) * r0);
      ctx.lineTo(tipX + Math.cos(a) * r1, tipY + Math.sin(a) * r1);
      ctx.stroke();
    }
  }
}

function drawHead(ctx: CanvasRenderingContext2D, pal: Palette, yawShift: number): void {
  // ears (side discs), shifted opposite to the yaw for a hint of depth
  for (const side of [-1, 1]) {
    const ex = HEAD_CX + side * (HEAD_RX + 1.5) - yawShift * 0.35;
    const ey = HEAD_CY + 1;
    ctx.fillStyle = css(pal.shellShade);
    blobPath(ctx, ex, ey, 5, 8.5, 0.6);
    ctx.fill();
    ctx.fillStyle = css(pal.shell);
    blobPath(ctx, ex + side * 0.8, ey, 3.2, 6, 0.6);
    ctx.fill();
    ctx.fillStyle = 'rgba(255,255,255,0.45)';
    ellipsePath(ctx, ex + side * 0.8, ey - 2.5, 1.2, 2);
    ctx.fill();
  }
  // shell
  const g = ctx.createLinearGradient(0, HEAD_CY - HEAD_RY, 0, HEAD_CY + HEAD_RY);
  g.addColorStop(0, css(mixRGB(pal.shell, [255, 255, 255], 0.18)));
  g.addColorStop(0.6, css(pal.shell));
  g.addColorStop(1, css(pal.shellShade));
  ctx.fillStyle = g;
  blobPath(ctx, HEAD_CX, HEAD_CY, HEAD_RX, HEAD_RY, 0.72, 2);
  ctx.fill();
  // shell highlight
  ctx.fillStyle = 'rgba(255,255,255,0.35)';
  ellipsePath(ctx, HEAD_CX - 17, HEAD_CY - 24, 7, 3, -0.35);
  ctx.fill();
}

function facePlatePath(ctx: CanvasRenderingContext2D, yawShift: number, pitchShift: number): void {
  blobPath(ctx, HEAD_CX + yawShift * 0.55, HEAD_CY + 1.5 + pitchShift * 0.5, HEAD_RX - 5.5, HEAD_RY - 5, 0.7, 1.5);
}

function drawFacePlate(ctx: CanvasRenderingContext2D, pal: Palette, c: Cues, yawShift: number, pitchShift: number): void {
  const cx = HEAD_CX + yawShift * 0.55;
  const g = ctx.createRadialGradient(cx - 4, HEAD_CY - 6, 6, cx, HEAD_CY + 2, 40);
  g.addColorStop(0, css(mixRGB(pal.plate, [255, 255, 255], 0.35)));
  g.addColorStop(0.7, css(pal.plate));
  g.addColorStop(1, pal.style.plateShade);
  ctx.fillStyle = g;
  facePlatePath(ctx, yawShift, pitchShift);
  ctx.fill();

  ctx.save();
  facePlatePath(ctx, yawShift, pitchShift);
  ctx.clip();
  // Anger flush: red glow rising from below the brows.
  if (c.anger > 0) {
    const rg = ctx.createLinearGradient(0, 28, 0, 62);
    rg.addColorStop(0, `rgba(255,70,60,${0.42 * c.anger})`);
    rg.addColorStop(1, 'rgba(255,70,60,0)');
    ctx.fillStyle = rg;
    ctx.fillRect(0, 0, 100, 100);
  }
  // Disgust: a queasy green wash over the upper face.
  if (c.disgust > 0) {
    const gg = ctx.createLinearGradient(0, 28, 0, 70);
    gg.addColorStop(0, `rgba(120,190,60,${0.32 * c.disgust})`);
    gg.addColorStop(1, 'rgba(120,190,60,0)');
    ctx.fillStyle = gg;
    ctx.fillRect(0, 0, 100, 100);
  }
  // Fear / sadness: a cool blue shade from the top.
  const blue = Math.max(c.fear, c.sad * 0.6);
  if (blue > 0) {
    const bg = ctx.createLinearGradient(0, 27, 0, 50);
    bg.addColorStop(0, `rgba(90,110,220,${0.38 * blue})`);
    bg.addColorStop(1, 'rgba(90,110,220,0)');
    ctx.fillStyle = bg;
    ctx.fillRect(0, 0, 100, 100);
  }
  // Fear: manga "gloom" lines on the forehead.
  if (c.fear > 0) {
    ctx.strokeStyle = `rgba(70,80,170,${0.55 * c.fear})`;
    ctx.lineWidth = 0.9;
    ctx.lineCap = 'round';
    for (let i = 0; i < 7; i++) {
      const x = cx - 15 + i * 5;
      const len = (i % 2 === 0 ? 5 : 3.5) * c.fear;
      ctx.beginPath();
      ctx.moveTo(x, 30.5 + pitchShift * 0.5);
      ctx.lineTo(x, 30.5 + len + pitchShift * 0.5);
      ctx.stroke();
    }
  }
  ctx.restore();
}

interface EyeShape {
  upper: [number, number][];
  lower: [number, number][];
  /** The upper edge of the eyelid skin (the neutral lid arc, or the lid itself when wider). */
  lidTop: [number, number][];
}

/**
 * The visible eye opening, as an upper and a lower lid curve between the two corners.
 * `open` is the sanitised eyeOpen; the lids meet (a closed "◡" line) at open = 0.
 */
function eyeShape(cx: number, cy: number, side: number, open: number, f: FaceFeatures, c: Cues): EyeShape {
  const a = EYE_A * (1 + 0.06 * Math.max(0, open - 1));
  const b = EYE_B;
  // Lower lid: the cheek pushes it up into a happy arch; it also rises a little as the eye closes.
  const cheek = clamp01(f.cheekRaise + 0.1 * c.disgust);
  const hl = b * (1 - 1.55 * cheek) - 0.3 * b * Math.max(0, 1 - open) + 0.12 * b * Math.max(0, open - 1);
  // Opening height at the centre: grows past the neutral ellipse when wide open.
  const O = open <= 1 ? open : 1 + 0.55 * (open - 1);
  const full = b + hl; // distance from lower lid to the neutral upper lid
  const browDown = side > 0 ? f.browDownLeft : f.browDownRight;
  // Lid tension: anger lowers the inner half of the upper lid, sadness the outer half,
  // a smirk gives a heavy-lidded, unimpressed look.
  const tiltIn = 0.5 * clamp01(browDown) * (1 - 0.6 * c.fear);
  const tiltOut = 0.4 * c.sad;
  const heavy = 0.22 * Math.abs(c.smirk);
  const n = 28;
  const upper: [number, number][] = [];
  const lower: [number, number][] = [];
  const lidTop: [number, number][] = [];
  // Corners tilt slightly: outer corners droop when sad, lift when happy.
  const cornerOut = 1.6 * c.sad - 1.0 * c.joy;
  for (let i = 0; i <= n; i++) {
    const u = -1 + (2 * i) / n; // -1 image-left corner .. 1 image-right corner
    const outer = clamp01((u * side + 1) / 2); // 0 inner .. 1 outer
    const inner = 1 - outer;
    const fu = Math.pow(Math.max(0, 1 - u * u), 0.55);
    const fl = Math.pow(Math.max(0, 1 - u * u), 0.7);
    const x = cx + a * u;
    const yl = cy + hl * fl + cornerOut * outer * outer;
    const tilt = tiltIn * smooth(0.15, 1, inner) * 1.25 + tiltOut * smooth(0.2, 1, outer) * 1.2 + heavy;
    const h = Math.max(0, full * O * fu * (1 - clamp(tilt, 0, 0.85)));
    const yu = yl - h;
    upper.push([x, yu]);
    lower.push([x, yl]);
    lidTop.push([x, Math.min(yu, cy - b * fu)]);
  }
  return { upper, lower, lidTop };
}

function drawEye(ctx: CanvasRenderingContext2D, side: number, f: FaceFeatures, c: Cues, pal: Palette, dx: number, dy: number): void {
  const open = side > 0 ? f.eyeOpenLeft : f.eyeOpenRight;
  const effOpen = clamp(open * (1 - 0.15 * Math.abs(c.smirk)), 0, 1.8);
  const cx = HEAD_CX + side * EYE_DX + dx;
  const cy = EYE_Y + dy;
  const { upper, lower, lidTop } = eyeShape(cx, cy, side, effOpen, f, c);

  // Eyelid skin: the part of the neutral eye the upper lid covers, so lowered lids read as lids.
  // It fades as the cheeks rise, leaving clean "smiling eye" arcs.
  const lidAlpha = 0.95 * (1 - 0.75 * clamp01(f.cheekRaise - 0.3 * c.disgust));
  if (lidAlpha > 0) {
    ctx.fillStyle = css(pal.lid, lidAlpha);
    polyPath(ctx, [...lidTop, ...[...upper].reverse()], true);
    ctx.fill();
  }

  const opening = [...upper, ...[...lower].reverse()];
  ctx.save();
  polyPath(ctx, opening, true);
  ctx.fillStyle = pal.style.eyeWhite;
  ctx.fill();
  ctx.clip();

  // Iris: shrinks when the eye is wide (shock), follows gaze.
  const wide = clamp01((open - 1) / 0.6);
  const ri = 6.2 * (1 - 0.3 * wide) * (1 + 0.04 * c.joy);
  // a smirk comes with a sideways glance
  const gx = clamp(f.gazeX + 0.45 * c.smirk, -1.2, 1.2);
  const ix = cx + gx * EYE_A * 0.38 + side * -0.4; // slight convergence looks friendlier
  const iy = cy + 0.6 - f.gazeY * EYE_B * 0.3;
  const ig = ctx.createRadialGradient(ix, iy + ri * 0.35, ri * 0.1, ix, iy, ri);
  ig.addColorStop(0, pal.style.irisLight);
  ig.addColorStop(1, pal.style.iris);
  ctx.fillStyle = ig;
  ellipsePath(ctx, ix, iy, ri, ri * 1.05);
  ctx.fill();
  ctx.fillStyle = pal.style.pupil;
  ellipsePath(ctx, ix, iy, ri * 0.55, ri * 0.58);
  ctx.fill();
  // highlights
  ctx.fillStyle = 'rgba(255,255,255,0.95)';
  ellipsePath(ctx, ix - ri * 0.35, iy - ri * 0.4, ri * 0.32, ri * 0.32);
  ctx.fill();
  ellipsePath(ctx, ix + ri * 0.38, iy + ri * 0.38, ri * 0.14, ri * 0.14);
  ctx.fill();
  // upper-lid shadow on the eyeball
  const sg = ctx.createLinearGradient(0, cy - EYE_B * 1.3, 0, cy);
  sg.addColorStop(0, 'rgba(60,40,80,0.18)');
  sg.addColorStop(1, 'rgba(60,40,80,0)');
  ctx.fillStyle = sg;
  ctx.fillRect(cx - EYE_A * 1.5, cy - EYE_B * 2, EYE_A * 3, EYE_B * 2);
  ctx.restore();

  // Lash line (upper lid edge) and a lighter lower lid line.
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  ctx.strokeStyle = pal.style.ink;
  ctx.lineWidth = 1.9;
  polyPath(ctx, upper, false);
  ctx.stroke();
  // a little outer lash flick
  const last = side > 0 ? upper[upper.length - 1]! : upper[0]!;
  ctx.lineWidth = 1.4;
  ctx.beginPath();
  ctx.moveTo(last[0], last[1]);
  ctx.lineTo(last[0] + side * 1.8, last[1] - 1.4 + 1.2 * c.sad);
  ctx.stroke();
  ctx.strokeStyle = css(pal.ink, 0.55);
  ctx.lineWidth = 0.9;
  polyPath(ctx, lower, false);
  ctx.stroke();
}

function drawBrow(ctx: CanvasRenderingContext2D, side: number, f: FaceFeatures, c: Cues, pal: Palette, dx: number, dy: number): void {
  const outerUp = (side > 0 ? f.browOuterUpLeft : f.browOuterUpRight) + 0.55 * Math.max(0, side * c.smirk);
  const down = side > 0 ? f.browDownLeft : f.browDownRight;
  const innerUp = f.browInnerUp;
  const cx = HEAD_CX + dx;
  const baseY = EYE_Y - 13.5 + dy;
  const ix = cx + side * (6.5 - 1.8 * down + 0.4 * innerUp);
  const iy = baseY - 6 * innerUp + 6.5 * down * (1 - 0.6 * clamp01(innerUp)) + 0.6 * Math.max(0, -side * c.smirk);
  const ox = cx + side * (21.5 + 0.5 * outerUp);
  const oy = baseY + 0.5 - 4.8 * outerUp + 1.2 * down + 2.2 * c.sad;
  // Arch: raised brows arch up; knitted (fear) brows get an S-ish kink via a lowered middle.
  const arch = 2.4 + 1.6 * outerUp - 1.6 * innerUp * (1 - 0.6 * outerUp) - 1.5 * down;
  const mx = (ix + ox) / 2;
  const my = (iy + oy) / 2 - arch;
  // Tapered brow: thick inner end, thinner outer end, drawn as a filled band.
  const n = 20;
  const top: [number, number][] = [];
  const bot: [number, number][] = [];
  const thickIn = 3.6 + 0.5 * down;
  const thickOut = 2.2;
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    const x = (1 - t) * (1 - t) * ix + 2 * (1 - t) * t * mx + t * t * ox;
    const y = (1 - t) * (1 - t) * iy + 2 * (1 - t) * t * my + t * t * oy;
    // derivative for the normal
    const tx = 2 * (1 - t) * (mx - ix) + 2 * t * (ox - mx);
    const ty = 2 * (1 - t) * (my - iy) + 2 * t * (oy - my);
    const len = Math.hypot(tx, ty) || 1;
    const nx = -ty / len;
    const ny = tx / len;
    const w = lerp(thickIn, thickOut, t) / 2;
    top.push([x + nx * w, y + ny * w]);
    bot.push([x - nx * w, y - ny * w]);
  }
  ctx.fillStyle = pal.style.ink;
  ctx.strokeStyle = pal.style.ink;
  ctx.lineJoin = 'round';
  ctx.lineWidth = 1.2;
  polyPath(ctx, [...top, ...[...bot].reverse()], true);
  ctx.fill();
  ctx.stroke();
}

function drawNoseAndCheeks(ctx: CanvasRenderingContext2D, f: FaceFeatures, c: Cues, pal: Palette, dx: number, dy: number): void {
  const cx = HEAD_CX + dx;
  // Cheeks: soft blush that deepens and rises with cheekRaise (and a little with joy/anger).
  const blushAmt = 0.3 + 0.5 * clamp01(f.cheekRaise) + 0.15 * c.anger;
  const blush = parseColour(pal.style.blush);
  for (const side of [-1, 1]) {
    const bx = cx + side * 23;
    const by = 67 + dy - 3 * clamp01(f.cheekRaise);
    const rx = 6.5 + 1 * f.cheekRaise;
    const g = ctx.createRadialGradient(bx, by, 0.5, bx, by, rx);
    g.addColorStop(0, css(blush, 0.55 * blushAmt + 0.1));
    g.addColorStop(1, css(blush, 0));
    ctx.fillStyle = g;
    ellipsePath(ctx, bx, by, rx, rx * 0.62);
    ctx.fill();
  }

  // Nose: a little rounded nub; wrinkling lifts and widens it and adds scrunch lines.
  const nw = clamp01(f.noseWrinkle);
  const ny = 65 + dy - 1.6 * nw - 0.6 * clamp01(f.upperLipRaise);
  const nr = 2.8 * (1 + 0.15 * nw);
  const nose = parseColour(pal.style.nose);
  const ng = ctx.createRadialGradient(cx - 0.8, ny - 0.8, 0.3, cx, ny, nr * 1.2);
  ng.addColorStop(0, css(mixRGB(nose, [255, 255, 255], 0.5)));
  ng.addColorStop(1, css(nose));
  ctx.fillStyle = ng;
  ellipsePath(ctx, cx, ny, nr * 1.1, nr * 0.75);
  ctx.fill();

  if (nw > 0) {
    ctx.strokeStyle = css(pal.ink, 0.75 * nw);
    ctx.lineCap = 'round';
    ctx.lineWidth = 0.9;
    // bridge wrinkles between the eyes
    for (let i = 0; i < 3; i++) {
      const y = ny - 4.5 - i * 1.9;
      const w = 2.2 + i * 0.3;
      ctx.beginPath();
      ctx.moveTo(cx - w, y + 0.5);
      ctx.quadraticCurveTo(cx, y - 0.9 * nw, cx + w, y + 0.5);
      ctx.stroke();
    }
    // side scrunch lines
    for (const side of [-1, 1]) {
      ctx.beginPath();
      ctx.moveTo(cx + side * (nr * 1.3), ny - 1.5);
      ctx.quadraticCurveTo(cx + side * (nr * 1.9), ny - 0.2, cx + side * (nr * 1.5), ny + 1.8);
      ctx.stroke();
    }
  }
}

/** Mouth geometry: upper and lower lip curves sampled across the mouth. */
function mouthCurves(f: FaceFeatures, c: Cues, dx: number, dy: number): { upper: [number, number][]; lower: [number, number][]; openness: number; hw: number; mx: number; my: number } {
  const sL = f.mouthSmileLeft; // image right
  const sR = f.mouthSmileRight; // image left
  const press = clamp01(f.lipPress);
  const stretch = f.mouthStretch;
  const jaw = clamp01(f.jawOpen);
  const ulr = clamp01(f.upperLipRaise);
  const minSmile = Math.max(0, Math.min(sL, sR));
  // A real (two-sided) smile opens into a grin; a pressed mouth stays shut.
  const openness = clamp(jaw + 0.5 * minSmile * (1 - press) + 0.18 * ulr, 0, 1.3);
  // Width: stretch widens, an open jaw without stretch rounds into an "O", pressing narrows.
  const hw = 8.2 * Math.max(0.45, 1 + 0.42 * stretch + 0.18 * minSmile - 0.32 * jaw * (1 - clamp01(stretch + minSmile)) - 0.15 * press);
  const mx = HEAD_CX + dx + 1.2 * c.smirk;
  const my = MOUTH_Y + dy - 1.2 * jaw + 0.8 * minSmile;
  const S = 6.2 * (1 - 0.35 * press); // corner lift per unit smile
  const n = 32;
  const upper: [number, number][] = [];
  const lower: [number, number][] = [];
  // Shape exponent: round (O) for plain jaw-open, boxy for stretched (fear), D-shaped for grin.
  const pU = 0.9 + 0.8 * minSmile - 0.3 * clamp01(stretch);
  const pL = 0.55 - 0.28 * clamp01(stretch) + 0.1 * minSmile;
  const dipL = 14 * openness;
  const dipU = 5 * jaw * (1 - 0.5 * minSmile) + 3.8 * ulr;
  for (let i = 0; i <= n; i++) {
    const u = -1 + (2 * i) / n;
    const smile = u >= 0 ? sL : sR;
    const au = Math.abs(u);
    // Corner lift: parabola-like curve from the centre, steeper near the corners when smiling.
    const lift = smile * S * Math.pow(au, 1.8);
    const x = mx + hw * u + (u >= 0 ? 1 : -1) * 1.2 * Math.max(0, smile) * au * au;
    // a gentle resting curve keeps the neutral face friendly
    const base = my - lift + 0.7 * (1 - u * u) * (1 - press) * (1 - clamp01(jaw * 2));
    const bU = Math.pow(Math.max(0, 1 - u * u), Math.max(0.3, pU));
    const bL = Math.pow(Math.max(0, 1 - u * u), Math.max(0.25, pL));
    // Disgust snarl: the upper lip rises more on the image-left side.
    const snarl = ulr * 2.2 * Math.exp(-((u + 0.35) * (u + 0.35)) / 0.12);
    // Disgust / fear wobble on the lower lip.
    const wob = (0.9 * c.disgust + 0.5 * c.fear) * Math.sin(u * Math.PI * 3) * (1 - au * au);
    const yU = base - dipU * bU - snarl * (1 - au * au);
    const yL = Math.max(yU, base + dipL * bL + wob);
    upper.push([x, yU]);
    lower.push([x, yL]);
  }
  return { upper, lower, openness, hw, mx, my };
}

function drawMouth(ctx: CanvasRenderingContext2D, f: FaceFeatures, c: Cues, pal: Palette, dx: number, dy: number): void {
  const { upper, lower, hw, mx } = mouthCurves(f, c, dx, dy);
  const shape = [...upper, ...[...lower].reverse()];
  const stretch = clamp01(f.mouthStretch);
  const ulr = clamp01(f.upperLipRaise);

  ctx.save();
  polyPath(ctx, shape, true);
  ctx.fillStyle = pal.style.mouthInside;
  ctx.fill();
  ctx.clip();
  // Tongue: a pink mound resting on the lower lip.
  const mid = Math.floor(lower.length / 2);
  const lowMid = lower[mid]!;
  const upMid = upper[mid]!;
  const gap = lowMid[1] - upMid[1];
  ctx.fillStyle = pal.style.tongue;
  ellipsePath(ctx, mx + 0.8, lowMid[1] + 0.5, hw * 0.62, Math.max(0.5, gap * 0.42));
  ctx.fill();
  ctx.strokeStyle = 'rgba(150,40,60,0.45)';
  ctx.lineWidth = 0.6;
  ctx.beginPath();
  ctx.moveTo(mx + 0.8, lowMid[1] + 0.5 - gap * 0.3);
  ctx.lineTo(mx + 0.8, lowMid[1]);
  ctx.stroke();
  // Upper teeth: a white band under the upper lip (bigger when the lip is raised).
  const teethH = 2.3 + 2.6 * ulr + 1.2 * stretch;
  ctx.fillStyle = pal.style.teeth;
  polyPath(ctx, [...upper, ...[...upper].reverse().map(([x, y]): [number, number] => [x, y + teethH])], true);
  ctx.fill();
  // Lower teeth when stretched (fear grimace) or snarling (disgust).
  const lowTeeth = 2.4 * stretch + 1.6 * ulr;
  if (lowTeeth > 0.01) {
    polyPath(ctx, [...lower, ...[...lower].reverse().map(([x, y]): [number, number] => [x, y - lowTeeth])], true);
    ctx.fill();
  }
  // tooth separations
  const sepAlpha = clamp01(0.2 + stretch + ulr);
  ctx.strokeStyle = `rgba(180,170,190,${0.7 * sepAlpha})`;
  ctx.lineWidth = 0.45;
  for (let k = -2; k <= 2; k++) {
    const x = mx + k * hw * 0.28;
    ctx.beginPath();
    ctx.moveTo(x, upMid[1] - 5);
    ctx.lineTo(x, upMid[1] + teethH);
    ctx.moveTo(x, lowMid[1] - lowTeeth);
    ctx.lineTo(x, lowMid[1] + 5);
    ctx.stroke();
  }
  ctx.restore();

  // Outline: a continuous line; when closed the two lips coincide into one stroke.
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  ctx.strokeStyle = pal.style.ink;
  ctx.lineWidth = 1.8 + 0.4 * clamp01(f.lipPress);
  polyPath(ctx, shape, true);
  ctx.stroke();

  // Dimples / tension marks at the corners: a smile's dimple, a press's bracket.
  for (const side of [-1, 1]) {
    const corner = side > 0 ? upper[upper.length - 1]! : upper[0]!;
    const smile = side > 0 ? f.mouthSmileLeft : f.mouthSmileRight;
    const dim = clamp01(smile * 1.3 - 0.15) + 0.6 * clamp01(f.lipPress - 0.3);
    if (dim <= 0) continue;
    ctx.strokeStyle = css(pal.ink, 0.8 * clamp01(dim));
    ctx.lineWidth = 1.1;
    const up = Math.max(0, smile);
    ctx.beginPath();
    ctx.moveTo(corner[0] + side * 0.8, corner[1] - 2.2 - up * 0.5);
    ctx.quadraticCurveTo(corner[0] + side * 2.4, corner[1], corner[0] + side * 0.8, corner[1] + 2.2 - up * 0.8);
    ctx.stroke();
  }
}

function drawExtras(ctx: CanvasRenderingContext2D, c: Cues, dx: number, dy: number): void {
  // Tears for sadness: a drop under the outer corner of each eye.
  const tear = smooth(0.25, 0.9, c.sad);
  if (tear > 0) {
    for (const side of [-1, 1]) {
      const x = HEAD_CX + dx + side * (EYE_DX + EYE_A * 0.55);
      const y = EYE_Y + dy + EYE_B * 0.9 + 2 + 4 * tear;
      const r = 1.1 + 1.3 * tear;
      ctx.fillStyle = `rgba(110,175,255,${0.9 * tear})`;
      dropPath(ctx, x, y, r, 2.2, 0.4);
      ctx.fill();
      ctx.fillStyle = `rgba(255,255,255,${0.8 * tear})`;
      ellipsePath(ctx, x - r * 0.35, y - r * 0.2, r * 0.25, r * 0.35);
      ctx.fill();
    }
  }
  // Fear: a sweat drop on the image-left temple.
  const sweat = smooth(0.1, 0.7, c.fear);
  if (sweat > 0) {
    const x = HEAD_CX + dx - 25;
    const y = 42 + dy + 3 * sweat;
    const r = 1.5 + 1.2 * sweat;
    ctx.fillStyle = `rgba(130,190,255,${0.95 * sweat})`;
    ctx.strokeStyle = `rgba(60,110,200,${0.8 * sweat})`;
    ctx.lineWidth = 0.6;
    dropPath(ctx, x, y, r, 2.4, 0.5);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = `rgba(255,255,255,${0.9 * sweat})`;
    ellipsePath(ctx, x - r * 0.35, y - r * 0.1, r * 0.25, r * 0.4);
    ctx.fill();
  }
  // Anger: a cross-popping vein mark on the image-right forehead.
  const vein = smooth(0.2, 0.8, c.anger);
  if (vein > 0) {
    const x = HEAD_CX + dx + 24;
    const y = 30 + dy;
    const s = 3.8 * (0.6 + 0.4 * vein);
    ctx.strokeStyle = `rgba(220,40,50,${vein})`;
    ctx.lineWidth = 1.3;
    ctx.lineCap = 'round';
    for (let q = 0; q < 4; q++) {
      const ang = q * (Math.PI / 2) + Math.PI / 4;
      const ox = x + Math.cos(ang) * s;
      const oy = y + Math.sin(ang) * s;
      // each quadrant is a little bracket bowing outwards
      const a1 = ang - Math.PI / 4;
      const a2 = ang + Math.PI / 4;
      ctx.beginPath();
      ctx.moveTo(ox + Math.cos(a1) * s * 0.7 - Math.cos(ang) * s * 0.2, oy + Math.sin(a1) * s * 0.7 - Math.sin(ang) * s * 0.2);
      ctx.quadraticCurveTo(ox, oy, ox + Math.cos(a2) * s * 0.7 - Math.cos(ang) * s * 0.2, oy + Math.sin(a2) * s * 0.7 - Math.sin(ang) * s * 0.2);
      ctx.stroke();
    }
  }
}

// ---------------------------------------------------------------------------------------

/** A drop (tear, sweat) with its round end of radius r at (x, y) and its tip `tip` radii above; `shoulder` widens the tip. */
function dropPath(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, tip: number, shoulder: number): void {
  ctx.beginPath();
  ctx.moveTo(x, y - r * tip);
  ctx.bezierCurveTo(x + r * shoulder, y - r * 1.2, x + r, y - r * 0.5, x + r, y);
  ctx.arc(x, y, r, 0, Math.PI, false);
  ctx.bezierCurveTo(x - r, y - r * 0.5, x - r * shoulder, y - r * 1.2, x, y - r * tip);
}

/** Draws the character filling a size x size square whose top-left is (0,0) of the current transform. */
export function drawCharacter(
  ctx: CanvasRenderingContext2D,
  features: FaceFeatures,
  size: number,
  style: CharacterStyle = DEFAULT_CHARACTER_STYLE,
): void {
  const f = sanitiseFeatures(features);
  const c = moodCues(f);
  const pal: Palette = {
    style,
    ink: parseColour(style.ink),
    plate: parseColour(style.plate),
    lid: parseColour(style.lid),
    shell: parseColour(style.shell),
    shellShade: parseColour(style.shellShade),
  };
  const s = Number.isFinite(size) && size > 0 ? size / 100 : 0;
  if (s === 0) return;

  ctx.save();
  ctx.scale(s, s);
  ctx.globalAlpha = 1;
  ctx.globalCompositeOperation = 'source-over';
  drawBackground(ctx, style);

  // Ground shadow (does not roll with the head).
  const sh = ctx.createRadialGradient(50, 94, 1, 50, 94, 30);
  sh.addColorStop(0, 'rgba(40,50,90,0.28)');
  sh.addColorStop(1, 'rgba(40,50,90,0)');
  ctx.fillStyle = sh;
  ellipsePath(ctx, 50 + f.headYaw * 20, 94, 30, 4.5);
  ctx.fill();

  // Head pose: roll rotates everything, yaw/pitch slide the face across the head (parallax).
  const yawShift = f.headYaw * 42;
  const pitchShift = -(f.headPitch + 0.05 * Math.abs(c.smirk)) * 34;
  // A little bounce: joy and alarm lift the head, sadness sinks it.
  const bob = -1.5 * c.joy - 1.2 * c.alarm + 1.8 * c.sad;
  ctx.translate(50, 60 + bob);
  ctx.rotate(f.headRoll);
  ctx.translate(-50, -60);

  const topY = HEAD_CY - HEAD_RY;
  drawAntenna(ctx, f, c, pal, topY, yawShift);
  drawHead(ctx, pal, yawShift);
  drawFacePlate(ctx, pal, c, yawShift, pitchShift);

  const dx = yawShift * 0.65;
  const dy = pitchShift * 0.6;
  ctx.save();
  facePlatePath(ctx, yawShift, pitchShift);
  ctx.clip();
  drawNoseAndCheeks(ctx, f, c, pal, dx, dy);
  for (const side of [-1, 1]) drawEye(ctx, side, f, c, pal, dx, dy);
  for (const side of [-1, 1]) drawBrow(ctx, side, f, c, pal, dx, dy);
  drawMouth(ctx, f, c, pal, dx, dy);
  ctx.restore();
  drawExtras(ctx, c, dx, dy);

  ctx.restore();
}
