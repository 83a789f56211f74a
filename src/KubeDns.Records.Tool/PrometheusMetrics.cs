using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace KubeDns.Records.Tool;

/// <summary>
/// Aggregates every <see cref="System.Diagnostics.Metrics"/> instrument whose meter name starts with one of the given
/// prefixes, and writes them in the Prometheus text exposition format 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), which every Prometheus version
/// and compatible scraper reads.
/// </summary>
/// <remarks>
/// Names follow Prometheus's naming conventions (https://prometheus.io/docs/practices/naming/) the way the
/// OpenTelemetry Prometheus compatibility rules map them: <c>kubedns.dns.responses</c> becomes
/// <c>kubedns_dns_responses_total</c> (characters outside <c>[a-zA-Z0-9_:]</c> become <c>_</c>), the unit is a suffix
/// (<c>s</c> → <c>_seconds</c>), and counters end in <c>_total</c>. Measurements are recorded lock-free for counters and
/// gauges (the DNS response counter is bumped on every query) and under a per-series lock for histograms.
/// </remarks>
internal sealed class PrometheusMetrics : IDisposable
{
    /// <summary>The content type of the text format 0.0.4, as Prometheus negotiates it.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// Histogram buckets for seconds-scale latency, 1 ms to 16 s doubling (as CoreDNS's
    /// <c>coredns_kubernetes_dns_programming_duration_seconds</c> does from 1 ms), used unless the instrument advises its own.
    /// </summary>
    internal static readonly double[] DefaultBuckets = [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1, 2, 4, 8, 16];

    private readonly string[] _prefixes;
    private readonly MeterListener _listener = new();
    private readonly Lock _scrape = new();
    private readonly Lock _familiesGate = new();
    private readonly List<Family> _families = [];

    public PrometheusMetrics(IEnumerable<string> meterPrefixes)
    {
        ArgumentNullException.ThrowIfNull(meterPrefixes);
        _prefixes = [.. meterPrefixes];
        _listener.InstrumentPublished = Publish;
        _listener.MeasurementsCompleted = (_, state) => Remove((Family)state!);
        _listener.SetMeasurementEventCallback<byte>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, value, tags, state) => ((Family)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Observes the observable instruments, then writes every family that has a series, sorted by name.</summary>
    public string Scrape()
    {
        // One scrape at a time: observable series are cleared and re-observed, so a concurrent scrape would see them half-filled.
        lock (_scrape)
        {
            Family[] families;
            lock (_familiesGate)
            {
                families = [.. _families];
            }

            foreach (var family in families.Where(f => f.IsObservable))
            {
                // An observable instrument reports the current value of each series it still has (its callback's
                // Measurements); a series it stopped reporting is gone, not frozen at its last value.
                family.Clear();
            }

            _listener.RecordObservableInstruments();

            var text = new StringBuilder();
            foreach (var group in families.GroupBy(f => f.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                // Two instruments with the same exported name (two meters, or two versions of one) share one TYPE line;
                // one of another type would make the exposition invalid, so the first published wins.
                var first = group.First();
                var series = group.Where(f => f.Type == first.Type).SelectMany(f => f.Snapshot()).OrderBy(s => s.Labels, StringComparer.Ordinal).ToList();
                if (series.Count == 0)
                {
                    continue;
                }

                if (!string.IsNullOrEmpty(first.Help))
                {
                    text.Append("# HELP ").Append(first.Name).Append(' ').Append(EscapeHelp(first.Help)).Append('\n');
                }

                text.Append("# TYPE ").Append(first.Name).Append(' ').Append(TypeText(first.Type)).Append('\n');
                foreach (var s in series)
                {
                    s.WriteTo(text, first.Name);
                }
            }

            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>The exported name of an instrument: sanitised, with its unit and, for counters, <c>_total</c>.</summary>
    internal static string MetricName(string instrumentName, string? unit, MetricType type)
    {
        var name = Sanitize(instrumentName, allowColon: true);
        if (type == MetricType.Counter && name.EndsWith("_total", StringComparison.Ordinal))
        {
            name = name[..^"_total".Length];
        }

        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }

        return type == MetricType.Counter ? name + "_total" : name;
    }

    /// <summary>A label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c> (colons are reserved for metric names).</summary>
    internal static string LabelName(string key) => Sanitize(key, allowColon: false);

    /// <summary>A label value escaped as the text format requires: backslash, double quote and line feed.</summary>
    internal static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A sample value: Go's float syntax, which Prometheus parses (<c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>).</summary>
    internal static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string TypeText(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        _ => "histogram",
    };

    private static string Sanitize(string text, bool allowColon)
    {
        var builder = new StringBuilder(text.Length + 1);
        foreach (var c in text)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    /// <summary>UCUM units (as System.Diagnostics.Metrics and OpenTelemetry write them) as Prometheus base-unit words.</summary>
    private static string UnitSuffix(string? unit) => unit switch
    {
        null or "" or "1" => string.Empty,
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "min" => "minutes",
        "h" => "hours",
        "d" => "days",
        "By" => "bytes",
        "%" => "percent",
        // An annotation such as {response} counts things and names no unit.
        _ when unit.StartsWith('{') && unit.EndsWith('}') => string.Empty,
        _ => Sanitize(unit, allowColon: false).Trim('_'),
    };

    private void Publish(Instrument instrument, MeterListener listener)
    {
        if (!_prefixes.Any(p => instrument.Meter.Name.StartsWith(p, StringComparison.Ordinal)) || Classify(instrument) is not (MetricType type, bool accumulates))
        {
            return;
        }

        var family = new Family(
            MetricName(instrument.Name, instrument.Unit, type),
            instrument.Description,
            type,
            accumulates,
            instrument.IsObservable,
            ConstantLabels(instrument),
            type == MetricType.Histogram ? Buckets(instrument) : []);
        lock (_familiesGate)
        {
            _families.Add(family);
        }

        listener.EnableMeasurementEvents(instrument, family);
    }

    private void Remove(Family family)
    {
        lock (_familiesGate)
        {
            _families.Remove(family);
        }
    }

    /// <summary>
    /// Counters add deltas; observable counters report running totals (set); up-down counters add deltas to a gauge;
    /// gauges of either kind report the current value (set).
    /// </summary>
    private static (MetricType Type, bool Accumulates)? Classify(Instrument instrument)
    {
        if (!instrument.GetType().IsGenericType)
        {
            return null;
        }

        var definition = instrument.GetType().GetGenericTypeDefinition();
        return definition switch
        {
            _ when definition == typeof(Counter<>) => (MetricType.Counter, true),
            _ when definition == typeof(ObservableCounter<>) => (MetricType.Counter, false),
            _ when definition == typeof(UpDownCounter<>) => (MetricType.Gauge, true),
            _ when definition == typeof(ObservableUpDownCounter<>) => (MetricType.Gauge, false),
            _ when definition == typeof(Gauge<>) || definition == typeof(ObservableGauge<>) => (MetricType.Gauge, false),
            _ when definition == typeof(Histogram<>) => (MetricType.Histogram, true),
            _ => null,
        };
    }

    /// <summary>The instrument's advised bucket boundaries (InstrumentAdvice, .NET 9), else <see cref="DefaultBuckets"/>.</summary>
    private static double[] Buckets(Instrument instrument)
    {
        var advised = instrument switch
        {
            Instrument<double> { Advice.HistogramBucketBoundaries: { } b } => b.ToArray(),
            Instrument<float> { Advice.HistogramBucketBoundaries: { } b } => b.Select(v => (double)v).ToArray(),
            Instrument<long> { Advice.HistogramBucketBoundaries: { } b } => b.Select(v => (double)v).ToArray(),
            Instrument<int> { Advice.HistogramBucketBoundaries: { } b } => b.Select(v => (double)v).ToArray(),
            _ => null,
        };
        return advised is { Length: > 0 } ? [.. advised.Where(double.IsFinite).Distinct().Order()] : DefaultBuckets;
    }

    private static KeyValuePair<string, string>[] ConstantLabels(Instrument instrument) =>
        [.. (instrument.Meter.Tags ?? []).Concat(instrument.Tags ?? []).Select(t => new KeyValuePair<string, string>(LabelName(t.Key), LabelText(t.Value)))];

    private static string LabelText(object? value) => value switch
    {
        null => string.Empty,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    internal enum MetricType
    {
        Counter,
        Gauge,
        Histogram,
    }

    /// <summary>One instrument: its exported name and its series, one per distinct tag set.</summary>
    private sealed class Family(string name, string? help, MetricType type, bool accumulates, bool isObservable, KeyValuePair<string, string>[] constantLabels, double[] buckets)
    {
        private readonly Lock _gate = new();
        private Series[] _series = [];

        public string Name { get; } = name;

        public string? Help { get; } = help;

        public MetricType Type { get; } = type;

        public bool IsObservable { get; } = isObservable;

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (double.IsNaN(value))
            {
                return;
            }

            var series = Find(tags);
            if (Type == MetricType.Histogram)
            {
                series.Observe(value);
            }
            else if (accumulates)
            {
                series.Add(value);
            }
            else
            {
                series.Set(value);
            }
        }

        public void Clear()
        {
            lock (_gate)
            {
                _series = [];
            }
        }

        public Series[] Snapshot() => Volatile.Read(ref _series);

        /// <summary>
        /// The series of these tags. The hot path compares the caller's tags with each series' (a handful per
        /// instrument) without allocating; a new tag set is added under the lock as a new array, copy-on-write.
        /// </summary>
        private Series Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var existing in Volatile.Read(ref _series))
            {
                if (existing.Matches(tags))
                {
                    return existing;
                }
            }

            lock (_gate)
            {
                foreach (var existing in _series)
                {
                    if (existing.Matches(tags))
                    {
                        return existing;
                    }
                }

                var created = new Series(tags.ToArray(), Labels(tags), Type == MetricType.Histogram ? buckets : null);
                Volatile.Write(ref _series, [.. _series, created]);
                return created;
            }
        }

        /// <summary>The label text, <c>a="x",b="y"</c>, sorted by name; a measurement's tag overrides a constant one.</summary>
        private string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in constantLabels)
            {
                labels[key] = value;
            }

            foreach (var tag in tags)
            {
                labels[LabelName(tag.Key)] = LabelText(tag.Value);
            }

            return string.Join(',', labels.Select(l => $"{l.Key}=\"{EscapeLabelValue(l.Value)}\""));
        }
    }

    /// <summary>One time series: a value (counter, gauge), or bucket counts, a sum and a count (histogram).</summary>
    private sealed class Series(KeyValuePair<string, object?>[] tags, string labels, double[]? buckets)
    {
        private readonly Lock _gate = new();
        private readonly long[] _bucketCounts = new long[(buckets?.Length ?? 0) + 1];
        private double _value;
        private double _sum;
        private long _count;

        public string Labels { get; } = labels;

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> other)
        {
            if (other.Length != tags.Length)
            {
                return false;
            }

            foreach (var tag in other)
            {
                var found = false;
                foreach (var mine in tags)
                {
                    if (string.Equals(mine.Key, tag.Key, StringComparison.Ordinal) && Equals(mine.Value, tag.Value))
                    {
                        found = true;
                        break;
                    }
                }

                if (!found)
                {
                    return false;
                }
            }

            return true;
        }

        public void Add(double delta)
        {
            var current = Volatile.Read(ref _value);
            while (true)
            {
                var seen = Interlocked.CompareExchange(ref _value, current + delta, current);
                if (seen.Equals(current))
                {
                    return;
                }

                current = seen;
            }
        }

        public void Set(double value) => Volatile.Write(ref _value, value);

        public void Observe(double value)
        {
            // The first bucket whose upper bound is >= value ("le" is inclusive); past the last bound, only +Inf.
            var index = Array.BinarySearch(buckets!, value);
            index = index >= 0 ? index : ~index;
            lock (_gate)
            {
                _bucketCounts[index]++;
                _sum += value;
                _count++;
            }
        }

        public void WriteTo(StringBuilder text, string name)
        {
            if (buckets is null)
            {
                Sample(text, name, string.Empty, Labels, Volatile.Read(ref _value));
                return;
            }

            long[] counts;
            double sum;
            long count;
            lock (_gate)
            {
                counts = [.. _bucketCounts];
                sum = _sum;
                count = _count;
            }

            // Buckets are cumulative in the exposition: each counts every observation <= its bound.
            var separator = Labels.Length > 0 ? "," : string.Empty;
            long cumulative = 0;
            for (var i = 0; i < buckets.Length; i++)
            {
                cumulative += counts[i];
                Sample(text, name, "_bucket", $"{Labels}{separator}le=\"{FormatValue(buckets[i])}\"", cumulative);
            }

            Sample(text, name, "_bucket", $"{Labels}{separator}le=\"+Inf\"", count);
            Sample(text, name, "_sum", Labels, sum);
            Sample(text, name, "_count", Labels, count);
        }

        private static void Sample(StringBuilder text, string name, string suffix, string labels, double value)
        {
            text.Append(name).Append(suffix);
            if (labels.Length > 0)
            {
                text.Append('{').Append(labels).Append('}');
            }

            text.Append(' ').Append(FormatValue(value)).Append('\n');
        }
    }
}
