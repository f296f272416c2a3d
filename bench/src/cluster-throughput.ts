import { newId } from '@wrenn/events';
import { Redis } from 'ioredis';
import { startReceiver } from './receiver';
import type { BenchScale } from './run-bench';
import { type ServiceTarget, sandboxCreate, startService } from './service';

export interface ClusterRun {
  label: string;
  deliveries: number;
  seconds: number;
  perSecond: number;
  /** Per Redis server (host:port): its share of the commands run and of the keys held, in %. */
  masters: Array<{ node: string; commandsPct: number; keysPct: number }>;
}

export interface ClusterComparisonOptions extends Omit<ServiceTarget, 'workers' | 'profileDir'> {
  /** `host:port,…` of a cluster's masters. */
  clusterNodes: string;
  scale: Pick<BenchScale, 'teams' | 'channelsPerTeam' | 'events' | 'batch'>;
  log: (line: string) => void;
}

/** Processes per run: the comparison is about where Redis's work goes, not the worker count. */
const WORKERS = 2;
const SHARDS = 3;

/**
 * G. Scenario A's load (teams × channels, events in batches, four in flight) on
 * two worker processes, once on the single Redis and once on the cluster with
 * three shards: deliveries per second, and how Redis's commands and keys spread.
 */
export async function runClusterComparison(options: ClusterComparisonOptions): Promise<ClusterRun[]> {
  const single = { REDIS_URL: options.redisUrl, WRENN_QUEUE_SHARDS: '1' };
  const cluster = {
    REDIS_URL: '',
    WRENN_REDIS_CLUSTER_NODES: options.clusterNodes,
    WRENN_QUEUE_SHARDS: String(SHARDS),
  };
  return [
    await runOnce(options, 'single Redis, 1 shard', single, [options.redisUrl.replace(/^redis:\/\//, '')]),
    await runOnce(options, `cluster of 3 masters, ${SHARDS} shards`, cluster, options.clusterNodes.split(',')),
  ];
}

async function runOnce(
  options: ClusterComparisonOptions,
  label: string,
  extraEnv: NodeJS.ProcessEnv,
  nodes: string[],
): Promise<ClusterRun> {
  const { scale, log } = options;
  const receiver = await startReceiver();
  const service = await startService({ ...options, workers: WORKERS }, { maxChannelsPerTeam: 100, extraEnv });
  try {
    const teams = Array.from({ length: scale.teams }, () => newId('team').id);
    for (const [t, team] of teams.entries()) {
      for (let c = 0; c < scale.channelsPerTeam; c++) {
        const config = { url: `${receiver.origin}/hook/g${t}/${c}` };
        await service.createChannel(team, {
          name: `g${t}-${c}`,
          provider: 'webhook',
          config,
          events: ['capsule.created'],
        });
      }
    }
    const expected = scale.events * scale.channelsPerTeam;
    receiver.reset();
    const before = await serverCommands(nodes);
    const started = Date.now();
    let next = 0;
    const sender = async () => {
      for (let b = next++; b * scale.batch < scale.events; b = next++) {
        const size = Math.min(scale.batch, scale.events - b * scale.batch);
        const seqs = Array.from({ length: size }, (_, k) => b * scale.batch + k);
        await service.ingest(seqs.map((seq) => sandboxCreate(teams[seq % teams.length] as string, seq)));
      }
    };
    await Promise.all([sender(), sender(), sender(), sender()]);
    await receiver.waitFor(expected, 300_000);
    const seconds = (Math.max(...receiver.receipts.map((r) => r.at)) - started) / 1000;
    const after = await serverCommands(nodes);
    const commands = after.map((n, i) => n.commands - (before[i]?.commands ?? 0));
    const share = (values: number[]) => {
      const total = values.reduce((a, b) => a + b, 0) || 1;
      return values.map((v) => Math.round((v / total) * 1000) / 10);
    };
    const commandShare = share(commands);
    const keyShare = share(after.map((n) => n.keys));
    const run: ClusterRun = {
      label,
      deliveries: expected,
      seconds,
      perSecond: expected / seconds,
      masters: nodes.map((node, i) => ({ node, commandsPct: commandShare[i] ?? 0, keysPct: keyShare[i] ?? 0 })),
    };
    log(`G: ${label}: ${run.perSecond.toFixed(0)} deliveries/s; per master ${JSON.stringify(run.masters)}`);
    return run;
  } finally {
    await service.stop();
    await receiver.close();
  }
}

/** Commands each server has run so far and the keys it holds. */
async function serverCommands(nodes: string[]): Promise<Array<{ commands: number; keys: number }>> {
  return Promise.all(
    nodes.map(async (node) => {
      const [host, port] = node.split(':');
      const redis = new Redis(Number(port), host as string);
      try {
        const stats = await redis.info('stats');
        const commands = Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? 0);
        return { commands, keys: await redis.dbsize() };
      } finally {
        redis.disconnect();
      }
    }),
  );
}
