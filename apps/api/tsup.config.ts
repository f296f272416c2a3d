import { defineConfig } from 'tsup';
import { appBundle } from '../../tsup.apps';

// Each entry is a command of the API image: `node dist/<name>.js`.
export default defineConfig(
  appBundle({
    main: 'src/main.ts',
    migrate: 'src/migrate.ts',
    'rotate-encryption-key': 'src/rotate-encryption-key.ts',
  }),
);
