/** Errors a user can act on: the CLI prints `message` on one line and exits non-zero, no stack. */
export type ErrorCode =
  | 'not-found' | 'not-an-image' | 'unreadable' | 'too-large' | 'no-face' | 'face-too-small'
  | 'bad-argument' | 'export-failed' | 'model-invalid' | 'interrupted';

export class EmoteBotError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'EmoteBotError';
  }
}
