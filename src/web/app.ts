/**
 * The EmoteBot page's runtime: the Animator on requestAnimationFrame through a TimestampClock,
 * the face (character or photo) drawn each frame, and the controls turned into triggers. Every
 * trigger starts at the time of the last drawn frame, so the change begins on the very next
 * frame and blends from wherever the face is. No clock is read but the frame callback's
 * timestamp (performance.now() only measures the frame's own cost, for the statistics).
 */
import { EMOTIONS, type Emotion, isEmotion } from '../core/emotions.ts';
import type { ExpressionTarget, FrameState } from '../motion/animator.ts';
import { TimestampClock } from '../motion/clock.ts';
import { FpsMeter } from './fps.ts';
import type { PageOptions } from './options.ts';
import { PhotoError, type AnalysedPhoto, type PhotoAnalyser } from './photo-client.ts';
import { uncertainMeshNote } from '../face/crop.ts';
import { describeTargets, emotionTargets, textTargets } from './targets.ts';
import { characterView, photoContext, photoView, type FaceView } from './views.ts';
import { makeClip, type ClipServices } from './clip.ts';
import type { PageModels } from './models.ts';

export interface AppElements {
  /** The character's canvas (Canvas 2D); frame counters live on it as data attributes. */
  canvas: HTMLCanvasElement;
  /** The photo's canvas (WebGL2), stacked on the character's. */
  photoCanvas: HTMLCanvasElement;
  stage: HTMLElement;
  form: HTMLFormElement;
  input: HTMLInputElement;
  emotions: HTMLElement;
  intensity: HTMLInputElement;
  intensityOut: HTMLOutputElement;
  fps: HTMLElement;
  messages: HTMLElement;
  face: HTMLSelectElement;
  file: HTMLInputElement;
  webcam: HTMLButtonElement;
  webcamPanel: HTMLElement;
  webcamVideo: HTMLVideoElement;
  snap: HTMLButtonElement;
  snapCancel: HTMLButtonElement;
  download: HTMLButtonElement;
  downloadFormat: HTMLSelectElement;
}

export interface AppServices extends ClipServices {
  analyser: PhotoAnalyser;
  /** The expression and motion models (learned, or the hand-written baselines). */
  models: PageModels;
  /** URL of the bundled Mona Lisa (same origin). */
  monaLisaUrl: string;
  /** Camera access (navigator.mediaDevices), absent where the browser has none. */
  mediaDevices?: Pick<MediaDevices, 'getUserMedia'>;
}

/** Per-frame figures for the benchmark: main-thread ms spent in each frame, and trigger latency in frames. */
export interface AppStats {
  frames: number;
  workMs: number[];
  latencyFrames: number[];
}

export interface App {
  stats(): AppStats;
  stop(): void;
}

type Host = Pick<Window, 'requestAnimationFrame' | 'cancelAnimationFrame' | 'document'>;

type MessageKind = 'note' | 'status' | 'error';

function showMessages(list: HTMLElement, lines: readonly { text: string; kind: MessageKind }[]): void {
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

const STATS_WINDOW = 1800;

export function startApp(el: AppElements, host: Host, options: PageOptions, services: AppServices): App {
  const rig = services.models.rig;
  const character = characterView(el.canvas, rig);
  let view: FaceView = character;
  let photo: { view: FaceView; source: AnalysedPhoto; name: string; choice: 'mona-lisa' | 'photo' } | undefined;
  let gl: WebGL2RenderingContext | null | undefined;

  const { models } = services;
  const animator = models.createMotion({
    seed: options.seed, idle: options.idle,
    ...(options.blinksPerMinute === undefined ? {} : { blinksPerMinute: options.blinksPerMinute }),
    ...(models.codeFor ? { codeFor: models.codeFor(options.seed) } : {}),
  });
  const clock = new TimestampClock();
  const meter = new FpsMeter();
  const listeners = new AbortController();
  const { signal } = listeners;
  let state: FrameState | undefined;
  let frames = 0;
  let handle = 0;
  let lastEmotion: Emotion | null = null;
  let lastTargets: ExpressionTarget[] | null = null;
  const workMs: number[] = [];
  const latencyFrames: number[] = [];
  let pendingTrigger: { frame: number; code: Float64Array } | null = null;

  const strength = (): number => Number(el.intensity.value) / 100;
  const say = (lines: readonly { text: string; kind: MessageKind }[]): void => showMessages(el.messages, lines);

  const describeFace = (): string => (view.kind === 'bot' ? 'EmoteBot' : (photo?.name ?? 'the photo'));
  const label = (targets: readonly ExpressionTarget[]): void => {
    const text = `${describeFace()}, ${describeTargets(targets)}`;
    el.canvas.setAttribute('aria-label', text);
    el.photoCanvas.setAttribute('aria-label', text);
  };

  const trigger = (targets: ExpressionTarget[]): void => {
    animator.trigger(clock.time, targets);
    lastTargets = targets;
    pendingTrigger = state ? { frame: frames, code: Float64Array.from(state.code) } : null;
    label(targets);
  };

  const pressed = (emotion: Emotion | null): void => {
    for (const b of el.emotions.querySelectorAll<HTMLButtonElement>('button[data-emotion]')) {
      b.setAttribute('aria-pressed', String(b.dataset.emotion === emotion));
    }
  };

  const frame = (stampMs: number): void => {
    const w0 = performance.now();
    const t = clock.update(stampMs);
    const rate = meter.frame(stampMs);
    state = animator.evaluate(t, state);
    view.draw(state);
    frames++;
    if (pendingTrigger) {
      const before = pendingTrigger.code;
      if (state.code.some((v, i) => Math.abs(v - before[i]!) > 1e-6)) {
        latencyFrames.push(frames - pendingTrigger.frame);
        if (latencyFrames.length > STATS_WINDOW) latencyFrames.shift();
        pendingTrigger = null;
      }
    }
    el.canvas.dataset.frames = String(frames);
    el.canvas.dataset.time = t.toFixed(3);
    if (frames % 15 === 0) el.fps.textContent = `${Math.round(rate)} fps`;
    if (frames % 240 === 0) animator.prune(t);
    workMs.push(performance.now() - w0);
    if (workMs.length > STATS_WINDOW) workMs.shift();
    handle = host.requestAnimationFrame(frame);
  };

  // Which face shows.
  const show = (next: FaceView): void => {
    view = next;
    el.photoCanvas.hidden = next.kind !== 'photo';
    el.canvas.classList.toggle('behind', next.kind === 'photo');
    el.stage.dataset.face = next.kind;
    if (lastTargets) label(lastTargets);
  };

  const choice = (): string => (view.kind === 'bot' ? 'bot' : (photo?.choice ?? 'bot'));
  let loading = 0;
  const loadPhoto = async (source: Blob | ImageBitmap, name: string, which: 'mona-lisa' | 'photo'): Promise<void> => {
    const ticket = ++loading;
    el.stage.dataset.busy = 'true';
    say([{ text: `Looking for a face in ${name}… (in this browser; the photo is not sent anywhere)`, kind: 'status' }]);
    try {
      if (gl === undefined) gl = photoContext(el.photoCanvas);
      if (!gl) throw new PhotoError('no-webgl', 'This browser has no WebGL2, so photos cannot be animated here.');
      const size = Math.min(el.photoCanvas.width, 1024);
      const analysed = await services.analyser.analyse(source, size);
      if (ticket !== loading) { analysed.image.close(); return; }
      const next = photoView(gl, { image: analysed.image, width: analysed.width, height: analysed.height, mesh: analysed.mesh, ...(analysed.skin ? { skin: analysed.skin } : {}) }, rig, models.photoOptions(options.seed));
      if (photo) { photo.view.dispose(); photo.source.image.close(); }
      photo = { view: next, source: analysed, name, choice: which };
      show(next);
      el.face.value = which;
      const notes = analysed.faceCount > 1 ? [{ text: `Found ${analysed.faceCount} faces; animating the largest.`, kind: 'note' as const }] : [];
      const uncertain = uncertainMeshNote(analysed.flipDiscrepancy);
      if (uncertain) notes.push({ text: `${uncertain[0]!.toUpperCase()}${uncertain.slice(1)}.`, kind: 'note' });
      say([{ text: `Animating ${name}. Type or pick an emotion.`, kind: 'status' }, ...notes]);
    } catch (e) {
      if (ticket !== loading) return;
      el.face.value = choice();
      const text = e instanceof PhotoError ? e.message : `The photo could not be used: ${e instanceof Error ? e.message : String(e)}`;
      say([{ text, kind: 'error' }]);
    } finally {
      if (ticket === loading) delete el.stage.dataset.busy;
    }
  };

  const loadMonaLisa = async (): Promise<void> => {
    let blob: Blob;
    try {
      const res = await fetch(services.monaLisaUrl);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      blob = await res.blob();
    } catch (e) {
      say([{ text: `The bundled Mona Lisa could not be loaded (${e instanceof Error ? e.message : String(e)}).`, kind: 'error' }]);
      el.face.value = choice();
      return;
    }
    await loadPhoto(blob, 'the Mona Lisa', 'mona-lisa');
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
    say([{ text: `Showing ${describeTargets(targets)}.`, kind: 'status' }]);
  }, { signal });

  el.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = el.input.value.trim();
    if (text === '') return;
    const parsed = textTargets(text, strength());
    lastEmotion = null;
    pressed(null);
    trigger(parsed.targets);
    say([
      ...parsed.messages.map((m) => ({ text: m, kind: 'note' as const })),
      ...(parsed.understood ? [{ text: `Showing ${describeTargets(parsed.targets)}.`, kind: 'status' as const }] : []),
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
    const v = el.face.value;
    if (v === 'bot') { show(character); return; }
    if (v === 'mona-lisa') {
      if (photo?.choice === 'mona-lisa') show(photo.view);
      else void loadMonaLisa();
      return;
    }
    if (v === 'photo') {
      if (photo?.choice === 'photo') show(photo.view);
      else { el.face.value = choice(); el.file.click(); }
    }
  }, { signal });

  el.file.addEventListener('change', () => {
    const f = el.file.files?.[0];
    el.file.value = '';
    if (f) void loadPhoto(f, f.name || 'your photo', 'photo');
  }, { signal });

  // Drop a photo anywhere on the stage.
  el.stage.addEventListener('dragover', (ev) => {
    if (!ev.dataTransfer?.types.includes('Files')) return;
    ev.preventDefault();
    ev.dataTransfer.dropEffect = 'copy';
    el.stage.classList.add('dropping');
  }, { signal });
  el.stage.addEventListener('dragleave', () => el.stage.classList.remove('dropping'), { signal });
  el.stage.addEventListener('drop', (ev) => {
    ev.preventDefault();
    el.stage.classList.remove('dropping');
    const files = ev.dataTransfer?.files;
    const f = files?.[0];
    if (!f) return;
    if (files.length > 1) say([{ text: `Dropped ${files.length} files; using ${f.name}.`, kind: 'note' }]);
    void loadPhoto(f, f.name || 'your photo', 'photo');
  }, { signal });

  // Webcam snapshot: the live picture shows until the snapshot or cancel; the camera stops after.
  let stream: MediaStream | null = null;
  const stopCamera = (): void => {
    for (const t of stream?.getTracks() ?? []) t.stop();
    stream = null;
    el.webcamVideo.srcObject = null;
    el.webcamPanel.hidden = true;
  };
  el.webcam.addEventListener('click', () => {
    if (!services.mediaDevices) {
      say([{ text: 'This browser gives the page no camera.', kind: 'error' }]);
      return;
    }
    services.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false }).then(
      async (s) => {
        stream = s;
        el.webcamVideo.srcObject = s;
        el.webcamPanel.hidden = false;
        await el.webcamVideo.play();
        say([{ text: 'Look at the camera and press "Take snapshot". The picture stays in this browser.', kind: 'status' }]);
      },
      (e: unknown) => {
        stopCamera();
        const name = e instanceof DOMException ? e.name : '';
        say([{ text: name === 'NotAllowedError' ? 'The camera was not allowed.' : name === 'NotFoundError' ? 'No camera was found.' : `The camera could not start (${e instanceof Error ? e.message : String(e)}).`, kind: 'error' }]);
      },
    );
  }, { signal });
  el.snap.addEventListener('click', () => {
    const video = el.webcamVideo;
    if (!stream || video.videoWidth === 0) return;
    createImageBitmap(video).then(
      (bitmap) => { stopCamera(); void loadPhoto(bitmap, 'your webcam snapshot', 'photo'); },
      (e: unknown) => { stopCamera(); say([{ text: `The snapshot failed (${e instanceof Error ? e.message : String(e)}).`, kind: 'error' }]); },
    );
  }, { signal });
  el.snapCancel.addEventListener('click', stopCamera, { signal });

  // Download: the current animation (the last trigger) as a clip from neutral and back, made here.
  let making: AbortController | null = null;
  el.download.addEventListener('click', () => {
    if (making) { making.abort(); return; }
    if (!lastTargets) {
      say([{ text: 'Type or pick an emotion first; the download is that animation.', kind: 'note' }]);
      return;
    }
    const format = el.downloadFormat.value === 'webm' ? 'webm' : 'gif';
    const job = new AbortController();
    making = job;
    el.download.textContent = 'Cancel';
    const face = view.kind === 'photo' && photo ? { kind: 'photo' as const, photo: photo.source } : { kind: 'bot' as const };
    const targets = lastTargets;
    makeClip(services, { face, rig, models, targets, format, seed: options.seed, idle: options.idle, blinksPerMinute: options.blinksPerMinute, signal: job.signal,
      onProgress: (done, total) => say([{ text: `Making the ${format.toUpperCase()}… ${Math.round((100 * done) / total)}%`, kind: 'status' }]) }).then(
      (clip) => {
        const a = doc.createElement('a');
        const url = URL.createObjectURL(clip.blob);
        a.href = url;
        a.download = clip.name;
        doc.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
        say([{ text: `Saved ${clip.name} (${clip.frames} frames, ${(clip.blob.size / 1024).toFixed(0)} KB).`, kind: 'status' }]);
      },
      (e: unknown) => {
        say([{ text: job.signal.aborted ? 'Download cancelled.' : `The ${format.toUpperCase()} could not be made: ${e instanceof Error ? e.message : String(e)}`, kind: job.signal.aborted ? 'note' : 'error' }]);
      },
    ).finally(() => {
      making = null;
      el.download.textContent = 'Download';
    });
  }, { signal });

  show(character);
  if (models.notes.length > 0) say(models.notes.map((text) => ({ text, kind: 'note' as const })));
  handle = host.requestAnimationFrame(frame);
  return {
    stats: () => ({ frames, workMs: workMs.slice(), latencyFrames: latencyFrames.slice() }),
    stop() {
      host.cancelAnimationFrame(handle);
      listeners.abort();
      making?.abort();
      stopCamera();
      photo?.view.dispose();
      services.analyser.dispose();
    },
  };
}
