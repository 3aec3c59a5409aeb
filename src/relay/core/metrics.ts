/** A latency summary over the most recent samples (a ring), plus all-time count and sum. */
export class Summary {
  private readonly ring: number[] = [];
  private next = 0;
  count = 0;
  sum = 0;
  constructor(private readonly window = 1024) {}

  observe(ms: number): void {
    this.count += 1;
    this.sum += ms;
    if (this.ring.length < this.window) this.ring.push(ms);
    else this.ring[this.next] = ms;
    this.next = (this.next + 1) % this.window;
  }

  quantile(q: number): number {
    if (this.ring.length === 0) return 0;
    const sorted = [...this.ring].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  }
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Counters and summaries served at `/metrics` in the Prometheus text format. */
export function createMetrics() {
  const rejected = new Map<string, number>();
  const m = {
    connections: 0,
    applied: 0,
    duplicates: 0,
    /** Runs of the SLA and snooze timer, conversations it woke, and SLA breaches it marked. */
    timerRuns: 0,
    snoozesWoken: 0,
    slaBreaches: 0,
    /** Conversations moved to another team's queue by their queue's overflow. */
    routingOverflows: 0,
    push: new Summary(),
    pull: new Summary(),
    reject(code: string): void {
      rejected.set(code, (rejected.get(code) ?? 0) + 1);
    },
    /** Renders every metric; `logPosition` is read at scrape time. */
    render(logPosition: number): string {
      const out: string[] = [];
      const metric = (name: string, type: string, help: string, lines: string[]) =>
        out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
      metric('relay_connections', 'gauge', 'Open sync connections.', [`relay_connections ${m.connections}`]);
      metric('relay_mutations_applied_total', 'counter', 'Mutations applied.', [
        `relay_mutations_applied_total ${m.applied}`,
      ]);
      metric('relay_mutations_duplicate_total', 'counter', 'Replayed mutations answered from the ledger.', [
        `relay_mutations_duplicate_total ${m.duplicates}`,
      ]);
      metric(
        'relay_mutations_rejected_total',
        'counter',
        'Mutations rejected, by error code.',
        [...rejected].map(([code, n]) => `relay_mutations_rejected_total{code="${code}"} ${n}`),
      );
      metric('relay_conversation_timer_runs_total', 'counter', 'Runs of the SLA and snooze timer.', [
        `relay_conversation_timer_runs_total ${m.timerRuns}`,
      ]);
      metric('relay_snoozes_woken_total', 'counter', 'Snoozed conversations woken at their time.', [
        `relay_snoozes_woken_total ${m.snoozesWoken}`,
      ]);
      metric('relay_sla_breaches_total', 'counter', 'SLA due times passed without being met.', [
        `relay_sla_breaches_total ${m.slaBreaches}`,
      ]);
      metric('relay_routing_overflows_total', 'counter', 'Waiting conversations moved by queue overflow.', [
        `relay_routing_overflows_total ${m.routingOverflows}`,
      ]);
      metric('relay_log_position', 'gauge', 'Newest position of the change log.', [
        `relay_log_position ${logPosition}`,
      ]);
      for (const [name, s] of [
        ['relay_push_latency_ms', m.push],
        ['relay_pull_latency_ms', m.pull],
      ] as const) {
        metric(
          name,
          'summary',
          `${name.includes('push') ? 'Push batch' : 'Pull page'} handling time in ms.`,
          [
            ...[0.5, 0.9, 0.99].map((q) => `${name}{quantile="${q}"} ${s.quantile(q)}`),
            `${name}_sum ${s.sum}`,
            `${name}_count ${s.count}`,
          ],
        );
      }
      return out.join('\n') + '\n';
    },
  };
  return m;
}
