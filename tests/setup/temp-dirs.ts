import { afterAll } from 'vitest';
import { removeTempDirs } from '../helpers/temp';

// Registered before each file's own hooks, so it runs after them (vitest runs after-hooks as a
// stack): the file's servers and connections are closed by then. Without it, every run left a few
// hundred databases in /tmp.
afterAll(removeTempDirs);
