// Minimal type declarations for the parts of `gifenc` (1.0.x, ships no types) used by src/export.
declare module 'gifenc' {
  export type GifPalette = number[][];
  export type GifColorFormat = 'rgb565' | 'rgb444' | 'rgba4444';

  export interface QuantizeOptions {
    format?: GifColorFormat;
    oneBitAlpha?: boolean | number;
    clearAlpha?: boolean;
    clearAlphaThreshold?: number;
    clearAlphaColor?: number;
  }

  export function quantize(rgba: Uint8Array | Uint8ClampedArray, maxColors: number, options?: QuantizeOptions): GifPalette;
  export function applyPalette(rgba: Uint8Array | Uint8ClampedArray, palette: GifPalette, format?: GifColorFormat): Uint8Array;

  export interface WriteFrameOptions {
    palette?: GifPalette | null;
    first?: boolean;
    transparent?: boolean;
    transparentIndex?: number;
    /** Milliseconds; gifenc stores Math.round(delay / 10) centiseconds. */
    delay?: number;
    /** 0 = loop forever, -1 = play once, n = n repetitions. */
    repeat?: number;
    colorDepth?: number;
    dispose?: number;
  }

  export interface GifStream {
    reset(): void;
    bytesView(): Uint8Array;
    writeByte(b: number): void;
    writeBytes(data: ArrayLike<number>, offset?: number, byteLength?: number): void;
  }

  export interface GifEncoderInstance {
    reset(): void;
    finish(): void;
    bytes(): Uint8Array;
    bytesView(): Uint8Array;
    readonly buffer: ArrayBuffer;
    readonly stream: GifStream;
    writeHeader(): void;
    writeFrame(index: Uint8Array, width: number, height: number, opts?: WriteFrameOptions): void;
  }

  export function GIFEncoder(opts?: { auto?: boolean; initialCapacity?: number }): GifEncoderInstance;
}
