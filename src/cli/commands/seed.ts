import { readFile } from 'node:fs/promises';
import { loadCloudConfig } from '../../cloud/config.js';
import { migrate } from '../../cloud/db/migrations.js';
import { openDb } from '../../cloud/db/open-db.js';
import { seedDemo } from '../../cloud/seed/seed-demo.js';
import { parseProgram } from '../../domain/index.js';
import { CliError, type Command, parseOptions } from '../command.js';

const command: Command = {
  help: `Usage: loyalty-agent seed --config CLOUD_CONFIG

Puts the demo customers (config/demo-customers.json: known cards and phones, tiers, balances, a
birthday this week) and coupons into the central server's database. Does nothing when they are
already there.`,
  async run(argv) {
    const { values } = parseOptions(argv, { config: { type: 'string' } });
    if (!values.config) throw new CliError('--config FILE (the central server config) is required');
    const cfg = await loadCloudConfig(values.config);
    const program = parseProgram(JSON.parse(await readFile(cfg.program, 'utf8')));
    const db = await openDb(cfg.database);
    try {
      await migrate(db);
      const seeded = await seedDemo(db, { clock: () => new Date(), program, timezone: cfg.timezone });
      console.log(
        seeded
          ? `seeded ${seeded.customers.length} customers and ${seeded.coupons.length} coupons`
          : 'demo data already present',
      );
    } finally {
      await db.close();
    }
    return 0;
  },
};

export default command;
