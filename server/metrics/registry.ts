/**
 * The metrics registry every component registers into: counters, gauges and histograms it updates itself, and
 * statistics it already keeps (a cache's `stats()` object) read at scrape time. `/metrics` renders it in the
 * Prometheus text format. Components see only this interface, so none of them imports prom-client.
 *
 * @example
 *   const metrics = createMetricsRegistry();
 *   const hits = metrics.counter({ name: 'daneel_cache_hits_total', help: 'answers served from the cache' });
 *   hits.inc();
 *   // or, for a component that counts on its own:
 *   metrics.fromStats({ name: 'daneel_cache_entries', help: 'entries held', kind: 'gauge' }, () => cache.stats().entries);
 *   await metrics.text();   // "# HELP daneel_cache_hits_total ...\n# TYPE ... counter\n..."
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Labels = Readonly<Record<string, string>>;

export interface MetricSpec {
  /** Prometheus metric name: `daneel_` prefix, `_total` for counters, base units (`_seconds`, `_bytes`). */
  name: string;
  help: string;
  labelNames?: readonly string[];
}

export interface CounterHandle { inc(labels?: Labels, by?: number): void }
export interface GaugeHandle { set(value: number, labels?: Labels): void }
export interface HistogramHandle { observe(value: number, labels?: Labels): void }

/** A value read at scrape time: one number, or one per label set. */
export type StatsReading = number | ReadonlyArray<readonly [Labels, number]>;

export interface MetricsRegistry {
  counter(spec: MetricSpec): CounterHandle;
  gauge(spec: MetricSpec): GaugeHandle;
  histogram(spec: MetricSpec & { buckets: readonly number[] }): HistogramHandle;
  /**
   * A metric whose value a component keeps itself (monotonic counts as `counter`, levels as `gauge`), read by
   * `read()` at each scrape: how the answer cache's `stats()` plugs in without knowing about Prometheus.
   */
  fromStats(spec: MetricSpec & { kind: 'counter' | 'gauge' }, read: () => StatsReading): void;
  /** The Prometheus text exposition (version 0.0.4). */
  text(): Promise<string>;
  readonly contentType: string;
}

function labelsOf(labels: Labels | undefined): Record<string, string> {
  return labels ? { ...labels } : {};
}

function readings(value: StatsReading): ReadonlyArray<readonly [Labels, number]> {
  return typeof value === 'number' ? [[{}, value]] : value;
}

/** A registry of its own (never prom-client's global one), so tests and several servers do not share counts. */
export function createMetricsRegistry(): MetricsRegistry {
  const registry = new Registry();
  const common = (spec: MetricSpec) => ({ name: spec.name, help: spec.help, labelNames: [...(spec.labelNames ?? [])], registers: [registry] });
  return {
    counter(spec) {
      const c = new Counter(common(spec));
      return { inc: (labels, by = 1) => c.inc(labelsOf(labels), by) };
    },
    gauge(spec) {
      const g = new Gauge(common(spec));
      return { set: (value, labels) => g.set(labelsOf(labels), value) };
    },
    histogram(spec) {
      const h = new Histogram({ ...common(spec), buckets: [...spec.buckets] });
      return { observe: (value, labels) => h.observe(labelsOf(labels), value) };
    },
    fromStats(spec, read) {
      if (spec.kind === 'gauge') {
        new Gauge({ ...common(spec), collect() { this.reset(); for (const [l, v] of readings(read())) this.set(labelsOf(l), v); } });
      } else {
        // A counter's value is the component's own running count: reset and set it to that count at each scrape.
        new Counter({ ...common(spec), collect() { this.reset(); for (const [l, v] of readings(read())) this.inc(labelsOf(l), v); } });
      }
    },
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
