// Entry of a data-pipeline worker thread: registers tsx's loader in this thread (workers do not
// inherit the main thread's), then runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
