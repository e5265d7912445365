/**
 * The agent's Prometheus metrics, written by hand in the text exposition format
 * (https://prometheus.io/docs/instrumenting/exposition_formats/).
 */
export type SyncResult =
  | 'healthy'
  | 'degraded'
  | 'failed'
  | 'refused'
  | 'rolled_back'
  | 'held'
  | 'unchanged'
  | 'error';

const BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
}

export class AgentMetrics {
  private readonly syncs = new Map<string, number>();
  private readonly managed = new Map<string, number>();
  private readonly lastSync = new Map<string, number>();
  private readonly bucketCounts = BUCKETS.map(() => 0);
  private applyCount = 0;
  private applySum = 0;

  recordSync(target: string, result: SyncResult, at: Date): void {
    const key = `${target}\u0000${result}`;
    this.syncs.set(key, (this.syncs.get(key) ?? 0) + 1);
    this.lastSync.set(target, at.getTime() / 1000);
  }

  recordApplyDuration(seconds: number): void {
    this.applyCount++;
    this.applySum += seconds;
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) this.bucketCounts[i] = (this.bucketCounts[i] ?? 0) + 1;
    });
  }

  setManaged(target: string, count: number): void {
    this.managed.set(target, count);
  }

  format(): string {
    const lines: string[] = [];
    lines.push('# HELP ferry_sync_total Reconciles of a Sync by outcome.', '# TYPE ferry_sync_total counter');
    for (const [key, value] of [...this.syncs].sort()) {
      const [target = '', result = ''] = key.split('\u0000');
      lines.push(
        `ferry_sync_total{target="${escapeLabel(target)}",result="${escapeLabel(result)}"} ${value}`,
      );
    }
    lines.push(
      '# HELP ferry_apply_duration_seconds Time to apply and prune one revision.',
      '# TYPE ferry_apply_duration_seconds histogram',
    );
    BUCKETS.forEach((b, i) => {
      lines.push(`ferry_apply_duration_seconds_bucket{le="${b}"} ${this.bucketCounts[i] ?? 0}`);
    });
    lines.push(`ferry_apply_duration_seconds_bucket{le="+Inf"} ${this.applyCount}`);
    lines.push(
      `ferry_apply_duration_seconds_sum ${this.applySum}`,
      `ferry_apply_duration_seconds_count ${this.applyCount}`,
    );
    lines.push(
      "# HELP ferry_resources_managed Objects in a target's inventory.",
      '# TYPE ferry_resources_managed gauge',
    );
    for (const [target, value] of [...this.managed].sort())
      lines.push(`ferry_resources_managed{target="${escapeLabel(target)}"} ${value}`);
    lines.push(
      '# HELP ferry_last_sync_timestamp_seconds When a target was last reconciled.',
      '# TYPE ferry_last_sync_timestamp_seconds gauge',
    );
    for (const [target, value] of [...this.lastSync].sort())
      lines.push(`ferry_last_sync_timestamp_seconds{target="${escapeLabel(target)}"} ${value}`);
    return `${lines.join('\n')}\n`;
  }
}
