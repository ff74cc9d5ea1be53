/**
 * `emotebot train expressions` and `emotebot eval expressions`.
 *
 * Training: faces (.ebds, aligned meshes with labels) -> the expression space (mean neutral face,
 * identity basis) -> every face's code and intensity -> a short ablation of the stabilisers ->
 * the conditional GAN (best checkpoint on the dev part) -> measurement on the val part beside the
 * rig -> the model folder (weights + manifest with the command, data counts, seed, seconds and
 * figures) and a report folder (tables, loss curves, contact sheets).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type * as TF from '@tensorflow/tfjs';
import { Progress } from '../cli/progress.ts';
import type { Io } from '../cli/main.ts';
import { EMOTIONS, type Emotion, type EmotionWeights } from '../core/emotions.ts';
import { EmoteBotError } from '../core/errors.ts';
import { createCodeReader, type ExpressionSpace, neutraliseFace, removalFloorOf } from '../core/expression-space.ts';
import { ACTION_UNITS, AU_COUNT, codeFromEmotions, createExpressionRig } from '../core/rig.ts';
import { createRng, gaussian, subSeed } from '../core/rng.ts';
import { LANDMARK_COUNT } from '../core/topology.ts';
import type { FrameState } from '../motion/animator.ts';
import { createCharacterRenderer } from '../render/character-renderer.ts';
import { fitFace } from '../render/pose.ts';
import { writeModelDir } from './files.ts';
import { type BrowFromTexture, browFromTexture, lidsFromTexture } from './brow-texture.ts';
import { DETAIL_SIZE } from './detail-data.ts';
import { type FaceSet, indicesOf, loadClips, loadFaceSets, PART_DEV, PART_FIT, PART_VAL, type VideoClips } from './expression-data.ts';
import { type EvalReport, evaluateExpressions, frechetScore, measuredEmotions, partRecognisability, rawIdentitySpace, realAccuracy, type SpaceFigures, spaceFigures, trainLandmarkClassifier } from './expression-eval.ts';
import { KEEP_WHEN_NEUTRALISING, readExpressionModel } from './expression-files.ts';
import { createExpressionModel, EXPRESSION_MODEL_NAME, EXPRESSION_MODEL_VERSION, type ExpressionModel, expressionModelVersionFor, expressionRigFor, GAN_EMOTIONS, type GanEmotion, heldUnitsOf, modelTensors, photoNeutralisation } from './expression-gan.ts';
import { apexGains, buildSpaceFromFaces, clearMeanCodes, codeEnvelope, DEFAULT_APEX_PERCENTILE, DEFAULT_SPACE, type Directions, ganDataOf, intensityLabels, learnedEmotions, MIN_LEARNED_FACES, readAllCodes, type RemovalFloorFigures, removalFloorFigures, shapeResidualFields, type SpaceChoice } from './expression-pipeline.ts';
import { evalTable, ganLossPng, gridPng, reportFolder, spaceTable, validationPng } from './expression-report.ts';
import { useWasmBackend } from './expression-tf.ts';
import { DEFAULT_GAN_CONFIG, type GanConfig, type TrainResult, trainGan } from './expression-train.ts';
import { encodeModel } from './manifest.ts';
import { numberOption, parseEmotionList } from '../cli/options.ts';

export const TRAIN_HELP = `emotebot train expressions: learn what real faces do per emotion

Usage
  emotebot train expressions --data <file.ebds> [--data <file.ebds>...] --out <model dir> [options]

Options
  --data <file>         a face dataset from "emotebot data prepare" (repeat for several)
  --videos <file>       a sequences file from "emotebot data prepare-video": clips of one person
                        each, used to measure how much identity leaks into the code
  --out <dir>           where the model goes (manifest.json + weights); default models/expression-gan
  --report <dir>        where the report goes (tables, loss curves, contact sheets); default
                        reports/expression-gan
  --seed <n>            seed for the split, the initial weights and every batch (default 1)
  --steps <n>           GAN training steps (default ${DEFAULT_GAN_CONFIG.steps})
  --ablation-steps <n>  steps of each short run that measures a stabiliser (default 1000; 0: none)
  --identity <k>        identity directions in the expression space (default ${DEFAULT_SPACE.identityComponents})
  --rig-for <list>      emotions whose generated codes are replaced by the rig's prototype at run
                        time (comma-separated, e.g. sad,fearful); training and the measurement are
                        unchanged, the manifest says which and why
  --shape <auto|class-mean|intensity-1>  which learned shape beyond the rig's fields ships: auto
                        (default) chooses on the dev part with a landmark classifier; the others
                        force one (e.g. when a dev measure on rendered images chose it); the
                        landmark classifier's figures are recorded either way
  --mean-for <list>     emotions whose run-time code is the data's mean code of their clearest faces
                        (times the intensity and the apex gain, no noise) instead of the generator's
                        (comma-separated, e.g. surprised); the manifest says which
  --code-for <emotion>:<unit>=<value>,...  an emotion whose run-time code is the one given (before
                        the apex gain; units left out are 0; times the intensity and the gain, no
                        noise), played as --mean-for plays the data's mean: a hand-set code chosen
                        on dev faces; the manifest records it (architecture.codeFor); repeatable
  --plain-for <list>    learned emotions the generator plays without its seeded variety (its
                        expression noise held at 0): the same code every time, along the generator's
                        own path through the intensities, through its reference code at intensity 1
                        (comma-separated, e.g. angry); the weights are unchanged, the manifest
                        names them (architecture.plainFor)
  --hold-units <emotions>:<units>  these emotions' codes hold these action units at the face's
                        neutral (e.g. angry,disgusted:AU6,AU12L,AU12R,AU14L,AU14R: the smile's units,
                        which FACS's anger and disgust do not have but the data's AU reading of open
                        shouting mouths does); repeatable; the weights are unchanged, the manifest
                        names them (architecture.heldUnits) and the runtime leaves them out
  --apex-percentile <p>  what intensity 1 stands for: the p-quantile of real faces of each emotion
                        along its clearest faces' mean (default ${DEFAULT_APEX_PERCENTILE}; see apexGains)
  --removal-floor <mean|learned>  above which floor a photo's code is taken out at rest: the
                        mean neutral code (default; a version 3 model), or learned from photos of
                        the same people (the floor per unit nearest, in least squares, to what each
                        photo shows above its person's other neutral photos; src/core/removal-floor.ts;
                        a version 4 model, the README's). Expressions are drawn on the face
                        neutralised against the mean neutral code either way (createApexNeutral).
                        The learned floor's dev figures are logged and kept in the manifest
  --brow-from-texture <list|all>  for these emotions (comma-separated, e.g. sad,angry, or all),
                        also move the brows as far as the faces' textures say the tracked meshes
                        missed: per emotion, the vertical shift of the brow band that best explains
                        its detail at intensity 1 against the neutral mean texture, added to its
                        learned shape (src/core/brow-shift.ts; needs datasets with textures; off by
                        default; the manifest keeps the shifts)
  --lids-from-texture <list|all>  the same for the upper lids: per emotion, the vertical shift of
                        the upper lid that best explains its texture at intensity 1 around the
                        eye opening (full-resolution map, unmasked; bridged over the iris, where a
                        raised lid shows the white of the eye), added to its learned shape (off
                        by default; the manifest keeps the shifts)
  --identity-from <people|faces>  principal components of each named person's mean neutral face
                        (default; needs data that names people) or of every neutral face
  --quiet               no progress on stderr`;

export const EVAL_HELP = `emotebot eval expressions: measure the learned expressions on held-out real faces

Usage
  emotebot eval expressions --data <file.ebds> [--data ...] [--model <dir>] [--videos <file.ebseq>] [--seed <n>] [--json]`;

/** Run-time spread of the expression noise (fixed before measuring; the report measures 0, this and 1). */
export const RUNTIME_NOISE_SCALE = 0.5;

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MONA_LISA = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'mona-lisa.jpg');

const quote = (a: string) => (/^[\w./=:,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

interface Prepared {
  faces: FaceSet;
  clips: VideoClips | null;
  codes: Float32Array;
  rms: Float32Array;
  intensity: Float32Array;
}

function log(io: Io, quiet: boolean, line: string): void {
  if (!quiet) io.err(line);
}

function countsLine(faces: FaceSet, part: number): string {
  return EMOTIONS.map((e) => `${e} ${indicesOf(faces, part, e).length}`).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Training

export async function runTrainExpressions(args: string[], io: Io): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) { io.out(TRAIN_HELP); return 0; }
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      data: { type: 'string', multiple: true }, videos: { type: 'string' }, out: { type: 'string', default: path.join('models', 'expression-gan') },
      report: { type: 'string', default: path.join('reports', 'expression-gan') }, seed: { type: 'string' }, steps: { type: 'string' },
      'ablation-steps': { type: 'string' }, identity: { type: 'string' }, 'identity-from': { type: 'string' }, 'rig-for': { type: 'string' }, 'apex-percentile': { type: 'string' }, 'mean-for': { type: 'string' }, 'removal-floor': { type: 'string', default: 'mean' }, 'brow-from-texture': { type: 'string' }, 'lids-from-texture': { type: 'string' }, 'hold-units': { type: 'string', multiple: true }, 'code-for': { type: 'string', multiple: true }, 'plain-for': { type: 'string' }, shape: { type: 'string', default: 'auto' }, quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) throw new EmoteBotError('bad-argument', `unexpected argument "${positionals[0]}" (see emotebot train expressions --help)`);
  if (!values.data?.length) throw new EmoteBotError('bad-argument', 'train expressions needs --data <file.ebds> (see emotebot train expressions --help)');
  const seed = numberOption('seed', values.seed, 1, 0, 2 ** 31 - 1, true);
  const steps = numberOption('steps', values.steps, DEFAULT_GAN_CONFIG.steps, 10, 1_000_000, true);
  const ablationSteps = numberOption('ablation-steps', values['ablation-steps'], 1000, 0, 1_000_000, true);
  const identity = numberOption('identity', values.identity, DEFAULT_SPACE.identityComponents, 0, 200, true);
  const quiet = values.quiet;
  const apexPercentile = numberOption('apex-percentile', values['apex-percentile'], DEFAULT_APEX_PERCENTILE, 0.5, 0.999, false);
  const shapeOption = values.shape;
  if (shapeOption !== 'auto' && shapeOption !== 'class-mean' && shapeOption !== 'intensity-1') throw new EmoteBotError('bad-argument', `--shape must be "auto", "class-mean" or "intensity-1", got "${shapeOption}"`);
  const rigFor = (values['rig-for'] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  for (const e of rigFor) if (!GAN_EMOTIONS.includes(e as (typeof GAN_EMOTIONS)[number])) throw new EmoteBotError('bad-argument', `--rig-for: "${e}" is not one of ${GAN_EMOTIONS.join(', ')}`);
  const meanFor = (values['mean-for'] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  for (const e of meanFor) {
    if (!GAN_EMOTIONS.includes(e as (typeof GAN_EMOTIONS)[number])) throw new EmoteBotError('bad-argument', `--mean-for: "${e}" is not one of ${GAN_EMOTIONS.join(', ')}`);
    if (rigFor.includes(e)) throw new EmoteBotError('bad-argument', `--mean-for and --rig-for both name ${e}`);
  }
  const codeFor = parseCodeFor(values['code-for'] ?? []);
  for (const e of Object.keys(codeFor)) {
    if (rigFor.includes(e) || meanFor.includes(e)) throw new EmoteBotError('bad-argument', `--code-for ${e}: ${rigFor.includes(e) ? '--rig-for' : '--mean-for'} also names it`);
  }
  const plainFor = parseEmotionList(values['plain-for'], 'plain-for', GAN_EMOTIONS).list;
  for (const e of plainFor) {
    const other = rigFor.includes(e) ? '--rig-for' : meanFor.includes(e) ? '--mean-for' : Object.hasOwn(codeFor, e) ? '--code-for' : null;
    if (other) throw new EmoteBotError('bad-argument', `--plain-for ${e}: ${other} also names it`);
  }
  const brows = parseEmotionList(values['brow-from-texture'], 'brow-from-texture', GAN_EMOTIONS);
  const lids = parseEmotionList(values['lids-from-texture'], 'lids-from-texture', GAN_EMOTIONS);
  const heldUnits = parseHeldUnits(values['hold-units'] ?? []);

  const removalKind = values['removal-floor'];
  if (removalKind !== 'learned' && removalKind !== 'mean') throw new EmoteBotError('bad-argument', `--removal-floor must be "learned" or "mean", got "${removalKind}"`);
  const command = ['emotebot', 'train', 'expressions', ...args].map(quote).join(' ');
  const t0 = performance.now();
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const tf = await useWasmBackend();
    const rig = createExpressionRig();
    const textures = brows.list.length > 0 || lids.list.length > 0;
    const faces = await Progress.phase(textures ? 'reading the faces and their textures' : 'reading the faces', loadFaceSets(values.data, { seed, texture: textures }), quiet);
    const clips = values.videos ? await loadClips(values.videos) : null;
    for (const s of faces.sources) log(io, quiet, `emotebot: ${s.file}: ${s.used} of ${s.faces} faces used (${s.dropped} turned, tilted or badly aligned)`);
    log(io, quiet, `emotebot: fit part: ${countsLine(faces, PART_FIT)}`);
    log(io, quiet, `emotebot: val part (held out): ${countsLine(faces, PART_VAL)}`);
    if (clips) log(io, quiet, `emotebot: ${clips.clips.length} video clips, ${clips.clips.reduce((s, c) => s + c.frames, 0)} usable frames`);

    const from = values['identity-from'] ?? DEFAULT_SPACE.identityFrom;
    if (from !== 'people' && from !== 'faces') throw new EmoteBotError('bad-argument', `--identity-from must be "people" or "faces", got "${from}"`);
    const choice: SpaceChoice = { ...DEFAULT_SPACE, identityComponents: identity, identityFrom: from };
    const built = buildSpaceFromFaces(faces, rig.basis, clips, choice, seed);
    const { space } = built;
    const { codes, rms } = readAllCodes(faces, space);
    const { intensity, model: intensityModel } = intensityLabels(faces, codes, space);
    const prepared: Prepared = { faces, clips, codes, rms, intensity };
    const learned = learnedEmotions(faces);
    for (const e of plainFor) {
      if (!learned[GAN_EMOTIONS.indexOf(e as (typeof GAN_EMOTIONS)[number])]) throw new EmoteBotError('bad-argument', `--plain-for ${e}: the data has too few ${e} faces for the generator to learn it (it plays the rig's prototype)`);
    }
    const envelope = codeEnvelope(faces, codes, space);
    const removal = removalFloorFigures(faces, codes, space, KEEP_WHEN_NEUTRALISING, removalKind);
    const learnedFloor = removal.learned;
    // The space the model ships: with a learned floor, the neutraliser takes photos' codes out above it (version 4);
    // with the mean neutral code it is version 3's space, byte for byte.
    const shippedSpace: ExpressionSpace = removal.kind === 'learned' ? { ...space, removalFloor: removal.floor } : space;
    log(io, quiet, `emotebot: ${removalFloorLine(removal)}`);
    log(io, quiet, `emotebot: expression space: mean of ${built.neutralUsed} neutral faces, ${space.identityCount} identity directions from the ${built.identitySource}; learned: ${GAN_EMOTIONS.filter((_, k) => learned[k]).join(', ')}; rig prototype for: ${GAN_EMOTIONS.filter((_, k) => !learned[k]).join(', ') || 'none'}`);
    const data = ganDataOf(faces, codes, intensity, [PART_FIT]);
    const devScore = (g: Parameters<typeof frechetScore>[0]) => frechetScore(g, faces, codes, intensity, learned, PART_DEV, seed);

    // The stabilisers, measured: short runs that each change one switch of the full recipe.
    const base: GanConfig = { ...DEFAULT_GAN_CONFIG, seed, learned };
    const variants: { name: string; config: GanConfig }[] = [
      { name: 'recipe as shipped', config: base },
      { name: base.r1 > 0 ? 'no R1 penalty' : 'R1 penalty 1', config: { ...base, r1: base.r1 > 0 ? 0 : 1 } },
      { name: base.realLabel < 1 ? 'no label smoothing' : 'label smoothing 0.9', config: { ...base, realLabel: base.realLabel < 1 ? 1 : 0.9 } },
      ...(['natural', 'sqrt', 'uniform'] as const).filter((b) => b !== base.balance).map((b) => ({ name: `${b} class frequencies`, config: { ...base, balance: b } })),
      { name: base.mirror ? 'no mirroring' : 'mirroring', config: { ...base, mirror: !base.mirror } },
      { name: base.ema > 0 ? 'no weight averaging (EMA)' : 'weight averaging 0.995', config: { ...base, ema: base.ema > 0 ? 0 : 0.995 } },
    ];
    const ablation: { name: string; bestDev: number; finalDev: number; rareDev: number; perEmotion: Record<string, number> }[] = [];
    if (ablationSteps > 0) {
      const bar = new Progress('measuring the stabilisers', process.stderr, quiet);
      let done = 0;
      for (const v of variants) {
        if (stop.signal.aborted) break;
        const seen: number[] = [];
        const r = await trainGan(tf, data, { ...v.config, steps: ablationSteps }, {
          every: Math.max(1, Math.floor(ablationSteps / 10)), signal: stop.signal,
          validate: (_s, g) => { const sc = devScore(g).score; seen.push(sc); return sc; },
          onProgress: (s) => bar.update(done + s, ablationSteps * variants.length),
        });
        done += ablationSteps;
        const best = devScore(r.generator);
        const rare = ['disgusted', 'fearful'].map((e) => best.perEmotion[e as 'disgusted'] ?? NaN).filter(Number.isFinite);
        const tail = seen.slice(-3);
        ablation.push({ name: v.name, bestDev: best.score, finalDev: tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length), rareDev: rare.length ? rare.reduce((a, b) => a + b, 0) / rare.length : NaN, perEmotion: best.perEmotion as Record<string, number> });
      }
      bar.done();
      for (const a of ablation) log(io, quiet, `emotebot: ablation (${ablationSteps} steps) ${a.name.padEnd(26)} dev Fréchet best ${a.bestDev.toFixed(4)}, last three checks ${a.finalDev.toFixed(4)}, rare emotions (best) ${a.rareDev.toFixed(4)}`);
    }

    // The main run.
    const bar = new Progress('training the expression GAN', process.stderr, quiet);
    const every = Math.max(1, Math.floor(steps / 12));
    const devHistory: { step: number; perEmotion: Record<string, number>; score: number }[] = [];
    const result: TrainResult = await trainGan(tf, data, { ...base, steps }, {
      every, signal: stop.signal,
      validate: (step, g) => {
        const s = devScore(g);
        devHistory.push({ step, perEmotion: s.perEmotion as Record<string, number>, score: s.score });
        if (!quiet) {
          if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
          io.err(`emotebot: step ${step}: dev Fréchet ${s.score.toFixed(4)} (${Object.entries(s.perEmotion).map(([e, v]) => `${e} ${v.toFixed(3)}`).join(', ')})`);
        }
        return s.score;
      },
      onProgress: (s, total) => bar.update(s, total),
    });
    bar.done();
    if (stop.signal.aborted) throw new EmoteBotError('interrupted', `interrupted; ${values.out} was not written`);
    log(io, quiet, `emotebot: trained ${result.steps} steps in ${result.seconds.toFixed(0)} s; kept step ${result.bestStep} (best dev Fréchet)`);

    // The shape beyond the fields, from the fit part (no training: means of what the fields leave).
    const shape = shapeResidualFields(faces, codes, intensity, space, learned);
    log(io, quiet, `emotebot: learned shape beyond the rig's fields at intensity 1, RMS per point (class mean; mean of the faces labelled 1, cosine with the field): ${Object.entries(shape.figures).map(([e, f]) => `${e} ${(f.rms * 10).toFixed(2)} mm (${(f.classMeanRms * 10).toFixed(2)}; ${(f.apexFacesRms * 10).toFixed(2)} over ${f.apexFaces} faces, ${f.cosine.toFixed(2)})`).join(', ')}`);
    // Which shape ships, chosen on the dev part by a landmark classifier trained on the fit part alone.
    // Scored as it ships: the emotions --rig-for names play the rig's prototypes.
    // --code-for emotions are scored as the rig plays them too (their code is not the generator's);
    // --hold-units emotions hold their units, as they ship.
    const runtimeLearned = learned.map((l, k) => l && !rigFor.includes(GAN_EMOTIONS[k]!) && !Object.hasOwn(codeFor, GAN_EMOTIONS[k]!));
    const held = heldUnitsOf(heldUnits);
    const withShape = (fields: Float32Array | null) => createExpressionModel({ manifest: placeholderManifest(), space, generator: result.generator, learned: runtimeLearned, envelope, noiseScale: RUNTIME_NOISE_SCALE, shapeFields: fields, heldUnits: held });
    const choiceClasses = measuredEmotions(faces, MIN_LEARNED_FACES);
    const fitOnly = await trainLandmarkClassifier(tf, faces, choiceClasses, subSeed(seed, 'shape-choice'), undefined, [PART_FIT]);
    const shapeDev = {
      intensityOne: partRecognisability(withShape(shape.fields), faces, fitOnly, choiceClasses, PART_DEV, seed),
      classMean: partRecognisability(withShape(shape.classMean), faces, fitOnly, choiceClasses, PART_DEV, seed),
      fieldsOnly: partRecognisability(withShape(null), faces, fitOnly, choiceClasses, PART_DEV, seed),
    };
    const shapeKind: 'intensityOne' | 'classMean' = shapeOption === 'class-mean' ? 'classMean' : shapeOption === 'intensity-1' ? 'intensityOne'
      : shapeDev.classMean > shapeDev.intensityOne ? 'classMean' : 'intensityOne';
    const chosenShape = shapeKind === 'classMean' ? shape.classMean : shape.fields;
    // The brows' and upper lids' move the meshes missed, from the textures (--brow-from-texture,
    // --lids-from-texture): added to the chosen shape.
    const brow = readTextureMove(brows, learned, (moves) => browFromTexture(faces, intensity, moves), 'brow-from-texture', 'brows', io, quiet);
    const lid = readTextureMove(lids, learned, (moves) => lidsFromTexture(faces, intensity, moves), 'lids-from-texture', 'lids', io, quiet);
    faces.texture = undefined;
    const shapeFields = brow || lid ? Float32Array.from(chosenShape, (x, k) => x + (brow?.read.fields[k] ?? 0) + (lid?.read.fields[k] ?? 0)) : chosenShape;
    if (brow) log(io, quiet, `emotebot: brows moved as the textures say (largest move of a point at intensity 1): ${textureMoveMm(brow)}`);
    if (lid) log(io, quiet, `emotebot: upper lids moved as the textures say (largest move of a point at intensity 1): ${textureMoveMm(lid)}`);
    log(io, quiet, `emotebot: shape choice on the dev part (balanced recall, classifier on the fit part): at intensity 1 ${(shapeDev.intensityOne * 100).toFixed(1)}%, class mean ${(shapeDev.classMean * 100).toFixed(1)}%, fields only ${(shapeDev.fieldsOnly * 100).toFixed(1)}%; shipping the ${shapeKind === 'classMean' ? 'class mean' : 'line at intensity 1'}${shapeOption === 'auto' ? '' : ` (--shape ${shapeOption})`}`);
    // How far intensity 1 goes (from the fit part; the measurement below is the generator's own intensity 1).
    const apexGain = apexGains(faces, codes, intensity, apexPercentile);
    const clearMean = clearMeanCodes(faces, codes, intensity).means;
    for (const e of meanFor) {
      const k = GAN_EMOTIONS.indexOf(e as (typeof GAN_EMOTIONS)[number]);
      if (!clearMean.subarray(k * AU_COUNT, (k + 1) * AU_COUNT).some((v) => v !== 0)) throw new EmoteBotError('bad-argument', `--mean-for ${e}: the fit part has too few clear ${e} faces for a mean`);
    }
    // --code-for: the emotion's row holds the code given, played through meanFor as the means are.
    for (const [e, code] of Object.entries(codeFor)) clearMean.set(code, GAN_EMOTIONS.indexOf(e as (typeof GAN_EMOTIONS)[number]) * AU_COUNT);
    log(io, quiet, `emotebot: intensity 1 at the ${(apexPercentile * 100).toFixed(1)}th percentile of real faces: gains ${GAN_EMOTIONS.map((e, k) => `${e} ${apexGain[k]!.toFixed(3)}`).join(', ')}`);
    const provisional = createExpressionModel({ manifest: placeholderManifest(), space: shippedSpace, generator: result.generator, learned, envelope, noiseScale: RUNTIME_NOISE_SCALE, shapeFields });
    const measured = await Progress.phase('measuring on held-out faces', measureAll(tf, prepared, provisional, rig.basis, seed), quiet);
    if (!quiet) io.err(measured.text);
    const mona = await monaLisaFigures(provisional).catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }));
    const seconds = (performance.now() - t0) / 1000;

    const { manifest, weights } = await encodeModel({
      name: EXPRESSION_MODEL_NAME, version: expressionModelVersionFor(shippedSpace), created: new Date().toISOString(),
      architecture: {
        ...architectureOf(base, space, learned, choice, built.directions, rigFor, meanFor, codeFor, plainFor), identitySource: built.identitySource, runtimeNoiseScale: RUNTIME_NOISE_SCALE,
        ...(Object.keys(heldUnits).length
          ? {
            heldUnits,
            heldUnitsMeaning: `--hold-units: per emotion, the action units its code holds at the face's neutral (left out of its share of every code and of its reference code, so the learned shape, the detail and the mouth read amounts without them); the weights and metrics.evaluation are the generator's own`,
          }
          : {}),
        shape: {
          tensor: 'shape.residual',
          meaning: 'per emotion (conditions order), canonical cm, from the fit part: r is a face\'s departure from the mean neutral face (identity projected out) minus the rig fields at its own code minus the neutral faces\' mean of the same; the candidates are the residual at intensity 1 of a line through neutral, sum t r / sum t^2 (t the intensity labels), and the class mean of r; zero for emotions not learned',
          shipped: shapeKind === 'classMean' ? 'class mean' : 'line at intensity 1',
          choice: { part: 'dev', measure: 'balanced recall of run-time codes at intensity 1 (as shipped: --rig-for and --code-for emotions on the rig prototypes; --hold-units emotions holding their units; fields plus the shape; --mean-for emotions on the generator, --plain-for ones with its noise, before the gains) on dev neutral faces, landmark classifier trained on the fit part alone', ...shapeDev, ...(shapeOption === 'auto' ? {} : { forced: `--shape ${shapeOption}` }) },
          runtime: 'the rig adds sum_e a_e(code) shape_e, a_e >= 0 read by NNLS against this model\'s reference code for each emotion (intensity 1, no noise, before the apex gain), at most 2; photos lose the shape of the expression neutralisation takes out',
          figures: shape.figures,
          browFromTexture: brow ? textureMoveRecord(brow, '--brow-from-texture', `added to the shipped shape: per emotion, the vertical shift of the brow band (texels of a ${DETAIL_SIZE}-texel map, + down the face) that best explains its detail at intensity 1 (each face's texture minus its dataset's neutral mean, line through neutral, the detail model's mask) as the fit part's neutral mean texture moved, per column across the brows, smoothed and mirrored; moved into the mesh over the brow band at ${brow.read.cmPerV.toFixed(2)} cm per unit of v (src/core/brow-shift.ts)`) : 'off (the meshes\' brows only)',
          lidsFromTexture: lid ? textureMoveRecord(lid, '--lids-from-texture', `added to the shipped shape: per emotion, the vertical shift of the upper lid (texels of the ${lid.read.size}-texel texture map, + down the face) that best explains its texture at intensity 1 (each face's texture minus its dataset's neutral mean, line through neutral, unmasked) around the eye opening as the fit part's neutral mean texture moved, per column across the eye, bridged over the iris, smoothed and mirrored (src/core/brow-shift.ts UPPER_LID_BAND); the mesh moves the upper lid by it, fading towards the brow`) : 'off (the meshes\' lids only)',
        },
        apex: {
          tensor: 'code.apexGain',
          percentile: apexPercentile,
          gains: Object.fromEntries(GAN_EMOTIONS.map((e, k) => [e, apexGain[k]])),
          meaning: `per emotion (conditions order), from the fit part: the ${apexPercentile} quantile of every face of the emotion projected on the unit direction of its clearest faces' mean code (intensity label >= 0.8) minus the neutral mean, over that mean's length; 1 under ${MIN_LEARNED_FACES} faces, never under 1. Run-time codes are the generator's (or the rig prototype's) times this, so intensity 1 stands for that percentile of real faces rather than the clearest tenth's mean (about the 90th); the detail layer, the mouth and the learned shape read amounts against the codes before it`,
          measured: 'metrics.evaluation and the shape choice measure the generator before the gains',
          clearMean: 'code.clearMean: per emotion (conditions order), the mean code of its fit faces with intensity label >= 0.8 minus the neutral mean (zeros under ' + MIN_LEARNED_FACES + ' faces); the emotions meanFor names play it at run time, times the intensity and the gain, with no noise' + (Object.keys(codeFor).length ? `; the rows of ${Object.keys(codeFor).join(', ')} hold the code --code-for gave instead (architecture.codeFor)` : ''),
        },
        removalFloor: {
          tensor: removal.kind === 'learned' ? 'space.removalFloor' : 'none (the mean neutral code, space.neutralCode)',
          shipped: removal.kind === 'learned' ? 'learned from photos of the same people' : 'the mean neutral code (--removal-floor mean)',
          meaning: 'per unit (ACTION_UNITS order): a photo being neutralised loses max(0, code - floor) of each unit (not ' + KEEP_WHEN_NEUTRALISING.map((a) => ACTION_UNITS[a]).join(', ') + ', which it keeps). Learned on the fit part from photos of named people with another neutral photo: per unit, the floor whose removal comes nearest, in least squares, to what each photo shows there above the mean code of its person\'s other neutral photos (0 for a neutral photo), neutral and expressive photos weighted equally',
          floor: Object.fromEntries(ACTION_UNITS.map((u, a) => [u, +removal.floor[a]!.toFixed(4)])),
          meanNeutralCode: Object.fromEntries(ACTION_UNITS.map((u, a) => [u, +space.neutralCode[a]!.toFixed(4)])),
          learned: learnedFloor
            ? { floor: Object.fromEntries(ACTION_UNITS.map((u, a) => [u, +learnedFloor.floor[a]!.toFixed(4)])), fit: { faces: learnedFloor.fitFaces, neutralFaces: learnedFloor.fitNeutralFaces }, dev: learnedFloor.dev }
            : { none: removal.unlearned ?? '' },
        },
      },
      training: {
        command, seed, seconds: Math.round(seconds),
        data: {
          files: faces.sources.map((s) => ({ file: s.file, faces: s.faces, used: s.used, dropped: s.dropped, counts: s.counts })),
          videos: clips ? { file: clips.file, clips: clips.clips.length, frames: clips.clips.reduce((s, c) => s + c.frames, 0) } : null,
          ganRows: data.n, neutralFacesInSpace: built.neutralUsed,
          parts: 'fit: train split minus a seeded 10% dev share (learns); dev: that share (best checkpoint, ablation); val: val/test splits (report only)',
        },
        config: { ...base, learned: undefined }, steps: result.steps, bestStep: result.bestStep,
        ablation: { steps: ablationSteps, runs: ablation },
        intensity: intensityModel,
      },
      metrics: { evaluation: slimEval(measured.report), space: measured.space, monaLisa: mona },
    }, modelTensors(shippedSpace, result.generator, envelope, shapeFields, { gain: apexGain, clearMean }));
    await writeModelDir(values.out, manifest, weights);

    // The report.
    const { files, write } = await reportFolder(values.report);
    await write('loss.png', await ganLossPng('GAN losses (main run)', result.history));
    await write('validation.png', await validationPng('Fréchet distance to dev codes (lower is better)', devHistory, GAN_EMOTIONS.filter((_, k) => learned[k])));
    const final = await readBackModel(values.out);
    await write('contact-sheet.png', await contactSheet(final, 'character', seed));
    const monaSheet = await contactSheet(final, 'mona', seed).catch(() => null);
    if (monaSheet) await write('contact-sheet-mona-lisa.png', monaSheet);
    const text = [
      `# Learned expressions: training report`, '', `Command: \`${command}\``, `Seconds: ${seconds.toFixed(0)} (main run ${result.seconds.toFixed(0)} s, ${result.steps} steps, kept step ${result.bestStep})`, '',
      '## Data', ...faces.sources.map((s) => `- ${s.file}: ${s.used} of ${s.faces} faces used; ${Object.entries(s.counts).map(([p, c]) => `${p}: ${Object.entries(c).map(([e, n]) => `${e} ${n}`).join(', ')}`).join('; ')}`),
      clips ? `- ${clips.file}: ${clips.clips.length} clips` : '- no videos', '',
      '## Stabilisers (short runs from the same seed, each changing one switch; dev Fréchet: best checkpoint, mean of the last three checks, rare emotions)', '```', ...ablation.map((a) => `${a.name.padEnd(26)} best ${a.bestDev.toFixed(4)}  last three ${a.finalDev.toFixed(4)}  rare ${a.rareDev.toFixed(4)}`), '```', '',
      '## Measurement on held-out faces', '```', measured.text, '```', '',
      '## Mona Lisa neutralised', '```', JSON.stringify(mona, null, 2), '```', '',
      `Figures: ${files.map((f) => path.basename(f)).join(', ')}`,
    ].join('\n');
    await write('report.md', text + '\n');
    await write('report.json', JSON.stringify({ manifest, ablation, devHistory, history: result.history, evaluation: measured.report, space: measured.space, monaLisa: mona }, null, 1));
    log(io, quiet, `emotebot: wrote ${values.out} (${weights.byteLength} bytes of weights) and the report in ${values.report} (${files.map((f) => path.basename(f)).join(', ')}) in ${seconds.toFixed(0)} s`);
    return 0;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** A move read from the textures (--brow-from-texture, --lids-from-texture): the option's list, the emotions that move, the reading. */
interface TextureMove { named: string[]; moved: GanEmotion[]; read: BrowFromTexture }

/**
 * Reads one texture move for the emotions `named` lists that were learned (null when the option
 * is off); logs the named ones too few to learn ("all" names no emotion in particular).
 */
function readTextureMove(named: { list: string[]; all: boolean }, learned: readonly boolean[], read: (moves: boolean[]) => BrowFromTexture, option: string, part: string, io: Io, quiet: boolean): TextureMove | null {
  if (named.list.length === 0) return null;
  const moved = GAN_EMOTIONS.filter((e, k) => learned[k] && named.list.includes(e));
  const result = read(GAN_EMOTIONS.map((e) => moved.includes(e)));
  const unlearned = named.all ? [] : named.list.filter((e) => !moved.includes(e as GanEmotion));
  if (unlearned.length) log(io, quiet, `emotebot: --${option}: too few faces to learn ${unlearned.join(', ')}; their ${part} are not moved`);
  return { named: named.list, moved, read: result };
}

/** "happy 1.2 mm, sad 3.4 mm": each moved emotion's largest move of a point at intensity 1. */
function textureMoveMm(m: TextureMove): string {
  return m.moved.map((e) => `${e} ${(m.read.maxMoveCm[GAN_EMOTIONS.indexOf(e)]! * 10).toFixed(1)} mm`).join(', ');
}

/** The manifest's record of a texture move: the option as given, the emotions moved, their shifts and largest moves. */
function textureMoveRecord(m: TextureMove, option: string, meaning: string): Record<string, unknown> {
  return {
    option: `${option} ${m.named.join(',')}`,
    emotions: m.moved,
    meaning,
    shifts: Object.fromEntries(m.moved.map((e) => [e, Array.from(m.read.profiles[GAN_EMOTIONS.indexOf(e)]!, (x) => Math.round(x * 1000) / 1000)])),
    largestMoveCm: Object.fromEntries(m.moved.map((e) => [e, Math.round(m.read.maxMoveCm[GAN_EMOTIONS.indexOf(e)]! * 1000) / 1000])),
  };
}

/**
 * `--hold-units` values ("<emotions>:<units>", each comma-separated; repeatable) as the manifest's
 * heldUnits map (emotion -> unit names, in ACTION_UNITS order). An emotion that is not one of
 * GAN_EMOTIONS, a unit that is not one of ACTION_UNITS, or an empty side is refused.
 */
export function parseHeldUnits(values: readonly string[]): Record<string, string[]> {
  const held: Record<string, string[]> = {};
  for (const v of values) {
    const parts = v.split(':');
    const list = (x: string | undefined) => (x ?? '').split(',').map((y) => y.trim()).filter(Boolean);
    const emotions = list(parts[0]), units = list(parts[1]);
    if (parts.length !== 2 || emotions.length === 0 || units.length === 0) throw new EmoteBotError('bad-argument', `--hold-units needs <emotions>:<units>, each comma-separated (e.g. angry,disgusted:AU6,AU12L), got "${v}"`);
    for (const e of emotions) if (!GAN_EMOTIONS.includes(e as (typeof GAN_EMOTIONS)[number])) throw new EmoteBotError('bad-argument', `--hold-units: "${e}" is not one of ${GAN_EMOTIONS.join(', ')}`);
    for (const u of units) if (!(ACTION_UNITS as readonly string[]).includes(u)) throw new EmoteBotError('bad-argument', `--hold-units: "${u}" is not one of the action units ${ACTION_UNITS.join(', ')}`);
    for (const e of emotions) held[e] = ACTION_UNITS.filter((u) => units.includes(u) || (held[e] ?? []).includes(u));
  }
  return held;
}

/**
 * --code-for values, `<emotion>:<unit>=<value>,...` (repeatable): per emotion, a full code in the
 * rig's unit order, units not named 0. Refuses a malformed value, an unknown emotion or unit, a
 * value that is not a number between -3 and 3, and an emotion named twice.
 */
export function parseCodeFor(values: readonly string[]): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const v of values) {
    const parts = v.split(':');
    const items = (parts[1] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    const e = (parts[0] ?? '').trim();
    if (parts.length !== 2 || !e || items.length === 0) throw new EmoteBotError('bad-argument', `--code-for needs <emotion>:<unit>=<value>,... (e.g. fearful:AU1=1,AU5=1), got "${v}"`);
    if (!GAN_EMOTIONS.includes(e as (typeof GAN_EMOTIONS)[number])) throw new EmoteBotError('bad-argument', `--code-for: "${e}" is not one of ${GAN_EMOTIONS.join(', ')}`);
    if (Object.hasOwn(out, e)) throw new EmoteBotError('bad-argument', `--code-for names ${e} twice`);
    const code = new Float32Array(AU_COUNT);
    for (const it of items) {
      const [u, x, extra] = it.split('=').map((y) => y.trim());
      const a = (ACTION_UNITS as readonly string[]).indexOf(u ?? '');
      if (a < 0) throw new EmoteBotError('bad-argument', `--code-for: "${u}" is not one of the action units ${ACTION_UNITS.join(', ')}`);
      const n = Number(x);
      if (extra !== undefined || x === undefined || x === '' || !Number.isFinite(n) || n < -3 || n > 3) throw new EmoteBotError('bad-argument', `--code-for: ${u} needs a number between -3 and 3, got "${it}"`);
      code[a] = n;
    }
    out[e] = code;
  }
  return out;
}

function placeholderManifest(): ExpressionModel['manifest'] {
  return { format: 'emotebot-model', formatVersion: 1, name: EXPRESSION_MODEL_NAME, version: EXPRESSION_MODEL_VERSION, created: '', architecture: {}, tensors: [], weights: { file: '', bytes: 0, sha256: '' }, training: { command: '', seed: 0, seconds: 0, data: {} }, metrics: {} };
}

function architectureOf(c: GanConfig, space: ExpressionSpace, learned: boolean[], choice: SpaceChoice, directions: Directions, rigFor: readonly string[] = [], dataMeanFor: readonly string[] = [], codeFor: Readonly<Record<string, Float32Array>> = {}, plainFor: readonly string[] = []): Record<string, unknown> {
  // The runtime plays both the data's means and the given codes from code.clearMean (meanFor).
  const meanFor = [...dataMeanFor, ...Object.keys(codeFor)];
  const runtime = learned.map((l, k) => l && !rigFor.includes(GAN_EMOTIONS[k]!) && !meanFor.includes(GAN_EMOTIONS[k]!));
  return {
    kind: 'conditional GAN over rig action-unit codes',
    conditions: GAN_EMOTIONS, noiseDim: c.noiseDim, nuisanceDim: c.nuisanceDim,
    expressionLayers: c.generatorHidden.length + 1, nuisanceLayers: c.nuisanceHidden.length + 1,
    generator: `softplus(N(zn) + t E(e, t, ze)) x code.scale; E: [${GAN_EMOTIONS.length} emotion weights, intensity t, ${c.noiseDim} ze] -> ${c.generatorHidden.join(' -> ')} (leaky ReLU 0.2) -> ${AU_COUNT}; N: ${c.nuisanceDim} zn -> ${c.nuisanceHidden.join(' -> ')} -> ${AU_COUNT}`,
    discriminator: `[code / code.scale, ${GAN_EMOTIONS.length} emotion weights, intensity] -> ${c.discriminatorHidden.join(' -> ')} (leaky ReLU 0.2) -> logit (not shipped)`,
    code: { units: ACTION_UNITS, meaning: 'rig action-unit activations read by NNLS against the mean neutral face, identity projected out' },
    runtime: 'code(e, t, ze) = g_e (G(e, t, ze, zn=0) - G(e, 0, ze, zn=0)), g_e the apex gain (code.apexGain); blends mix per-emotion codes with shared noise; emotions not learned use the rig prototype x t x g_e',
    learned: GAN_EMOTIONS.filter((_, k) => runtime[k]),
    meanFor,
    ...(Object.keys(codeFor).length
      ? {
        codeFor: Object.fromEntries(Object.entries(codeFor).map(([e, code]) => [e, Object.fromEntries(ACTION_UNITS.map((u, a) => [u, Number(code[a]!.toPrecision(6))] as const).filter(([, v]) => v !== 0))])),
        codeForMeaning: '--code-for: per emotion, the hand-set code (before the apex gain) its code.clearMean row holds and meanFor plays at run time, chosen on dev faces with the dev judge; units not named are 0',
      }
      : {}),
    ...(plainFor.length
      ? {
        plainFor: [...plainFor],
        plainForMeaning: '--plain-for: learned emotions the generator plays with its expression noise held at 0, whatever noise a call passes: the same code every time, g_e (G(e, t, 0) - G(e, 0, 0)), its reference code times the gain at intensity 1; without the seeded variety, whose codes read partly as other emotions to what reads amounts (learned shape, detail, mouth); the weights and metrics.evaluation are the generator\'s own, with its noise',
      }
      : {}),
    fallback: Object.fromEntries(GAN_EMOTIONS.filter((_, k) => !runtime[k]).map((e) => [e, Object.hasOwn(codeFor, e)
      ? 'a hand-set code at run time (--code-for, architecture.codeFor, held in code.clearMean), times the intensity and the apex gain: the generator learned this emotion, but the given code read better on dev faces when that was decided; the val figures for it in metrics.evaluation are the generator\'s, not what ships'
      : meanFor.includes(e)
      ? 'the data\'s mean code of its clearest faces at run time (--mean-for, code.clearMean), times the intensity and the apex gain: the generator learned this emotion, but the mean read better on dev faces when that was decided; the val figures for it in metrics.evaluation are the generator\'s, not what ships'
      : learned[GAN_EMOTIONS.indexOf(e)]
      ? 'rig prototype at run time (--rig-for): the generator learned this emotion, but its codes were not recognisable on the held-out faces when that was decided; the val figures for it in metrics.evaluation are the generator\'s, not what ships'
      : `rig prototype (fewer than ${MIN_LEARNED_FACES} training faces)`])),
    space: { identityComponents: space.identityCount, choice, expressionDirectionsKeptOut: directions.kinds, landmarks: LANDMARK_COUNT },
  };
}

function slimEval(r: EvalReport): Record<string, unknown> {
  return {
    classes: r.classes, summary: r.summary,
    landmarkClassifier: Object.fromEntries(Object.entries(r.landmarkClassifier).map(([k, v]) => [k, typeof v === 'object' ? { balanced: v.balanced, n: v.n } : v])),
    emotions: r.emotions.map((e) => ({ emotion: e.emotion, learned: e.learned, valFaces: e.valFaces, recall: e.recall, frechet: e.frechet, diversity: e.diversity })),
  };
}

async function readBackModel(dir: string): Promise<ExpressionModel> {
  return readExpressionModel(dir);
}

// ---------------------------------------------------------------------------------------------
// Measurement (shared by train and eval)

async function measureAll(tf: typeof TF, p: Prepared, model: ExpressionModel, basis: ArrayLike<number>, seed: number): Promise<{ report: EvalReport; space: { name: string; f: SpaceFigures }[]; meshAccuracy: { balanced: number; perEmotion: Partial<Record<Emotion, number | null>> }; text: string }> {
  const classes = measuredEmotions(p.faces, MIN_LEARNED_FACES);
  const landmarks = await trainLandmarkClassifier(tf, p.faces, classes, seed);
  const report = evaluateExpressions(model, p.faces, p.codes, p.intensity, landmarks, classes, { seed });
  const meshAccuracy = realAccuracy(landmarks, p.faces, classes, (i) => p.faces.mesh.subarray(i * LANDMARK_COUNT * 3, (i + 1) * LANDMARK_COUNT * 3));
  const rawId = rawIdentitySpace(p.faces, basis, 30, seed);
  const figures: { name: string; f: SpaceFigures }[] = [];
  figures.push({ name: `model (${model.space.identityCount} identity dirs)`, f: await spaceFigures(tf, p.faces, p.codes, p.rms, model.space, rawId, p.clips, classes, seed) });
  // The same without any identity basis: what identity removal buys.
  const bare: ExpressionSpace = { ...model.space, identity: new Float64Array(0), identityCount: 0, identityVariance: new Float64Array(0) };
  const bareCodes = readAllCodes(p.faces, bare);
  figures.push({ name: 'no identity basis (k = 0)', f: await spaceFigures(tf, p.faces, bareCodes.codes, bareCodes.rms, bare, rawId, p.clips, classes, seed) });
  const text = [evalTable(report), '', spaceTable(figures, meshAccuracy)].join('\n');
  return { report, space: figures, meshAccuracy, text };
}

async function prepareForModel(files: string[], videos: string | undefined, model: ExpressionModel, seed: number): Promise<Prepared> {
  const faces = await loadFaceSets(files, { seed });
  const clips = videos ? await loadClips(videos) : null;
  const { codes, rms } = readAllCodes(faces, model.space);
  const { intensity } = intensityLabels(faces, codes, model.space);
  return { faces, clips, codes, rms, intensity };
}

export async function runEvalExpressions(args: string[], io: Io): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) { io.out(EVAL_HELP); return 0; }
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { data: { type: 'string', multiple: true }, videos: { type: 'string' }, model: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } },
  });
  if (positionals.length > 0) throw new EmoteBotError('bad-argument', `unexpected argument "${positionals[0]}" (see emotebot eval expressions --help)`);
  if (!values.data?.length) throw new EmoteBotError('bad-argument', 'eval expressions needs --data <file.ebds> (see emotebot eval expressions --help)');
  const seed = numberOption('seed', values.seed, 1, 0, 2 ** 31 - 1, true);
  const model = await readExpressionModel(values.model);
  const trainedSeed = model.manifest.training.seed;
  if (trainedSeed !== seed && !values.quiet) io.err(`emotebot: note: the model was trained with --seed ${trainedSeed}; the dev/fit split of the train part follows --seed, the val part does not`);
  const tf = await useWasmBackend();
  const prepared = await Progress.phase('reading the faces', prepareForModel(values.data, values.videos, model, seed), values.quiet);
  const measured = await Progress.phase('measuring', measureAll(tf, prepared, model, model.space.basis, seed), values.quiet);
  if (values.json) io.out(JSON.stringify({ evaluation: measured.report, space: measured.space, meshAccuracy: measured.meshAccuracy }, null, 1));
  else {
    io.out(`Learned expressions ${model.manifest.weights.sha256.slice(0, 12)} (trained ${model.manifest.created}); val part: ${countsLine(prepared.faces, PART_VAL)}`);
    io.out(measured.text);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Pictures and the Mona Lisa

const still = (code: Float64Array): FrameState => ({ time: 0, code, blinkLeft: 0, blinkRight: 0, pose: { yaw: 0, pitch: 0, roll: 0, lift: 0, gazeX: 0, gazeY: 0 } });

interface SheetRenderer {
  /** The face at a code: through the model's rig (its fields and learned shape), or the plain rig. */
  render(code: Float64Array, rig?: 'model' | 'plain'): Uint8ClampedArray;
  side: number;
  dispose(): void;
}

/** The sheet's face, analysed once, with a renderer for the model's rig and one for the plain rig (the rig column). */
async function sheetRenderer(kind: 'character' | 'mona', model: ExpressionModel): Promise<SheetRenderer> {
  const rigs = { model: expressionRigFor(model), plain: createExpressionRig() };
  const side = 256;
  if (kind === 'character') {
    const r = { model: createCharacterRenderer(side, rigs.model), plain: createCharacterRenderer(side, rigs.plain) };
    return { side, render: (c, rig = 'model') => new Uint8ClampedArray(r[rig].render(still(c))), dispose: () => { r.model.dispose(); r.plain.dispose(); } };
  }
  const { createHumanDetector } = await import('../face/human-node.ts');
  const { readImageFile } = await import('../face/image.ts');
  const { preparePhoto } = await import('../face/photo.ts');
  const { createPhotoRenderer } = await import('../render/photo-renderer.ts');
  // The photo's square crop has room around the face: keep the middle (the face) for the sheet.
  const full = 440, cut = Math.round(full * 0.58), off = Math.round((full - cut) / 2);
  const raster = await readImageFile(MONA_LISA);
  const det = await createHumanDetector();
  let photo;
  try {
    photo = await preparePhoto(raster, det, full);
  } finally {
    det.dispose();
  }
  const neutral = photoNeutralisation(model);
  const r = { model: createPhotoRenderer(photo, rigs.model, neutral), plain: createPhotoRenderer(photo, rigs.plain, neutral) };
  const crop = (rgba: Uint8ClampedArray) => {
    const out = new Uint8ClampedArray(cut * cut * 4);
    for (let y = 0; y < cut; y++) out.set(rgba.subarray(((y + off) * full + off) * 4, ((y + off) * full + off + cut) * 4), y * cut * 4);
    return out;
  };
  return { side: cut, render: (c, rig = 'model') => crop(r[rig].render(still(c))), dispose: () => { r.model.dispose(); r.plain.dispose(); } };
}

/** Rows: every emotion and a blend; columns: neutral, five noise draws at intensity 1, intensity 0.5, the rig. */
export async function contactSheet(model: ExpressionModel, kind: 'character' | 'mona', seed: number): Promise<Buffer> {
  const r = await sheetRenderer(kind, model);
  try {
    const rng = createRng(subSeed(seed, 'sheet'));
    const rows: { title: string; cells: Uint8ClampedArray[] }[] = [];
    const targets: { title: string; w: EmotionWeights }[] = [...GAN_EMOTIONS.map((e) => ({ title: e, w: { [e]: 1 } as EmotionWeights })), { title: 'happy .6 + surprised .4', w: { happy: 0.6, surprised: 0.4 } }];
    for (const t of targets) {
      const cells: Uint8ClampedArray[] = [r.render(new Float64Array(AU_COUNT))];
      // Run-time noise, as emotebot render draws it.
      const draw = () => Float64Array.from({ length: model.generator.noiseDim }, () => gaussian(rng) * model.noiseScale);
      let z = draw();
      for (let k = 0; k < 5; k++) {
        z = draw();
        cells.push(r.render(model.code(t.w, 1, z)));
      }
      cells.push(r.render(model.code(t.w, 0.5, z)));
      cells.push(r.render(codeFromEmotions(t.w, 1), 'plain'));
      rows.push({ title: t.title.length > 14 ? 'happy+surpr.' : t.title, cells });
    }
    const title = kind === 'mona' ? 'Learned expressions on the Mona Lisa (neutralised first)' : 'Learned expressions on the EmoteBot character';
    return await gridPng(title, ['neutral', 'seed 1', 'seed 2', 'seed 3', 'seed 4', 'seed 5', 'seed 5, t=.5', 'rig'], rows, r.side);
  } finally {
    r.dispose();
  }
}

/** One line on the removal floor: what ships, and its dev figures against the mean neutral code. */
export function removalFloorLine(r: RemovalFloorFigures): string {
  const shipped = `removal floor: ${r.kind === 'learned' ? 'learned' : 'the mean neutral code (--removal-floor mean)'}`;
  const l = r.learned;
  if (!l) return `${shipped}; none learned (${r.unlearned ?? 'no data'})`;
  const f = (x: { all: number; neutral: number; expressive: number }) => `${x.all.toFixed(3)} (neutral photos ${x.neutral.toFixed(3)}, expressive ${x.expressive.toFixed(3)})`;
  return `${shipped}; learned from ${l.fitFaces} fit photos of people with another neutral photo (${l.fitNeutralFaces} neutral): ` +
    `${ACTION_UNITS.map((u, a) => `${u} ${l.floor[a]!.toFixed(2)}`).join(' ')}; dev part (${l.dev.faces} photos, ${l.dev.neutralFaces} neutral), error summed over units, mean neutral code ${f(l.dev.mean)}, learned ${f(l.dev.learned)}`;
}

/** The Mona Lisa's own expression as read, and her face after neutralisation. */
/** Exported for the report and for a look from a script. */
export async function monaLisaFigures(model: ExpressionModel): Promise<Record<string, unknown>> {
  const { createHumanDetector } = await import('../face/human-node.ts');
  const { readImageFile } = await import('../face/image.ts');
  const { preparePhoto } = await import('../face/photo.ts');
  const det = await createHumanDetector();
  try {
    const photo = await preparePhoto(await readImageFile(MONA_LISA), det, 512);
    const canonical = fitFace(photo.mesh).canonical;
    const reader = createCodeReader(model.space);
    const n = neutraliseFace(canonical, model.space, reader, KEEP_WHEN_NEUTRALISING);
    const after = reader.fit(n.neutral, undefined, new Float64Array(AU_COUNT)).code;
    const au = (c: ArrayLike<number>, name: string) => c[ACTION_UNITS.indexOf(name as (typeof ACTION_UNITS)[number])]!;
    // Mouth-corner height: mean y of the corners (61, 291) above the mid-lip point (13, 14), cm.
    const corner = (m: ArrayLike<number>) => (m[61 * 3 + 1]! + m[291 * 3 + 1]!) / 2 - (m[13 * 3 + 1]! + m[14 * 3 + 1]!) / 2;
    const round = (v: number) => Math.round(v * 1e4) / 1e4;
    const floor = removalFloorOf(model.space);
    return {
      before: { AU12L: round(au(n.code, 'AU12L')), AU12R: round(au(n.code, 'AU12R')), AU6: round(au(n.code, 'AU6')), cornerHeightCm: round(corner(canonical)) },
      after: { AU12L: round(au(after, 'AU12L')), AU12R: round(au(after, 'AU12R')), AU6: round(au(after, 'AU6')), cornerHeightCm: round(corner(n.neutral)) },
      neutralFloor: { AU12L: round(au(floor, 'AU12L')), AU12R: round(au(floor, 'AU12R')), AU6: round(au(floor, 'AU6')) },
      populationMeanCornerHeightCm: round(corner(model.space.mean)),
      removed: Object.fromEntries(ACTION_UNITS.map((u, a) => [u, round(n.removed[a]!)]).filter(([, v]) => (v as number) > 0)),
      fitRmsCm: round(n.rms),
    };
  } finally {
    det.dispose();
  }
}

