using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeDns.Records.Kubernetes;

/// <summary>What <see cref="KubernetesFeed"/> watches and how it behaves when the API server misbehaves.</summary>
public sealed class KubernetesFeedOptions
{
    /// <summary>
    /// The namespaces to watch (CoreDNS's <c>namespaces</c> option). Empty (the default) watches the whole cluster.
    /// With names, Services, EndpointSlices and Pods are listed and watched per namespace, so the feed needs only
    /// namespaced read access there; Namespace objects are still watched cluster-wide and filtered here.
    /// </summary>
    public IList<string> Namespaces { get; } = [];

    /// <summary>
    /// A label selector (<c>app=web,tier!=cache</c>) the API server applies to Services, EndpointSlices and Pods: what
    /// does not match is invisible (CoreDNS's <c>labels</c> option; the EndpointSlice controller copies a Service's
    /// labels to its slices, so both sides match). Null (the default) selects everything.
    /// </summary>
    public string? LabelSelector { get; set; }

    /// <summary>A label selector for Namespace objects (CoreDNS's <c>namespace_labels</c>). Null selects every namespace.</summary>
    public string? NamespaceLabelSelector { get; set; }

    /// <summary>
    /// Whether to watch Pods, as CoreDNS does only for <c>pods verified</c> (<see cref="PodRecordMode.Verified"/>): the
    /// records of the other modes never need pod objects. Default false.
    /// </summary>
    public bool WatchPods { get; set; }

    /// <summary>
    /// How long the feed waits after the first change of a burst for more before applying them as one atomic batch.
    /// Changes that arrive while a batch is being applied join the next one whatever this is. Default 5 ms; zero applies
    /// what is queued at once.
    /// </summary>
    public TimeSpan BatchDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The first wait after a failed list or watch; each further failure doubles it, up to <see cref="MaxBackoff"/>. Default 500 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between attempts while the API server keeps failing. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the API server keeps one watch open (<c>timeoutSeconds</c>); the feed then watches again from the last
    /// resource version it saw. Default 5 minutes, randomised by up to a fifth so replicas do not reconnect together.
    /// </summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Objects per list page (<c>limit</c>); 0 asks for everything at once. Default 500, as client-go's reflector.</summary>
    public int ListPageSize { get; set; } = 500;

    /// <summary>Where the feed reports relists, reconnects and rejected objects. Default: nowhere.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>
    /// Creates the feed's meter (<see cref="KubernetesFeed.MeterName"/>); null (the default) creates one of its own,
    /// disposed with the feed. Hosts pass the container's <see cref="IMeterFactory"/>.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>The clock for back-off waits and latency measurements. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws when an option is out of range, naming it and its value.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        foreach (var ns in Namespaces)
        {
            if (string.IsNullOrWhiteSpace(ns))
            {
                errors.Add($"Namespaces: '{ns}' is not a namespace name");
            }
        }

        NonNegative(nameof(BatchDelay), BatchDelay, errors);
        Positive(nameof(InitialBackoff), InitialBackoff, errors);
        Positive(nameof(MaxBackoff), MaxBackoff, errors);
        if (MaxBackoff < InitialBackoff)
        {
            errors.Add($"MaxBackoff: '{MaxBackoff}' is shorter than InitialBackoff '{InitialBackoff}'");
        }

        if (WatchTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"WatchTimeout: '{WatchTimeout}' is shorter than one second (the API server counts whole seconds)");
        }

        if (ListPageSize < 0)
        {
            errors.Add($"ListPageSize: '{ListPageSize}' is negative");
        }

        if (Logger is null)
        {
            errors.Add("Logger: is null");
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider: is null");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid KubernetesFeedOptions: " + string.Join("; ", errors));
        }

        static void NonNegative(string name, TimeSpan value, List<string> errors)
        {
            if (value < TimeSpan.Zero)
            {
                errors.Add($"{name}: '{value}' is negative");
            }
        }

        static void Positive(string name, TimeSpan value, List<string> errors)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{name}: '{value}' is not positive");
            }
        }
    }

    internal KubernetesFeedOptions Copy()
    {
        var copy = new KubernetesFeedOptions
        {
            LabelSelector = LabelSelector,
            NamespaceLabelSelector = NamespaceLabelSelector,
            WatchPods = WatchPods,
            BatchDelay = BatchDelay,
            InitialBackoff = InitialBackoff,
            MaxBackoff = MaxBackoff,
            WatchTimeout = WatchTimeout,
            ListPageSize = ListPageSize,
            Logger = Logger,
            MeterFactory = MeterFactory,
            TimeProvider = TimeProvider,
        };
        foreach (var ns in Namespaces)
        {
            copy.Namespaces.Add(ns);
        }

        return copy;
    }
}
