// One-shot migration command of the API image: `node dist/migrate.js`.
import '@wrenn/db/migrate-cli';
