import { defineConfig } from 'tsup';
import { appBundle } from '../../tsup.apps';

export default defineConfig(appBundle(['src/main.ts']));
