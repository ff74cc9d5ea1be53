/**
 * The EmoteBot page's runtime: the Animator on requestAnimationFrame through a TimestampClock,
 * the character drawn each frame, and the controls turned into triggers. Every trigger starts
 * at the time of the last drawn frame, so the change begins on the very next frame and blends
 * from wherever the face is. No clock is read but the frame callback's timestamp.
 */
import { EMOTIONS, type Emotion, isEmotion } from '../core/emotions.ts';
import { createExpressionRig } from '../core/rig.ts';
import { canonicalFace } from '../core/topology.ts';
import { Animator, type ExpressionTarget, type FrameState } from '../motion/animator.ts';
import { TimestampClock } from '../motion/clock.ts';
import { drawCharacter } from '../render/character.ts';
import { characterFeatures } from '../render/character-frame.ts';
import { FpsMeter } from './fps.ts';
import type { PageOptions } from './options.ts';
import { describeTargets, emotionTargets, textTargets } from './targets.ts';

export interface AppElements {
  canvas: HTMLCanvasElement;
  form: HTMLFormElement;
  input: HTMLInputElement;
  emotions: HTMLElement;
  intensity: HTMLInputElement;
  intensityOut: HTMLOutputElement;
  fps: HTMLElement;
  messages: HTMLElement;
  face: HTMLSelectElement;
  faceNote: HTMLElement;
}

export interface App {
  stop(): void;
}

type Host = Pick<Window, 'requestAnimationFrame' | 'cancelAnimationFrame' | 'document'>;

const PHOTO_NOTE = 'Photo support comes next: the page animates the EmoteBot character for now (the command line animates photos).';

function showMessages(list: HTMLElement, lines: readonly { text: string; kind: 'note' | 'status' }[]): void {
  const doc = list.ownerDocument;
  list.replaceChildren(
    ...lines.map((l) => {
      const li = doc.createElement('li');
      li.className = l.kind;
      li.textContent = l.text;
      return li;
    }),
  );
}

export function startApp(el: AppElements, host: Host, options: PageOptions): App {
  const ctx = el.canvas.getContext('2d');
  if (!ctx) throw new Error('This browser has no Canvas 2D.');
  const rig = createExpressionRig();
  const neutral = canonicalFace();
  const moved = new Float64Array(neutral.length);
  const animator = new Animator({ seed: options.seed, idle: options.idle, blinksPerMinute: options.blinksPerMinute });
  const clock = new TimestampClock();
  const meter = new FpsMeter();
  const listeners = new AbortController();
  const { signal } = listeners;
  let scratch: FrameState | undefined;
  let frames = 0;
  let handle = 0;
  let lastEmotion: Emotion | null = null;

  const strength = (): number => Number(el.intensity.value) / 100;

  const trigger = (targets: readonly ExpressionTarget[]): void => {
    animator.trigger(clock.time, targets);
    el.canvas.setAttribute('aria-label', `EmoteBot, ${describeTargets(targets)}`);
  };

  const pressed = (emotion: Emotion | null): void => {
    for (const b of el.emotions.querySelectorAll<HTMLButtonElement>('button[data-emotion]')) {
      b.setAttribute('aria-pressed', String(b.dataset.emotion === emotion));
    }
  };

  const frame = (stampMs: number): void => {
    const t = clock.update(stampMs);
    const rate = meter.frame(stampMs);
    scratch = animator.evaluate(t, scratch);
    const features = characterFeatures(rig, neutral, scratch, moved);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    drawCharacter(ctx, features, el.canvas.width);
    frames++;
    el.canvas.dataset.frames = String(frames);
    el.canvas.dataset.time = t.toFixed(3);
    if (frames % 15 === 0) el.fps.textContent = `${Math.round(rate)} fps`;
    if (frames % 240 === 0) animator.prune(t);
    handle = host.requestAnimationFrame(frame);
  };

  // Controls
  const doc = host.document;
  el.emotions.replaceChildren(
    ...EMOTIONS.map((e) => {
      const b = doc.createElement('button');
      b.type = 'button';
      b.dataset.emotion = e;
      b.textContent = e;
      b.setAttribute('aria-pressed', 'false');
      return b;
    }),
  );
  el.emotions.addEventListener('click', (ev) => {
    const b = (ev.target as Element | null)?.closest('button[data-emotion]');
    const e = b instanceof HTMLElement ? b.dataset.emotion : undefined;
    if (e === undefined || !isEmotion(e)) return;
    lastEmotion = e;
    pressed(e);
    const targets = emotionTargets(e, strength());
    trigger(targets);
    showMessages(el.messages, [{ text: `Showing ${describeTargets(targets)}.`, kind: 'status' }]);
  }, { signal });

  el.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = el.input.value.trim();
    if (text === '') return;
    const say = textTargets(text, strength());
    lastEmotion = null;
    pressed(null);
    trigger(say.targets);
    showMessages(el.messages, [
      ...say.messages.map((m) => ({ text: m, kind: 'note' as const })),
      ...(say.understood ? [{ text: `Showing ${describeTargets(say.targets)}.`, kind: 'status' as const }] : []),
    ]);
  }, { signal });

  const showStrength = (): void => {
    el.intensityOut.value = `${el.intensity.value}%`;
  };
  showStrength();
  el.intensity.addEventListener('input', () => {
    showStrength();
    // A held emotion follows the slider; typed words use it from the next Enter.
    if (lastEmotion !== null) trigger(emotionTargets(lastEmotion, strength()));
  }, { signal });

  el.face.addEventListener('change', () => {
    const photo = el.face.value !== 'bot';
    el.faceNote.textContent = photo ? PHOTO_NOTE : '';
    el.faceNote.hidden = !photo;
    el.face.value = 'bot';
  }, { signal });

  handle = host.requestAnimationFrame(frame);
  return {
    stop() {
      host.cancelAnimationFrame(handle);
      listeners.abort();
    },
  };
}
